/*
 * impair: a seeded impairment forwarder for the network tests, standing in
 * for tc netem (which this kernel lacks). It joins two interfaces of one
 * network namespace at layer 2, with raw AF_PACKET sockets (packet(7)), and
 * on the way, in each direction independently:
 *
 *   --loss P       drops a frame with probability P (0..1)
 *   --dup P        sends a frame twice
 *   --reorder P    holds a frame back until the next one has gone (or
 *                  --hold MS has passed), so the two swap places
 *   --corrupt P    flips one bit past the Ethernet header (the receiver's
 *                  checksums must catch it)
 *   --delay MS     delays every frame by MS milliseconds, plus
 *   --jitter MS    a uniform extra 0..MS (which also reorders)
 *
 * All draws come from one xorshift64* generator per direction seeded from
 * --seed, so a run is repeatable given the same frames. It forwards until
 * SIGTERM/SIGINT or --timeout SEC, then prints one line per direction:
 *
 *   a>b in=N out=N lost=N dup=N reordered=N corrupted=N queuefull=N
 *
 * and "ready" on stdout once both sockets are bound.
 *
 *   impair --a tap0 --b veth0 --seed 7 --loss 0.05 --dup 0.01 --reorder 0.02
 *
 * The interfaces must carry no IP address in this namespace (so the kernel
 * answers nothing on them) and have offloads off (ethtool -K IF tso off gso
 * off gro off tx off), so that every frame is a real one of at most the MTU.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 2048
#define QUEUE 8192 /* frames waiting (delay, jitter) per direction */

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct frame {
    long long at; /* when to send, ns */
    unsigned len;
    unsigned char data[MAX_FRAME];
};

struct dir {
    const char *name;
    int in, out;      /* sockets: read from in, write to out */
    int out_ifindex;
    uint64_t rng;
    struct frame *q;  /* sorted by `at`, q[0] first */
    unsigned n;
    struct frame held; /* a frame held back for reordering */
    int holding;
    long long held_until;
    unsigned long long cin, cout, lost, dup, reordered, corrupted, queuefull;
};

static double p_loss, p_dup, p_reorder, p_corrupt;
static long long delay_ns, jitter_ns, hold_ns = 20000000;
static volatile sig_atomic_t stop;

static void on_signal(int s) { (void)s; stop = 1; }

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* xorshift64* (Vigna): small and good enough for drawing impairments. */
static uint64_t next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* A uniform draw in [0, 1). */
static double draw(struct dir *d) { return (next(&d->rng) >> 11) * (1.0 / 9007199254740992.0); }

static int open_socket(const char *ifname, int *ifindex)
{
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) { perror("socket"); exit(2); }
    unsigned idx = if_nametoindex(ifname);
    if (idx == 0) { fprintf(stderr, "impair: no interface %s\n", ifname); exit(2); }
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = (int)idx };
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) { perror("bind"); exit(2); }
    int one = 1;
    /* Our own sends on this interface are not input. */
    if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0) { perror("PACKET_IGNORE_OUTGOING"); exit(2); }
    int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    *ifindex = (int)idx;
    return fd;
}

static void transmit(struct dir *d, const unsigned char *data, unsigned len)
{
    struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = d->out_ifindex, .sll_halen = 6 };
    memcpy(to.sll_addr, data, 6);
    for (int tries = 0; tries < 100; tries++) {
        if (sendto(d->out, data, len, 0, (struct sockaddr *)&to, sizeof to) >= 0) { d->cout++; return; }
        if (errno != ENOBUFS && errno != EAGAIN) break;
        usleep(100);
    }
    d->queuefull++; /* the kernel would not take it: a loss too */
}

/* Queue a frame to go at `at`, keeping the queue sorted. */
static void enqueue(struct dir *d, const unsigned char *data, unsigned len, long long at)
{
    if (d->n == QUEUE) { d->queuefull++; return; }
    unsigned i = d->n;
    while (i > 0 && d->q[i - 1].at > at) { d->q[i] = d->q[i - 1]; i--; }
    d->q[i].at = at;
    d->q[i].len = len;
    memcpy(d->q[i].data, data, len);
    d->n++;
}

/* A frame has passed the draws of loss, corruption and duplication: it
 * goes (after the delay), unless it is held back to swap with the next. */
static void schedule(struct dir *d, const unsigned char *data, unsigned len, long long t)
{
    long long at = t + delay_ns + (jitter_ns > 0 ? (long long)(draw(d) * (double)jitter_ns) : 0);
    if (!d->holding && p_reorder > 0 && draw(d) < p_reorder) {
        d->holding = 1;
        d->held.len = len;
        memcpy(d->held.data, data, len);
        d->held_until = t + hold_ns;
        d->reordered++;
        return;
    }
    enqueue(d, data, len, at);
    if (d->holding) {
        /* The held frame goes right after this one. */
        enqueue(d, d->held.data, d->held.len, at);
        d->holding = 0;
    }
}

