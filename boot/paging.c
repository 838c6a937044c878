/*
 * paging.c: our own page tables, replacing the tender's identity map.
 *
 * Below morgana_memory0, guest memory is identity-mapped except for the
 * holes that catch mistakes: the first 64 KiB (null pointers; the tender's
 * GDT and page tables there are no longer used), and one guard page under
 * each stack. The tender's area below 1 MiB is read-only, as in Solo5. Chunks of 2 MiB with a hole get a page table; the rest are
 * 2 MiB pages.
 *
 * From morgana_memory0 (2 MiB aligned, hvt.ld) on, only the Wasm memory's
 * current size is mapped, identity as well, so hypercalls can be handed
 * pointers into it. Nothing else is mapped above it, so the whole guard
 * reservation (8 GiB + 64 KiB) faults: generated code needs no bounds
 * checks. Whole 2 MiB chunks of the memory are 2 MiB pages (few TLB
 * misses); only the last, partial chunk goes through a page table.
 */
#include "boot.h"

#define P 0x1ull
#define W 0x2ull
#define U 0x4ull /* ring 3 may use it: everything, ring 3 runs boot too */
#define PS 0x80ull /* 2 MiB page */
#define CHUNK 0x200000ull
#define LOW_HOLE 0x10000ull
#define PDS 4 /* page directories: guest memory we use stays below 4 GiB */

typedef u64 table[512] __attribute__((aligned(4096)));
static table pml4, pdpt, pd[PDS], pt_low[3], pt_tail;
static unsigned pt_low_used;

static u64 *pde(u64 addr) { return &pd[addr >> 30][(addr >> 21) & 511]; }

static int is_hole(u64 page) {
    return page < LOW_HOLE || page == (uintptr_t)morgana_stack_guard ||
           page == (uintptr_t)morgana_ist_guard;
}

static void map_low_chunk(u64 chunk) {
    int holes = 0;
    for (u64 p = chunk; p < chunk + CHUNK; p += PAGE_SIZE) holes |= is_hole(p);
    if (!holes) {
        *pde(chunk) = chunk | P | W | U | PS;
        return;
    }
    u64 *pt = pt_low[pt_low_used++];
    for (unsigned i = 0; i < 512; i++) {
        u64 p = chunk + i * PAGE_SIZE;
        /* Below 1 MiB is the tender's (boot info, manifest, command line): read-only. */
        pt[i] = is_hole(p) ? 0 : p | P | U | (p >= HVT_GUEST_MIN_BASE ? W : 0);
    }
    *pde(chunk) = (uintptr_t)pt | P | W | U;
}

static void reload_cr3(void) {
    __asm__ __volatile__("mov %0, %%cr3" : : "r"((uintptr_t)pml4) : "memory");
}

void paging_init(void) {
    pml4[0] = (uintptr_t)pdpt | P | W | U;
    for (unsigned i = 0; i < PDS; i++) pdpt[i] = (uintptr_t)pd[i] | P | W | U;
    for (u64 c = 0; c < (uintptr_t)morgana_memory0; c += CHUNK) map_low_chunk(c);
    reload_cr3();
}

/* Map the Wasm memory's bytes [from, to); both are multiples of 64 KiB.
 * Runs in ring 0, which some hosts emulate (boot.h), so the tail page
 * table is cleared only when it moves to a new chunk. */
void paging_map_memory(u64 from, u64 to) {
    static u64 tail_chunk = ~0ull;
    u64 base = (uintptr_t)morgana_memory0;
    for (u64 c = from & ~(CHUNK - 1); c < to; c += CHUNK) {
        if (to - c >= CHUNK) {
            *pde(base + c) = (base + c) | P | W | U | PS;
            continue;
        }
        if (c != tail_chunk) {
            for (unsigned i = 0; i < 512; i++) pt_tail[i] = 0;
            tail_chunk = c;
        }
        for (u64 off = from > c ? from : c; off < to; off += PAGE_SIZE)
            pt_tail[(off - c) / PAGE_SIZE] = (base + off) | P | W | U;
        *pde(base + c) = (uintptr_t)pt_tail | P | W | U;
    }
    reload_cr3(); /* drops every stale translation, including the old tail */
}
