/*
 * hypercall.h: the eight hvt hypercalls, one wrapper each, and Morgana's
 * net rings registration.
 *
 * A hypercall is a 32-bit `out` to port 0x500 + N whose value is the guest
 * physical address of the argument struct. Every struct lives on the boot
 * stack or in the image, both identity-mapped below 4 GiB, so the pointer
 * is also the physical address the tender wants. Buffers handed over (puts,
 * net and block data) are identity-mapped too: boot text and data, or the
 * Wasm memory, which sits at its physical place.
 */
#ifndef MORGANA_HYPERCALL_H
#define MORGANA_HYPERCALL_H

#include "boot.h"

#ifdef MORGANA_TARGET_SPT
/* On spt the same calls are system calls (spt/hypercall.h). */
#include "spt/hypercall.h"
#else

/* Exits counted by kind (the stats line's `exits.*`, imports.c): [nr] for
 * hypercall nr, [HVT_CALL_RING_KICK] for kicks of Solo5's ring thread. */
#define HVT_CALL_RING_KICK 0
extern u64 hvt_calls[HVT_HYPERCALL_MAX];

static inline void hvt_hypercall(unsigned nr, void *arg) {
    hvt_calls[nr]++;
    /* "memory": the tender reads and writes *arg behind the compiler. */
    __asm__ __volatile__("outl %0, %1"
                         :
                         : "a"((u32)(uintptr_t)arg), "d"((u16)(HVT_HYPERCALL_PIO_BASE + nr))
                         : "memory");
}

static inline u64 hvt_walltime(void) {
    struct hvt_hc_walltime a = {0};
    hvt_hypercall(HVT_HYPERCALL_WALLTIME, &a);
    return a.nsecs;
}

static inline void hvt_puts(const void *data, u64 len) {
    struct hvt_hc_puts a = {.data = (uintptr_t)data, .len = len};
    hvt_hypercall(HVT_HYPERCALL_PUTS, &a);
}

/* The set of ready handles; 0 when the timeout passed. */
static inline u64 hvt_poll(u64 timeout_nsecs) {
    struct hvt_hc_poll a = {.timeout_nsecs = timeout_nsecs};
    hvt_hypercall(HVT_HYPERCALL_POLL, &a);
    return a.ret > 0 ? a.ready_set : 0;
}

static inline int hvt_blkwrite(u64 handle, u64 offset, const void *data, u64 len) {
    struct hvt_hc_blkwrite a = {.handle = handle, .offset = offset, .data = (uintptr_t)data, .len = len};
    hvt_hypercall(HVT_HYPERCALL_BLKWRITE, &a);
    return a.ret;
}

static inline int hvt_blkread(u64 handle, u64 offset, void *data, u64 *len) {
    struct hvt_hc_blkread a = {.handle = handle, .offset = offset, .data = (uintptr_t)data, .len = *len};
    hvt_hypercall(HVT_HYPERCALL_BLKREAD, &a);
    *len = a.len;
    return a.ret;
}

static inline int hvt_netwrite(u64 handle, const void *data, u64 len) {
    struct hvt_hc_netwrite a = {.handle = handle, .data = (uintptr_t)data, .len = len};
    hvt_hypercall(HVT_HYPERCALL_NETWRITE, &a);
    return a.ret;
}

/* *len: buffer size in, frame size out. */
static inline int hvt_netread(u64 handle, void *data, u64 *len) {
    struct hvt_hc_netread a = {.handle = handle, .data = (uintptr_t)data, .len = *len};
    hvt_hypercall(HVT_HYPERCALL_NETREAD, &a);
    *len = a.len;
    return a.ret;
}

/* Morgana's net rings registration (morgana_abi.h): only after the offer
 * was seen in the manifest. A port of its own, which start.S lets through
 * from ring 3 like the hvt ones. */
static inline void morgana_netrings(struct morgana_hc_netrings *a) {
    __asm__ __volatile__("outl %0, %1"
                         :
                         : "a"((u32)(uintptr_t)a), "d"((u16)MORGANA_HYPERCALL_NETRINGS_PORT)
                         : "memory");
}

static inline NORETURN void hvt_halt(int status) {
    struct hvt_hc_halt a = {.cookie = 0, .exit_status = status};
    hvt_hypercall(HVT_HYPERCALL_HALT, &a);
    cpu_halt_forever(); /* a tender that returns from halt gets a stopped CPU */
}

#endif /* MORGANA_TARGET_SPT */
#endif
