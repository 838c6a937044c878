/*
 * Solo5 0.12's shared-ring network path (HVT_FEATURE_RING_IO), the guest's
 * side, x86-64. Written from the facts in the Solo5 v0.12.1 release
 * (include/hvt_abi.h, include/hvt_ring.h, tenders/hvt/hvt_module_net.c);
 * none of its code is here. boot/solo5_ring.c uses it; README.md ("Solo5
 * ring I/O") tells the story.
 *
 * Every field says who writes it: IN = guest to tender, OUT = tender to
 * guest.
 */
#ifndef MORGANA_SOLO5_RING_ABI_H
#define MORGANA_SOLO5_RING_ABI_H

#include <stdint.h>

/*
 * The boot info of Solo5 >= 0.11 appends three fields to the ABI v2 one
 * (hvt_abi.h). Older tenders put the manifest right after the 40 bytes of
 * the old struct, so a guest may read these only when `mft` lies at or
 * beyond their end; Morgana's tender zero-pads the boot info to 64 bytes,
 * so it offers nothing.
 */
struct solo5_boot_info_ext {
    uint64_t mem_size, kernel_end, cpu_cycle_freq, cmdline, mft; /* as in hvt_boot_info */
    uint32_t host_features;  /* OUT: SOLO5_FEATURE_RING_IO when the ring is there */
    uint32_t guest_features; /* IN: never read by the 0.12.1 tender */
    uint64_t net_ring;       /* OUT: guest physical address of the ring, 0 if none */
};
#define SOLO5_FEATURE_RING_IO 1u

/*
 * Where the ring is: one ring for all net devices, in guest memory the
 * tender reserves at the top, rounded up to 2 MiB. It adds that much to
 * --mem, then gives the guest a mem_size that ends where the ring starts
 * (net_ring == mem_size when offered). It offers the ring only when KVM
 * has ioeventfd; the reservation is made whenever a net device is
 * attached.
 */
#define SOLO5_RING_SIZE 1024u /* entries and commits, a power of two */

/*
 * Submissions, guest to host, processed in order by a thread of the
 * tender (not the vCPU: it runs beside the guest, so both sides need
 * ordering; on x86 the compiler's suffices, except the store-then-load of
 * the kick below, which needs mfence).
 *
 * NET_WRITE: the host write()s `len` bytes at guest address `data` to the
 * tap and posts no commit: `data` must stay untouched until ent_head has
 * passed the entry. A failed or short write stops the tender.
 * NET_READ: the host read()s one frame of at most `len` bytes into `data`
 * and posts one commit with the same id (ret HVT_OK and the frame's
 * length, HVT_EAGAIN with 0 when the tap had none, HVT_EINVAL for a bad
 * handle).
 */
#define SOLO5_RING_NET_WRITE 1u
#define SOLO5_RING_NET_READ 2u

struct solo5_ring_entry {
    uint32_t operation; /* IN */
    uint32_t handle;    /* IN: manifest index */
    uint64_t data;      /* IN: guest physical address */
    uint32_t len;       /* IN */
    uint32_t id;        /* IN: echoed in the commit */
    uint64_t reserved;
};

struct solo5_ring_commit {
    uint32_t id;  /* OUT */
    int32_t ret;  /* OUT: an hvt result */
    uint32_t len; /* OUT: bytes read */
    uint32_t reserved;
};

/*
 * The ring. Indices count since boot, modulo 2^32 (slot = index & 1023).
 * The guest writes only the first 64 bytes, the host only the next 64.
 * The host sets needs_kick before it sleeps; a guest that advanced
 * ent_tail then finds it set must kick: a 32-bit `out` (any value) to
 * SOLO5_RING_KICK_PORT, an ioeventfd in the host kernel, so no exit to
 * the tender. A host thread that found work spins a while (4096 `pause`s)
 * before it sets needs_kick again.
 */
struct solo5_ring {
    volatile uint32_t ent_tail;   /* IN: entries submitted */
    volatile uint32_t com_head;   /* IN: commits taken */
    uint8_t guest_pad[56];
    volatile uint32_t ent_head;   /* OUT: entries processed */
    volatile uint32_t com_tail;   /* OUT: commits posted */
    volatile uint32_t needs_kick; /* OUT: 1 while the host thread sleeps */
    uint8_t host_pad[52];
    struct solo5_ring_entry entries[SOLO5_RING_SIZE];
    struct solo5_ring_commit commits[SOLO5_RING_SIZE];
};
#define SOLO5_RING_KICK_PORT 0x600

_Static_assert(sizeof(struct solo5_boot_info_ext) == 56, "extended boot info is 56 bytes");
_Static_assert(sizeof(struct solo5_ring_entry) == 32, "a ring entry is 32 bytes");
_Static_assert(sizeof(struct solo5_ring_commit) == 16, "a ring commit is 16 bytes");
_Static_assert(__builtin_offsetof(struct solo5_ring, ent_head) == 64, "host indices at 64");
_Static_assert(__builtin_offsetof(struct solo5_ring, entries) == 128, "entries at 128");
_Static_assert(sizeof(struct solo5_ring) == 49280, "the ring is 49280 bytes");

#endif
