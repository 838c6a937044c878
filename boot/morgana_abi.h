/*
 * Morgana's extension of the hvt ABI: batched network I/O through rings in
 * guest memory. Spoken only between boot/ and Morgana's own tender
 * (toolchain/tender/); a Solo5 tender never offers it, and a guest uses it
 * only when offered, so images boot on solo5-hvt unchanged. Self-contained
 * like hvt_abi.h (which it extends). README.md ("Net rings") tells the
 * whole story.
 *
 * Every field says who writes it: IN = guest to tender, OUT = tender to
 * guest.
 */
#ifndef MORGANA_MORGANA_ABI_H
#define MORGANA_MORGANA_ABI_H

#include <stdint.h>

/*
 * The offer. A Solo5 tender fills a manifest entry's host union
 * (mft_entry.b) with a small host fd or a user-space pointer: its high 16
 * bits are always 0 (x86-64 user addresses are below 2^47). Morgana's
 * tender puts there, for each attached net device it can serve through
 * rings, the magic in the high 16 bits and the extension's version in the
 * next 16; the low 32 bits are 0. A guest uses rings only when the value
 * is exactly this (another version: plain hypercalls).
 *
 * Version 2 (this one) adds TCP segmentation offload (MORGANA_NET_F_TSO4,
 * below); version 1 had none. A version-1 guest finds no offer it knows
 * and uses plain hypercalls, so it keeps working, without rings.
 */
#define MORGANA_NET_MAGIC 0x4d47u /* "MG" */
#define MORGANA_NET_VERSION 2u
#define MORGANA_NET_OFFER ((uint64_t)MORGANA_NET_MAGIC << 48 | (uint64_t)MORGANA_NET_VERSION << 32)

/*
 * Registration: a 32-bit `out` of the argument struct's address to this
 * port, once per device, and only after the offer was seen. It lies
 * outside the hvt range (0x501-0x508) and is not boot's kernel call port
 * (0x5f0). A tender without the extension stops a guest that uses it.
 */
#define MORGANA_HYPERCALL_NETRINGS_PORT 0x5e1

struct morgana_hc_netrings {
    uint64_t handle;    /* IN: a net device's manifest index */
    uint64_t rx;        /* IN: guest address of the receive ring */
    uint64_t tx;        /* IN: guest address of the transmit ring */
    uint32_t slots;     /* IN: slots per ring: a power of two, 2 to MORGANA_RING_MAX_SLOTS */
    uint32_t slot_size; /* IN: bytes per slot: a multiple of 64, MTU + 14 to MORGANA_RING_MAX_SLOT_SIZE */
    int32_t ret;        /* OUT: HVT_OK, or HVT_EINVAL: not registered, use plain hypercalls */
    uint32_t features;  /* IN: MORGANA_NET_F_* the guest will use (0: none); unknown bits: EINVAL */
};

/*
 * TCP/IPv4 segmentation offload on the transmit ring. With it, a queued
 * frame may be an Ethernet + IPv4 + TCP frame longer than MTU + 14 bytes,
 * to be cut by the host into segments of at most `mss` bytes of TCP
 * payload, each MTU + 14 bytes at most:
 *
 * - len[i] holds the frame's length in bits 0-15 and its segment size in
 *   bits 16-31; a segment size of 0 is an ordinary frame (14 to MTU + 14
 *   bytes). With a segment size, the frame is 14 to 65535 bytes; an
 *   untagged IPv4 frame (ethertype 0x0800) with a 20-60 byte header
 *   (version 4, not a fragment, DF set, total length = frame - 14) carrying
 *   TCP (protocol 6, data offset 20-60 bytes inside it); the segment size
 *   is 1 to MTU - IP header - TCP header; the TCP checksum field holds the
 *   folded (not inverted) sum of the pseudo-header with the whole TCP
 *   length, and the host completes every segment's checksum.
 * - A frame longer than slot_size takes ceil(length / slot_size)
 *   consecutive slots (prod advances by that many); its bytes run on from
 *   one slot into the next, and from the last slot to the first when it
 *   wraps. Only the first slot's len[] is read.
 *
 * So on such a transmit ring prod and cons count slots rather than frames.
 * Without the feature, every queued frame is an ordinary one in one slot,
 * as in version 1. The tender may refuse the feature (EINVAL) where the
 * host cannot take it (a tap without virtio-net headers, or with GSO
 * off); the guest then registers again without it.
 */
#define MORGANA_NET_F_TSO4 1u
#define MORGANA_NET_FEATURES MORGANA_NET_F_TSO4
#define MORGANA_TSO_MAX_FRAME 65535u
#define MORGANA_TX_LEN(len) ((len) & 0xffffu)
#define MORGANA_TX_MSS(len) ((len) >> 16)

#define MORGANA_RING_MAX_SLOTS 1024u
#define MORGANA_RING_MAX_SLOT_SIZE 0x20000u
#define MORGANA_RING_ALIGN 64u

/*
 * A ring: this header, then `slots` frame lengths, then (at
 * MORGANA_RING_DATA(slots) from its start) `slots` slots of `slot_size`
 * bytes, frame i % slots in slot i % slots. `prod` and `cons` count frames
 * put in and taken out since registration, modulo 2^32: the ring holds
 * prod - cons frames (0 to slots). The tender zeroes both indices when it
 * registers the rings.
 *
 * Receive ring: the tender produces (writes len[], the slot, then prod),
 * the guest consumes (reads, then advances cons). Transmit ring: the
 * guest produces, the tender consumes. The tender touches a ring only
 * while the guest is stopped in a hypercall: no locks, no barriers.
 */
struct morgana_ring {
    uint32_t prod;    /* receive: OUT; transmit: IN */
    uint32_t cons;    /* receive: IN; transmit: OUT */
    uint32_t errors;  /* transmit: OUT: frames the host failed to write (counted, not retried) */
    uint32_t reserved;
    uint32_t len[];   /* [slots]: frame length in bytes; receive: OUT; transmit: IN */
};

#define MORGANA_RING_DATA(slots) \
    ((sizeof(struct morgana_ring) + 4 * (uint64_t)(slots) + MORGANA_RING_ALIGN - 1) & ~(uint64_t)(MORGANA_RING_ALIGN - 1))
#define MORGANA_RING_SIZE(slots, slot_size) (MORGANA_RING_DATA(slots) + (uint64_t)(slots) * (slot_size))

_Static_assert(sizeof(struct morgana_ring) == 16, "ring header is 16 bytes");
/*
 * The image's memory note: a PT_NOTE of its own, name "Morgana", type
 * MORGANA_NOTE_MEMORY ("MEM1"), an 8-byte descriptor at offset 20 (ELF's
 * 4-byte alignment, little endian): the guest memory in
 * bytes the image needs (its segments, then its Wasm memory's initial
 * pages above morgana_memory0). The linker script writes it; Morgana's
 * tender reads it to say which --mem would do; Solo5 tenders skip notes
 * not named "Solo5".
 */
#define MORGANA_NOTE_MEMORY 0x314d454d
/* --mem is in MiB and hvt tenders round guest memory down to 2 MiB, so
 * there the least --mem that holds `bytes` is rounded up to an even
 * number; solo5-spt takes any number of MiB. */
#ifdef MORGANA_TARGET_SPT
#define MORGANA_MIN_MEM_MIB(bytes) (((bytes) + 0xfffffull) >> 20)
#else
#define MORGANA_MIN_MEM_MIB(bytes) ((((bytes) + 0x1fffffull) >> 21) << 1)
#endif

_Static_assert(sizeof(struct morgana_hc_netrings) == 40, "netrings call is 40 bytes");

#endif
