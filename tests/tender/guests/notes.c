/*
 * The Solo5 notes of a test guest, in variants chosen with -D so that one
 * guest program can be linked into good and deliberately broken images:
 *
 *   -DDEVICES=NONE|NET|BLOCK|NETBLOCK  the devices declared (default NONE):
 *                                      net "service", block "storage"
 *   -DABI_TARGET=N -DABI_VERSION=N     the ABI1 note (default 1, 2)
 *   -DNO_ABI / -DNO_MFT                leave that note out
 *   -DMFT_VERSION_BAD                  manifest version 2
 *   -DMFT_TOO_MANY                     claims 65 entries
 *   -DMFT_SHORT                        claims one entry more than it holds
 *   -DMFT_NO_RESERVED                  entry 0 is a device, not the reserved one
 *
 * Layout (shared/DESIGN.md, "ELF notes"): Elf64_Nhdr (12 bytes), the name
 * "Solo5" padded to 8, then the descriptor; the manifest's descriptor is
 * 8-byte aligned, so 4 padding bytes come first and count in n_descsz.
 */
#include "hvt_abi.h"

#ifndef ABI_TARGET
#define ABI_TARGET HVT_ABI_TARGET
#endif
#ifndef ABI_VERSION
#define ABI_VERSION HVT_ABI_VERSION
#endif

#define NONE 0
#define NET 1
#define BLOCK 2
#define NETBLOCK 3
#ifndef DEVICES
#define DEVICES NONE
#endif

#ifndef NO_ABI
struct abi_note {
    uint32_t namesz, descsz, type;
    char name[8];
    struct solo5_abi_desc desc;
};
__attribute__((section(".note.solo5.abi"), used, aligned(4)))
static const struct abi_note abi_note = {
    .namesz = sizeof SOLO5_NOTE_NAME,
    .descsz = sizeof(struct solo5_abi_desc),
    .type = SOLO5_NOTE_ABI,
    .name = SOLO5_NOTE_NAME,
    .desc = { .target = ABI_TARGET, .version = ABI_VERSION },
};
#endif

#ifndef NO_MFT
#if DEVICES == NETBLOCK
#define NENTRIES 3
#elif DEVICES == NONE
#define NENTRIES 1
#else
#define NENTRIES 2
#endif

struct mft_note {
    uint32_t namesz, descsz, type;
    char name[8];
    uint32_t pad;
    uint32_t version, entries;
    struct mft_entry e[NENTRIES];
};

#define DEV(n, t) { .name = n, .type = t }

__attribute__((section(".note.solo5.manifest"), used, aligned(8)))
static const struct mft_note mft_note = {
    .namesz = sizeof SOLO5_NOTE_NAME,
    .descsz = 4 + 8 + NENTRIES * sizeof(struct mft_entry),
    .type = SOLO5_NOTE_MANIFEST,
    .name = SOLO5_NOTE_NAME,
#ifdef MFT_VERSION_BAD
    .version = 2,
#else
    .version = MFT_VERSION,
#endif
#if defined(MFT_TOO_MANY)
    .entries = 65,
#elif defined(MFT_SHORT)
    .entries = NENTRIES + 1,
#else
    .entries = NENTRIES,
#endif
    .e = {
#ifdef MFT_NO_RESERVED
        DEV("first", MFT_DEV_NET_BASIC),
#else
        DEV("", MFT_RESERVED_FIRST),
#endif
#if DEVICES == NET || DEVICES == NETBLOCK
        DEV("service", MFT_DEV_NET_BASIC),
#endif
#if DEVICES == BLOCK || DEVICES == NETBLOCK
        DEV("storage", MFT_DEV_BLOCK_BASIC),
#endif
    },
};
#endif
