/*
 * The Solo5 hvt ABI, version 2, x86-64: the contract between a guest image
 * and the tender that boots it. Shared by boot/ (guest side) and
 * toolchain/tender/ (host side); self-contained, no other includes but
 * <stdint.h>. Written from the facts in docs/solo5-abi.md.
 *
 * Every field says who writes it: IN = guest to tender, OUT = tender to
 * guest, INOUT = both.
 */
#ifndef MORGANA_HVT_ABI_H
#define MORGANA_HVT_ABI_H

#include <stdint.h>

#define HVT_ABI_VERSION 2
#define HVT_ABI_TARGET 1 /* hvt */

/* Guest physical layout owned by the tender. */
#define HVT_GDT_BASE 0x1000
/* Page tables from 0x2000 (guests must not rely on where exactly): in
 * current Solo5 and Morgana's tender PML4 0x2000, PDPT 0x3000, page
 * directories 0x4000-0x7fff (2 MiB pages above 2 MiB) and a page table for
 * the first 2 MiB at 0x8000 in 4 KiB pages. Since Solo5 0.6, 0x0-0xffff is
 * not present (NULL faults) and 0x10000-0xfffff is read-only (boot info,
 * manifest copy and command line live there): never write below 1 MiB. */
#define HVT_PT_BASE 0x2000
#define HVT_BOOT_INFO_BASE 0x10000
#define HVT_CMDLINE_SIZE 8192
#define HVT_GUEST_MIN_BASE 0x100000 /* lowest load address of an image */

/* Boot info: RDI at entry points here. */
struct hvt_boot_info {
    uint64_t mem_size;       /* OUT: bytes of guest memory */
    uint64_t kernel_end;     /* OUT: first byte after the loaded image */
    uint64_t cpu_cycle_freq; /* OUT: TSC frequency in Hz */
    uint64_t cmdline;        /* OUT: guest address of a NUL-terminated string */
    uint64_t mft;            /* OUT: guest address of the tender's manifest copy */
};

/* Hypercalls: a 32-bit `out` to HVT_HYPERCALL_PIO_BASE + nr whose value is
 * the guest physical address (below 4 GiB) of the argument struct. */
#define HVT_HYPERCALL_PIO_BASE 0x500
enum hvt_hypercall {
    HVT_HYPERCALL_WALLTIME = 1,
    HVT_HYPERCALL_PUTS = 2,
    HVT_HYPERCALL_POLL = 3,
    HVT_HYPERCALL_BLKWRITE = 4,
    HVT_HYPERCALL_BLKREAD = 5,
    HVT_HYPERCALL_NETWRITE = 6,
    HVT_HYPERCALL_NETREAD = 7,
    HVT_HYPERCALL_HALT = 8,
    HVT_HYPERCALL_MAX = 9,
};

/* Results of the I/O hypercalls. */
enum hvt_result {
    HVT_OK = 0,
    HVT_EAGAIN = 1, /* no frame ready */
    HVT_EINVAL = 2,
    HVT_EUNSPEC = 3,
};

struct hvt_hc_walltime {
    uint64_t nsecs; /* OUT: nanoseconds since the Unix epoch */
};

struct hvt_hc_puts {
    uint64_t data; /* IN: guest address */
    uint64_t len;  /* IN */
};

struct hvt_hc_poll {
    uint64_t timeout_nsecs; /* IN: relative */
    uint64_t ready_set;     /* OUT: bit i = device handle i has input */
    int32_t ret;            /* OUT: > 0 if any handle is ready */
};

struct hvt_hc_blkwrite {
    uint64_t handle; /* IN */
    uint64_t offset; /* IN: bytes */
    uint64_t data;   /* IN: guest address */
    uint64_t len;    /* IN */
    int32_t ret;     /* OUT: enum hvt_result */
};

struct hvt_hc_blkread {
    uint64_t handle; /* IN */
    uint64_t offset; /* IN: bytes */
    uint64_t data;   /* IN: guest address */
    uint64_t len;    /* INOUT */
    int32_t ret;     /* OUT: enum hvt_result */
};

struct hvt_hc_netwrite {
    uint64_t handle; /* IN */
    uint64_t data;   /* IN: guest address */
    uint64_t len;    /* IN */
    int32_t ret;     /* OUT: enum hvt_result */
};

struct hvt_hc_netread {
    uint64_t handle; /* IN */
    uint64_t data;   /* IN: guest address */
    uint64_t len;    /* INOUT: buffer size in, frame size out */
    int32_t ret;     /* OUT: enum hvt_result */
};

#define HVT_HALT_COOKIE_MAX 512
struct hvt_hc_halt {
    uint64_t cookie;    /* IN: guest address or 0; up to 512 bytes */
    int32_t exit_status; /* IN: 0 success, 1 failure, 255 abort */
};

/* ELF notes. */
#define SOLO5_NOTE_NAME "Solo5"
#define SOLO5_NOTE_ABI 0x31494241      /* "ABI1" */
#define SOLO5_NOTE_MANIFEST 0x3154464d /* "MFT1" */

struct solo5_abi_desc {
    uint32_t target;  /* HVT_ABI_TARGET */
    uint32_t version; /* HVT_ABI_VERSION */
    uint32_t reserved0;
    uint32_t reserved1;
};

/* Manifest (descriptor of the MFT1 note). */
#define MFT_VERSION 1
#define MFT_MAX_ENTRIES 64
#define MFT_NAME_SIZE 68 /* NUL-terminated, at most 67 characters */
#define MFT_RESERVED_FIRST (1u << 30)

enum mft_type {
    MFT_DEV_BLOCK_BASIC = 1,
    MFT_DEV_NET_BASIC = 2,
};

struct mft_entry {
    char name[MFT_NAME_SIZE]; /* IN */
    uint32_t type;            /* IN: enum mft_type */
    union {
        struct {
            uint8_t mac[6]; /* OUT */
            uint16_t mtu;   /* OUT */
        } net_basic;
        struct {
            uint64_t capacity;   /* OUT: bytes */
            uint16_t block_size; /* OUT: bytes */
        } block_basic;
        uint8_t pad[16];
    } u;
    union {
        int hostfd;
        void *data;
        uint64_t pad;
    } b; /* the tender's own, never read by the guest */
    uint8_t attached; /* OUT */
};

struct mft {
    uint32_t version;
    uint32_t entries;
    struct mft_entry e[];
};

_Static_assert(sizeof(struct mft_entry) == 104, "mft_entry is 104 bytes");
_Static_assert(__builtin_offsetof(struct mft_entry, type) == 68, "type at 68");
_Static_assert(__builtin_offsetof(struct mft_entry, u) == 72, "device union at 72");
_Static_assert(__builtin_offsetof(struct mft_entry, b) == 88, "host union at 88");
_Static_assert(__builtin_offsetof(struct mft_entry, attached) == 96, "attached at 96");
_Static_assert(sizeof(struct mft) == 8, "mft header is 8 bytes");

#endif
