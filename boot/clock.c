/*
 * clock.c: time. Monotonic time is the TSC scaled by the frequency the
 * tender measured (boot info), counted from boot. The scale is a 32.32
 * fixed-point factor and the product is taken in 128 bits, so the result
 * is exact to well under a microsecond a day and does not overflow for
 * centuries. Wall-clock time is asked of the tender (an exit) at most
 * once a second, and in between is its last answer plus the TSC's
 * progress: a log line costs no exit, and the host clock's adjustments
 * show within a second.
 */
#include "boot.h"
#include "hypercall.h"

static u64 tsc_start, ns_per_tick_32; /* nanoseconds per tick << 32 */
static u64 tsc_mhz;

void clock_init(u64 tsc_hz) {
    if (tsc_hz == 0) tsc_hz = 1000000000; /* a broken tender: assume 1 GHz */
    ns_per_tick_32 = (1000000000ull << 32) / tsc_hz;
    tsc_mhz = tsc_hz / 1000000;
    tsc_start = rdtsc();
}

u64 clock_monotonic(void) {
    unsigned __int128 ticks = rdtsc() - tsc_start;
    return (u64)((ticks * ns_per_tick_32) >> 32);
}

/* TSC ticks in `ns` nanoseconds (to a MHz; for ns below 10^9). */
u64 clock_ticks(u64 ns) { return ns * tsc_mhz / 1000; }

u64 clock_wall(void) {
    static u64 wall, asked_at, asked;
    u64 now = clock_monotonic();
    if (!asked || now - asked_at >= 1000000000ull) {
        wall = hvt_walltime();
        asked_at = now;
        asked = 1;
        return wall;
    }
    return wall + (now - asked_at);
}

/* Wait for input or the deadline. The tender may wake early (its clock is
 * not ours, its timeout granularity coarser), so wait again until our own
 * clock has passed the deadline. With net rings (net.c), frames already in
 * a receive ring are input: when nothing waits to be sent, say so without
 * an exit; otherwise the poll hypercall, in which the tender also writes
 * the queued frames and fills the receive rings, does not sleep. */
u64 clock_poll(u64 deadline) {
    for (;;) {
        u64 ready = net_rings_ready();
        if (ready && !net_rings_pending()) {
            net_polled(ready, 0);
            return ready;
        }
        u64 now = clock_monotonic(), t0 = rdtsc();
        ready = hvt_poll(ready || deadline <= now ? 0 : deadline - now);
        net_polled(ready, rdtsc() - t0);
        if (ready || clock_monotonic() >= deadline) return ready;
    }
}
