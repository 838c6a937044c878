/*
 * solo5_ring.c: Solo5 0.12's shared-ring network path (solo5_ring_abi.h),
 * taken when a Solo5 tender offers it. A thread of the tender, beside the
 * vCPU, takes frames to write and read requests from one ring in guest
 * memory, so a frame costs no exit to the tender:
 *
 * - a write is copied into a transmit buffer of ours (the tender may write
 *   it to the tap later) and submitted; it returns at once;
 * - reads go in batches: several read requests submitted at once, into
 *   receive buffers of ours, waited for together (spinning until the
 *   tender's thread has posted every commit), the frames then handed out
 *   one a call: a wake-up under load costs one wait, not one a frame;
 * - the host thread sleeps when idle: a submission then kicks it (an
 *   ioeventfd port, handled in the host kernel, not by the tender);
 * - waiting for input is still the poll hypercall.
 *
 * The ring lies above the guest's memory (the tender's reservation), so
 * paging.c maps it at SOLO5_RING_VA, away from the identity map: no Wasm
 * address, however far out of bounds, can reach it.
 */
#include "boot.h"
#include "hypercall.h"
#include "solo5_ring_abi.h"

#ifndef MORGANA_TARGET_SPT

#define MASK (SOLO5_RING_SIZE - 1)
/* Transmit buffers: at most this many writes wait for the host thread.
 * Fewer than SOLO5_RING_SIZE - 1, so a read always finds a free entry. */
#define MAX_TX_BUFS 512u

static struct solo5_ring *ring; /* NULL: not in use */
static u8 *tx_bufs;
static u32 tx_count, tx_size; /* a power of two; bytes each */
static u32 writes, next_id;   /* writes submitted (picks the buffer); request ids */

/* Frames read ahead, in arrival order: rx_bufs[rx_next .. rx_have) for
 * device rx_handle. A batch asks for `batch` frames: twice as many after
 * a batch that came back full (up to RX_BUFS), one more than it brought
 * after one that did not, so an idle link asks for one or two. Requests
 * that find the tap empty cost the tender's thread one read() each, not
 * the guest an exit. */
#define RX_BUFS 32u
static u8 *rx_bufs;
static u32 rx_len[RX_BUFS];
static u32 rx_next, rx_have, rx_handle, batch = 1;

/* A read through the ring waits for the tender's thread, spinning: fast
 * while that thread runs, but on a host with more runnable threads than
 * cores it may not get one for a scheduler tick, and the spinning vCPU
 * keeps it off one. So a thread that made no progress for SLOW_NS (it
 * takes no entry, though entries wait) sends the next SLOW_READS reads by
 * hypercall (an exit each, no other thread to wait for), then the ring is
 * tried again. Progress, not the time a read took: a read queued behind
 * many writes waits for them all. And 2 ms, not less: at 100 µs, this
 * host's thread looked stalled so often (a write() to the tap can take
 * that long) that the website served a third of what it serves now
 * (README.md, "Solo5 ring I/O"). */
#define SLOW_NS 2000000ull
#define SLOW_READS 256u
static u64 slow_ticks;
static u32 by_hypercall; /* reads left to make by hypercall */

/* A lone exchange (a ping, one request at a time) finds the tender's
 * thread asleep: through the ring it would wait for that thread to wake,
 * slower than the exits themselves. So while the thread sleeps with
 * nothing queued, frames go by hypercall (in order: nothing is queued
 * that they could pass), until a wake-up brings a second frame: then the
 * ring, which wakes the thread, and stays in use while it is awake. */
static u32 frames_since_poll, frames_last_wakeup;

static int lone(void) {
    return frames_since_poll < 2 && frames_last_wakeup < 2 && ring->needs_kick && ring->ent_head == ring->ent_tail;
}

/* A wake-up after one that brought a burst is taken for a burst too: its
 * first frames go through the ring at once, not by hypercall. */
void solo5_ring_polled(void) {
    frames_last_wakeup = frames_since_poll;
    frames_since_poll = 0;
}

