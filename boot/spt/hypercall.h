/*
 * spt/hypercall.h: the hvt hypercall wrappers the shared boot files call
 * (boot/hypercall.h), made of the system calls the spt tender's seccomp
 * filter allows (sys.h). Same names and same results as on hvt, so that
 * console, imports, devices, net and traps are one code for both targets;
 * the checks the hvt tender makes on a call are made here, since on spt
 * no tender stands between the guest and the host kernel.
 *
 * Morgana's net rings are never offered on spt (the manifest's host union
 * holds the tap's fd), so their registration is never made.
 */
#ifndef MORGANA_SPT_HYPERCALL_H
#define MORGANA_SPT_HYPERCALL_H

#include "boot.h"
#include "spt/sys.h"

static inline u64 hvt_walltime(void) { return sys_clock_ns(SYS_CLOCK_REALTIME); }

static inline void hvt_puts(const void *data, u64 len) {
    const u8 *p = data;
    while (len) {
        long n = sys_call3(SYS_WRITE, 1, p, len);
        if (n <= 0) return; /* the console is gone: nothing to tell it */
        p += n, len -= (u64)n;
    }
}

/* The set of ready handles; 0 when the timeout passed (spt/clock.c). */
u64 hvt_poll(u64 timeout_nsecs);

/* spt/block.c: whole blocks only, as the filter allows one block a call. */
int hvt_blkwrite(u64 handle, u64 offset, const void *data, u64 len);
int hvt_blkread(u64 handle, u64 offset, void *data, u64 *len);

/* spt/net.c: one frame per read or write on the tap's fd. */
int hvt_netwrite(u64 handle, const void *data, u64 len);
int hvt_netread(u64 handle, void *data, u64 *len);

static inline void morgana_netrings(struct morgana_hc_netrings *a) { a->ret = HVT_EINVAL; }

static inline NORETURN void hvt_halt(int status) {
    for (;;) sys_call3(SYS_EXIT_GROUP, status, 0, 0);
}

#endif
