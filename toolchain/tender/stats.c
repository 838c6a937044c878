/*
 * stats.c: --x-exit-stats. At exit (the guest's halt, a guest stopped by
 * the tender, or SIGINT/SIGTERM) one line on stderr counts the guest's
 * hypercalls by kind, which on KVM are its exits, and the frames each net
 * device moved through its rings:
 *
 *   morgana-hvt: exit stats: hypercalls 9 (walltime 0, puts 2, poll 3,
 *   blkwrite 0, blkread 0, netwrite 0, netread 0, halt 1, netrings 1);
 *   net service rings rx 4 tx 4 rx_errors 0 tx_errors 0
 *
 * (on one line). Built with write(2) and no stdio, so that a signal
 * handler may call it.
 */
#include <unistd.h>

#include "tender.h"

static const char *const names[HVT_HYPERCALL_MAX + 1] = {
    [HVT_HYPERCALL_WALLTIME] = "walltime", [HVT_HYPERCALL_PUTS] = "puts",
    [HVT_HYPERCALL_POLL] = "poll", [HVT_HYPERCALL_BLKWRITE] = "blkwrite",
    [HVT_HYPERCALL_BLKREAD] = "blkread", [HVT_HYPERCALL_NETWRITE] = "netwrite",
    [HVT_HYPERCALL_NETREAD] = "netread", [HVT_HYPERCALL_HALT] = "halt",
    [STAT_NETRINGS] = "netrings",
};

static char line[MFT_MAX_ENTRIES * 320 + 512];
static size_t used;

static void str(const char *s)
{
    while (*s && used < sizeof line - 1)
        line[used++] = *s++;
}

static void num(uint64_t v)
{
    char b[20];
    int i = sizeof b;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    while (i < (int)sizeof b && used < sizeof line - 1)
        line[used++] = b[i++];
}

void print_exit_stats(const struct tender *t)
{
    uint64_t total = 0;
    for (unsigned i = 1; i <= HVT_HYPERCALL_MAX; i++)
        total += hypercall_count[i];
    used = 0;
    str(TENDER_NAME ": exit stats: hypercalls ");
    num(total);
    for (unsigned i = 1; i <= HVT_HYPERCALL_MAX; i++) {
        str(i == 1 ? " (" : ", ");
        str(names[i]);
        str(" ");
        num(hypercall_count[i]);
    }
    str(")");
    for (unsigned h = 1; t->mft && h < t->mft->entries; h++) {
        const struct device *d = &t->dev[h];
        if (t->mft->e[h].type != MFT_DEV_NET_BASIC || !t->mft->e[h].attached)
            continue;
        str("; net ");
        str(t->mft->e[h].name);
        str(d->rings ? " rings" : " no rings");
        str(" rx ");
        num(d->rx_frames);
        str(" tx ");
        num(d->tx_frames);
        str(" rx_errors ");
        num(d->rx_errors);
        str(" tx_errors ");
        num(d->tx_errors);
        str(" tso ");
        num(d->tso_frames);
        str(" tx_dropped ");
        num(d->tx_dropped);
        str(" rx_dropped ");
        num(d->rx_dropped);
    }
    line[used++] = '\n';
    ssize_t n = write(2, line, used);
    (void)n;
}