/* The ring's guest physical address if the tender offers it, else 0. The
 * extended fields exist only where the manifest starts after them, and
 * the tender promises the ring ends the guest's memory. */
u64 solo5_ring_offered(const struct hvt_boot_info *bi) {
    const struct solo5_boot_info_ext *x = (const void *)bi;
    if (bi->mft < (uintptr_t)bi + sizeof *x) return 0;
    if (!(x->host_features & SOLO5_FEATURE_RING_IO) || x->net_ring == 0) return 0;
    if (x->net_ring != bi->mem_size || (x->net_ring & (PAGE_SIZE - 1))) return 0;
    return x->net_ring;
}

/* Take the ring mapped at `va`, with transmit buffers carved from `pool`
 * for frames of up to `max_frame` bytes; 0 if the pool cannot hold two. */
int solo5_ring_init(void *va, u8 *pool, u64 pool_size, u32 max_frame) {
    tx_size = (max_frame + 63) & ~63u;
    u64 rx_bytes = (u64)RX_BUFS * tx_size;
    if (!va || pool_size < rx_bytes) return 0;
    tx_count = MAX_TX_BUFS;
    while (tx_count >= 2 && (u64)tx_count * tx_size > pool_size - rx_bytes) tx_count /= 2;
    if (tx_count < 2) return 0;
    rx_bufs = pool;
    tx_bufs = pool + rx_bytes;
    ring = va;
    slow_ticks = clock_ticks(SLOW_NS);
    return 1;
}

int solo5_ring_active(void) { return ring != 0; }

static inline void relax(void) { __asm__ __volatile__("pause" ::: "memory"); }

/* Publish the `n` entries written from ent_tail on, then kick the host
 * thread if it sleeps. The store to ent_tail must be visible before
 * needs_kick is read, or both sides could miss each other: a store-load
 * fence. */
static void submit(u32 n) {
    __asm__ __volatile__("" ::: "memory");
    ring->ent_tail = ring->ent_tail + n;
    __asm__ __volatile__("mfence" ::: "memory");
    if (ring->needs_kick) {
        hvt_calls[HVT_CALL_RING_KICK]++;
        __asm__ __volatile__("outl %0, %1" : : "a"(0u), "d"((u16)SOLO5_RING_KICK_PORT) : "memory");
    }
}

/* The entry `ahead` places past ent_tail, filled in (not yet published). */
static struct solo5_ring_entry *entry(u32 ahead, u32 op, u32 handle, const void *data, u32 len) {
    struct solo5_ring_entry *e = &ring->entries[(ring->ent_tail + ahead) & MASK];
    e->operation = op;
    e->handle = handle;
    e->data = (uintptr_t)data; /* identity-mapped: the physical address */
    e->len = len;
    e->id = next_id++;
    return e;
}

/* Queue a frame (the caller checked its length against tx_size). Reads
 * are waited for, so every entry the host has not processed is a write:
 * fewer than tx_count of them means the buffer this one takes is free. */
int solo5_ring_write(u32 handle, const u8 *data, u32 len) {
    if (lone()) return hvt_netwrite(handle, data, len);
    while (ring->ent_tail - ring->ent_head >= tx_count) relax();
    u8 *buf = tx_bufs + (u64)(writes++ & (tx_count - 1)) * tx_size;
    __builtin_memcpy(buf, data, len);
    entry(0, SOLO5_RING_NET_WRITE, handle, buf, len);
    submit(1);
    return HVT_OK;
}

/* Wait until `n` commits are in. The thread works through the writes
 * queued ahead of the reads first, which takes as long as they are many;
 * what says it has no core is that it stops moving: SLOW_NS without
 * progress sends the next SLOW_READS reads by hypercall. */
static void wait_commits(u32 n) {
    u32 seen = ring->ent_head;
    u64 since = rdtsc();
    while (ring->com_tail - ring->com_head < n) {
        relax();
        u32 head = ring->ent_head;
        if (head != seen) {
            seen = head;
            since = rdtsc();
        } else if (!by_hypercall && rdtsc() - since > slow_ticks) {
            by_hypercall = SLOW_READS;
        }
    }
    __asm__ __volatile__("" ::: "memory");
}

