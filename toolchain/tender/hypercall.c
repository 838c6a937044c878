/*
 * hypercall.c: the hvt hypercalls. The guest does a 32-bit `out` to port
 * 0x500 + N with the guest physical address of the call's argument struct
 * (boot/hvt_abi.h). Every address and length the guest hands over is
 * checked against guest memory before use; a bad one stops the guest.
 * Results the guest can act on (a bad handle, an I/O outside a device) are
 * returned as EINVAL instead.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tender.h"

void *guest_ptr(struct tender *t, const char *call, uint64_t gpa, uint64_t len,
                const char *file, int line)
{
    if (gpa > t->mem_size || len > t->mem_size - gpa)
        die_at(EXIT_ABORT, file, line,
               "hypercall %s: the guest passed address 0x%llx, length 0x%llx, "
               "which is not inside its memory (0x%llx bytes); guest stopped",
               call, (unsigned long long)gpa, (unsigned long long)len,
               (unsigned long long)t->mem_size);
    return t->mem + gpa;
}

static void hc_walltime(struct tender *t, uint64_t gpa)
{
    struct hvt_hc_walltime *w = GUEST_PTR(t, "walltime", gpa, sizeof *w);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    w->nsecs = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void hc_puts(struct tender *t, uint64_t gpa)
{
    struct hvt_hc_puts *p = GUEST_PTR(t, "puts", gpa, sizeof *p);
    uint64_t len = p->len;
    const uint8_t *s = GUEST_PTR(t, "puts", p->data, len);
    while (len > 0) {
        ssize_t n = write(1, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* the console is gone; the guest goes on */
        s += n;
        len -= (uint64_t)n;
    }
}

/* Sleep until the timeout or until an attached net device has input. With
 * net rings (netring.c), first write what the guest queued and read what
 * waits into its receive rings; if a receive ring then holds frames, do
 * not sleep; after sleeping, read what came into the rings too, so the
 * guest finds it without another exit. */
static void hc_poll(struct tender *t, uint64_t gpa)
{
    struct hvt_hc_poll *p = GUEST_PTR(t, "poll", gpa, sizeof *p);
    uint64_t ns = p->timeout_nsecs;
    struct pollfd fds[MFT_MAX_ENTRIES];
    unsigned handle[MFT_MAX_ENTRIES];
    nfds_t n = 0;
    uint64_t ready = 0;
    netrings_flush(t);
    for (unsigned i = 1; i < t->mft->entries; i++) {
        if (t->mft->e[i].type == MFT_DEV_NET_BASIC && t->mft->e[i].attached) {
            if (t->dev[i].rings)
                ready |= netrings_fill(t, i);
            fds[n] = (struct pollfd){ .fd = t->dev[i].fd, .events = POLLIN };
            handle[n++] = i;
        }
    }
    if (ready)
        ns = 0;
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ULL),
                           .tv_nsec = (long)(ns % 1000000000ULL) };
    /* Only SIGINT and SIGTERM (which end the tender) may interrupt. */
    sigset_t mask;
    sigfillset(&mask);
    sigdelset(&mask, SIGINT);
    sigdelset(&mask, SIGTERM);
    int rc;
    do
        rc = ppoll(fds, n, &ts, &mask);
    while (rc < 0 && errno == EINTR);
    if (rc < 0)
        die_at(EXIT_ABORT, __FILE__, __LINE__, "hypercall poll: ppoll failed: %s",
               strerror(errno));
    for (nfds_t k = 0; k < n; k++) {
        if (!fds[k].revents)
            continue;
        if (t->dev[handle[k]].rings)
            ready |= netrings_fill(t, handle[k]);
        else
            ready |= 1ULL << handle[k];
    }
    p->ready_set = ready;
    p->ret = __builtin_popcountll(ready);
}

/* The guest's exit status; the cookie, if any, must be readable. */
static int hc_halt(struct tender *t, uint64_t gpa)
{
    struct hvt_hc_halt *h = GUEST_PTR(t, "halt", gpa, sizeof *h);
    if (h->cookie != 0)
        GUEST_PTR(t, "halt", h->cookie, HVT_HALT_COOKIE_MAX);
    return h->exit_status;
}

uint64_t hypercall_count[HVT_HYPERCALL_MAX + 1];

int hypercall(struct tender *t, unsigned nr, uint64_t gpa, bool *halted)
{
    *halted = false;
    if (nr < HVT_HYPERCALL_MAX)
        hypercall_count[nr]++;
    switch (nr) {
    case HVT_HYPERCALL_WALLTIME: hc_walltime(t, gpa); return 0;
    case HVT_HYPERCALL_PUTS: hc_puts(t, gpa); return 0;
    case HVT_HYPERCALL_POLL: hc_poll(t, gpa); return 0;
    case HVT_HYPERCALL_BLKWRITE: hc_blkwrite(t, gpa); return 0;
    case HVT_HYPERCALL_BLKREAD: hc_blkread(t, gpa); return 0;
    case HVT_HYPERCALL_NETWRITE: hc_netwrite(t, gpa); return 0;
    case HVT_HYPERCALL_NETREAD: hc_netread(t, gpa); return 0;
    case HVT_HYPERCALL_HALT:
        *halted = true;
        netrings_flush(t); /* what the guest sent last must not be lost */
        return hc_halt(t, gpa);
    default:
        die_at(EXIT_ABORT, __FILE__, __LINE__, "the guest made hypercall %u "
               "(port 0x%x), which does not exist (1 to %d); guest stopped",
               nr, HVT_HYPERCALL_PIO_BASE + nr, HVT_HYPERCALL_MAX - 1);
    }
}
