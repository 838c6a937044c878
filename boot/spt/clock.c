/*
 * spt/clock.c: time and waiting on spt. The spt boot info gives no TSC
 * frequency, and the host's CLOCK_MONOTONIC is one system call away, so
 * monotonic time is that clock counted from boot. Waiting is what the spt
 * tender prepared: an epoll set holding each attached device's fd (its
 * event data is the device's handle) and a timer fd (its data is
 * SPT_INTERNAL_TIMERFD, ~1), armed for the timeout before the wait.
 */
#include "boot.h"
#include "hypercall.h"

#define SPT_INTERNAL_TIMERFD 0xfffffffeull
#define MAX_EVENTS (MFT_MAX_ENTRIES + 1)

static u64 start;

void clock_init(u64 tsc_hz) {
    (void)tsc_hz;
    start = sys_clock_ns(SYS_CLOCK_MONOTONIC);
}

u64 clock_monotonic(void) { return sys_clock_ns(SYS_CLOCK_MONOTONIC) - start; }

u64 clock_wall(void) { return hvt_walltime(); }

u64 hvt_poll(u64 timeout_nsecs) {
    struct sys_epoll_event ev[MAX_EVENTS];
    long wait_ms = 0;
    if (timeout_nsecs) {
        /* A zero it_value would disarm the timer, so at least 1 ns;
         * re-arming also clears an expiry nobody read. */
        struct sys_itimerspec it = {{0, 0}, {(long)(timeout_nsecs / 1000000000ull), (long)(timeout_nsecs % 1000000000ull) | 1}};
        sys_call3(SYS_TIMERFD_SETTIME, spt_timerfd, 0, &it);
        wait_ms = -1;
    }
    long n;
    do n = sys_call6(SYS_EPOLL_PWAIT, spt_epollfd, (long)ev, MAX_EVENTS, wait_ms, 0, 8);
    while (n == -SYS_EINTR);
    u64 ready = 0;
    for (long i = 0; i < n; i++)
        if (ev[i].data < 64) ready |= 1ull << ev[i].data; /* SPT_INTERNAL_TIMERFD is not a device */
    return ready;
}

/* Wait for input or the deadline; the timer may fire a little early by
 * our own clock, so wait again until it has passed. */
u64 clock_poll(u64 deadline) {
    for (;;) {
        u64 now = clock_monotonic();
        u64 ready = hvt_poll(deadline <= now ? 0 : deadline - now);
        if (ready || clock_monotonic() >= deadline) return ready;
    }
}