static void input(struct dir *d, unsigned char *buf, unsigned len, long long t)
{
    d->cin++;
    if (p_loss > 0 && draw(d) < p_loss) { d->lost++; return; }
    if (p_corrupt > 0 && draw(d) < p_corrupt && len > 14) {
        unsigned at = 14 + (unsigned)(next(&d->rng) % (len - 14));
        buf[at] ^= (unsigned char)(1u << (next(&d->rng) % 8));
        d->corrupted++;
    }
    schedule(d, buf, len, t);
    if (p_dup > 0 && draw(d) < p_dup) {
        d->dup++;
        enqueue(d, buf, len, t + delay_ns);
    }
}

/* Send what is due; the time of the next thing to do (or -1). */
static long long service(struct dir *d, long long t)
{
    unsigned sent = 0;
    while (sent < d->n && d->q[sent].at <= t) { transmit(d, d->q[sent].data, d->q[sent].len); sent++; }
    if (sent > 0) { memmove(d->q, d->q + sent, (d->n - sent) * sizeof *d->q); d->n -= sent; }
    if (d->holding && d->held_until <= t) { transmit(d, d->held.data, d->held.len); d->holding = 0; }
    long long next_at = -1;
    if (d->n > 0) next_at = d->q[0].at;
    if (d->holding && (next_at < 0 || d->held_until < next_at)) next_at = d->held_until;
    return next_at;
}

static double prob(const char *opt, const char *v)
{
    double p = strtod(v, NULL);
    if (!(p >= 0 && p <= 1)) { fprintf(stderr, "impair: %s wants a probability from 0 to 1\n", opt); exit(2); }
    return p;
}

int main(int argc, char **argv)
{
    const char *a = NULL, *b = NULL;
    unsigned long long seed = 1;
    long long timeout_s = 600;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) { fprintf(stderr, "impair: %s needs a value\n", o); return 2; }
        i++;
        if (!strcmp(o, "--a")) a = v;
        else if (!strcmp(o, "--b")) b = v;
        else if (!strcmp(o, "--seed")) seed = strtoull(v, NULL, 10);
        else if (!strcmp(o, "--loss")) p_loss = prob(o, v);
        else if (!strcmp(o, "--dup")) p_dup = prob(o, v);
        else if (!strcmp(o, "--reorder")) p_reorder = prob(o, v);
        else if (!strcmp(o, "--corrupt")) p_corrupt = prob(o, v);
        else if (!strcmp(o, "--delay")) delay_ns = (long long)(strtod(v, NULL) * 1e6);
        else if (!strcmp(o, "--jitter")) jitter_ns = (long long)(strtod(v, NULL) * 1e6);
        else if (!strcmp(o, "--hold")) hold_ns = (long long)(strtod(v, NULL) * 1e6);
        else if (!strcmp(o, "--timeout")) timeout_s = strtoll(v, NULL, 10);
        else { fprintf(stderr, "impair: unknown option %s\n", o); return 2; }
    }
    if (!a || !b) { fprintf(stderr, "usage: impair --a IFACE --b IFACE [--seed N] [--loss P] [--dup P] [--reorder P] [--corrupt P] [--delay MS] [--jitter MS] [--hold MS] [--timeout SEC]\n"); return 2; }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    int ia, ib;
    int fa = open_socket(a, &ia), fb = open_socket(b, &ib);
    static struct frame qa[QUEUE], qb[QUEUE];
    struct dir ab = { .name = "a>b", .in = fa, .out = fb, .out_ifindex = ib, .rng = seed * 2 + 1, .q = qa };
    struct dir ba = { .name = "b>a", .in = fb, .out = fa, .out_ifindex = ia, .rng = seed * 2 + 2, .q = qb };
    for (int k = 0; k < 8; k++) { next(&ab.rng); next(&ba.rng); }
    printf("ready\n");
    fflush(stdout);
    long long end = now_ns() + timeout_s * 1000000000LL;
    unsigned char buf[MAX_FRAME];
    while (!stop) {
        long long t = now_ns();
        if (t >= end) break;
        long long n1 = service(&ab, t), n2 = service(&ba, t);
        long long wake = end;
        if (n1 >= 0 && n1 < wake) wake = n1;
        if (n2 >= 0 && n2 < wake) wake = n2;
        int ms = (int)((wake - t + 999999) / 1000000);
        struct pollfd p[2] = { { .fd = fa, .events = POLLIN }, { .fd = fb, .events = POLLIN } };
        if (poll(p, 2, ms) < 0) { if (errno == EINTR) continue; perror("poll"); return 2; }
        for (int k = 0; k < 2; k++) {
            if (!(p[k].revents & POLLIN)) continue;
            struct dir *d = k == 0 ? &ab : &ba;
            for (int burst = 0; burst < 64; burst++) {
                ssize_t len = recv(d->in, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
                if (len < 0) break;
                if (len > MAX_FRAME) { d->queuefull++; continue; } /* an offload super-frame: refuse */
                input(d, buf, (unsigned)len, now_ns());
            }
        }
    }
    struct dir *ds[2] = { &ab, &ba };
    for (int k = 0; k < 2; k++) {
        struct dir *d = ds[k];
        printf("%s in=%llu out=%llu lost=%llu dup=%llu reordered=%llu corrupted=%llu queuefull=%llu\n", d->name, d->cin,
               d->cout, d->lost, d->dup, d->reordered, d->corrupted, d->queuefull);
    }
    fflush(stdout);
    return 0;
}