/* Whether read-ahead frames wait (device h's, in *h): net_rings_ready
 * reports them, so the event loop takes them before it polls. */
int solo5_ring_queued(u32 *h) {
    *h = rx_handle;
    return rx_next != rx_have;
}

/* One batch of reads for `handle` into the read-ahead buffers, waited
 * for: the frames it brought (and in *error what a failed one said). Reads never overlap (each batch is waited
 * for), so switching to hypercalls between batches keeps frames in
 * order; writes submitted before a batch reach the tap before it reads. */
static u32 read_batch(u32 handle, int *error) {
    u32 n = batch;
    for (u32 i = 0; i < n; i++) entry(i, SOLO5_RING_NET_READ, handle, rx_bufs + (u64)i * tx_size, tx_size);
    submit(n);
    wait_commits(n);
    u32 got = 0;
    for (u32 i = 0; i < n; i++) {
        const struct solo5_ring_commit *c = &ring->commits[(ring->com_head + i) & MASK];
        /* Commits come in submission order: the i-th fills buffer i. */
        if (c->ret == HVT_OK) {
            u32 len = c->len < tx_size ? c->len : tx_size;
            if (got != i) __builtin_memcpy(rx_bufs + (u64)got * tx_size, rx_bufs + (u64)i * tx_size, len);
            rx_len[got++] = len;
        } else if (c->ret != HVT_EAGAIN) {
            *error = c->ret; /* HVT_EINVAL: a handle the tender does not know */
        }
    }
    ring->com_head = ring->com_head + n;
    batch = got == n ? (2 * n < RX_BUFS ? 2 * n : RX_BUFS) : got + 1;
    rx_handle = handle;
    rx_next = 0;
    rx_have = got;
    return got;
}

/* Whether the next read for `handle` goes by hypercall, which net.c then
 * makes (with its guess for lone frames): while another device's frames
 * wait (two devices on one ring are rare, and theirs must not be
 * dropped), while the thread was found slow, and for a lone exchange. */
int solo5_ring_plain(u32 handle) {
    if (rx_next != rx_have) return rx_handle != handle;
    if (by_hypercall) {
        by_hypercall--;
        return 1;
    }
    return lone();
}

/* A frame read by hypercall, for lone()'s count. */
void solo5_ring_read_plain(void) { frames_since_poll++; }

/* One frame into data through the ring (solo5_ring_plain said no): its
 * length, or minus the hvt result. */
int solo5_ring_read(u32 handle, u8 *data, u32 cap) {
    int error = HVT_EAGAIN;
    if (rx_next == rx_have && read_batch(handle, &error) == 0) return -error;
    u32 i = rx_next++, len = rx_len[i] < cap ? rx_len[i] : cap;
    __builtin_memcpy(data, rx_bufs + (u64)i * tx_size, len);
    frames_since_poll++;
    return (int)len;
}

/* Before a halt: let the host thread write what is queued (the tender
 * stops it at halt and may drop what it has not reached). */
void solo5_ring_drain(void) {
    if (ring)
        while (ring->ent_head != ring->ent_tail) relax();
}

#else /* spt: solo5-spt has no ring; net.c never gets this far */

int solo5_ring_init(void *va, u8 *pool, u64 pool_size, u32 max_frame) { return (void)va, (void)pool, (void)pool_size, (void)max_frame, 0; }
int solo5_ring_active(void) { return 0; }
int solo5_ring_write(u32 handle, const u8 *data, u32 len) { return (void)handle, (void)data, (void)len, HVT_EINVAL; }
int solo5_ring_read(u32 handle, u8 *data, u32 cap) { return (void)handle, (void)data, (void)cap, -HVT_EINVAL; }
int solo5_ring_queued(u32 *h) { return (void)h, 0; }
int solo5_ring_plain(u32 handle) { return (void)handle, 1; }
void solo5_ring_read_plain(void) {}
void solo5_ring_drain(void) {}
void solo5_ring_polled(void) {}

#endif /* MORGANA_TARGET_SPT */
