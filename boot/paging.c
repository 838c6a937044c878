/*
 * paging.c: our own page tables, replacing the tender's identity map.
 *
 * Below morgana_memory0, guest memory is identity-mapped with the rights
 * each part needs and no more, so that a stray write or jump faults instead
 * of corrupting the image (W^X, with NX where the CPU has it):
 *
 *   [0, 64 KiB)              nothing: catches null pointers (the tender's
 *                            GDT and page tables there are no longer used)
 *   [64 KiB, 1 MiB)          read-only: the tender's boot info, manifest
 *                            copy and command line, as in Solo5
 *   [1 MiB, 1 MiB + 4 KiB)   ring 0 only: the IDT, GDT and TSS
 *   [.., text end)           read and execute: the code
 *   [text end, rodata end)   read-only: notes, constants, the asset pack
 *   [rodata end, stack top)  read and write: data, bss, the two stacks,
 *                            each with a guard page below it left
 *                            unmapped; the page tables, ring 0 only
 *   [stack top, memory0)     nothing: alignment padding
 *
 * Chunks of 2 MiB with one right throughout are 2 MiB pages; the others
 * get a page table.
 *
 * From morgana_memory0 (64 KiB aligned, hvt.ld, so that a small image
 * fits a small guest) on, only the Wasm memory's current size is mapped
 * (read and write, identity as well, so hypercalls can be handed pointers
 * into it). Nothing else is mapped above it, so the whole guard
 * reservation (8 GiB + 64 KiB) faults: generated code needs no bounds
 * checks. Whole 2 MiB chunks of the memory are 2 MiB pages (few TLB
 * misses); the chunk it shares with the image goes through that chunk's
 * page table, and the last, partial chunk through a page table of its own.
 *
 * Ring 0 may be emulated, a microsecond an instruction (boot.h, "Rings"),
 * so the tables are built by ring 3 at native speed: ring 0 first maps the
 * image with a few 2 MiB pages that ring 3 may use (paging_bootstrap), ring
 * 3 fills in the real tables (paging_build), and ring 0 switches to them
 * once (paging_activate); from then on ring 3 can no longer touch them.
 */
#include "boot.h"
#include "hypercall.h"
#include "solo5_ring_abi.h"

/* Beyond any Wasm memory's guard reservation (morgana_memory0, below
 * 4 GiB, plus 8 GiB + 64 KiB), and 2 MiB aligned. */
#define SOLO5_RING_VA 0x400000000ull

#define P 0x1ull
#define W 0x2ull
#define U 0x4ull /* ring 3 may use it: the application and most of boot run there */
#define PS 0x80ull /* 2 MiB page */
#define NX_BIT (1ull << 63)
#define CHUNK 0x200000ull
#define LOW_HOLE 0x10000ull
#define CPU_TABLES 0x100000ull /* start.S */
#define PDS 4 /* page directories: guest memory we use stays below 4 GiB */
#define LOW_TABLES 8 /* chunks below memory0 with more than one right */
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1u << 11)

typedef u64 table[512] __attribute__((aligned(4096)));
/* .bss.*: no bytes in the image; hvt.ld gives it pages of its own. */
#define KERNEL __attribute__((section(".bss.morgana_kernel")))
static KERNEL table pml4, pdpt, pd[PDS], pt_low[LOW_TABLES], pt_tail;
static KERNEL table boot_pml4, boot_pdpt, boot_pd;
static KERNEL table ring_pd, ring_pt;
static KERNEL u64 nx; /* NX_BIT when the CPU has it, else 0 */
static KERNEL int active;

static u64 *pde(u64 addr) { return &pd[addr >> 30][(addr >> 21) & 511]; }

static void load_cr3(const void *root) {
    __asm__ __volatile__("mov %0, %%cr3" : : "r"((uintptr_t)root) : "memory");
}

/* NX needs EFER.NXE, and the CPU must offer it (CPUID 0x80000001 EDX bit 20). */
static void enable_nx(void) {
    u32 a, b, c, d;
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u));
    if (a < 0x80000001u) return;
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u));
    if (!(d & (1u << 20))) return;
    u32 lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_EFER));
    __asm__ __volatile__("wrmsr" : : "a"(lo | EFER_NXE), "d"(hi), "c"(MSR_EFER));
    nx = NX_BIT;
}

/* Ring 0, at boot: the image (everything below memory0) as 2 MiB pages
 * that ring 3 may read, write and run, for as long as paging_build runs. */
void paging_bootstrap(void) {
    enable_nx();
    boot_pml4[0] = (uintptr_t)boot_pdpt | P | W | U;
    boot_pdpt[0] = (uintptr_t)boot_pd | P | W | U;
    for (u64 c = 0; c < (uintptr_t)morgana_memory0; c += CHUNK) boot_pd[c / CHUNK] = c | P | W | U | PS;
    load_cr3(boot_pml4);
}

/* The page table entry bits for the 4 KiB page at p, 0 for a hole. */
static u64 rights(u64 p) {
    if (p < LOW_HOLE || p == (uintptr_t)morgana_stack_guard || p == (uintptr_t)morgana_ist_guard) return 0;
    if (p < HVT_GUEST_MIN_BASE) return P | U | nx;
    if (p < CPU_TABLES + PAGE_SIZE) return P | W | nx;
    if (p < (uintptr_t)morgana_text_end) return P | U;
    if (p < (uintptr_t)morgana_rodata_end) return P | U | nx;
    if (p >= (uintptr_t)morgana_kernel_data && p < (uintptr_t)morgana_kernel_data_end) return P | W | nx;
    if (p < (uintptr_t)morgana_stack_top) return P | W | U | nx;
    return 0;
}

static unsigned map_low_chunk(u64 chunk, unsigned tables) {
    u64 first = rights(chunk);
    int uniform = 1;
    for (u64 p = chunk; p < chunk + CHUNK; p += PAGE_SIZE) uniform &= rights(p) == first;
    if (uniform) {
        *pde(chunk) = first ? chunk | first | PS : 0;
        return tables;
    }
    if (tables == LOW_TABLES) {
        con_str("boot: the image has more mixed 2 MiB chunks than page tables\n");
        con_flush();
        hvt_halt(255);
    }
    u64 *pt = pt_low[tables];
    for (unsigned i = 0; i < 512; i++) {
        u64 p = chunk + i * PAGE_SIZE;
        u64 r = rights(p);
        pt[i] = r ? p | r : 0;
    }
    *pde(chunk) = (uintptr_t)pt | P | W | U;
    return tables + 1;
}

/* Map the Wasm memory's bytes [from, to); both are multiples of 64 KiB.
 * Chunks are physical 2 MiB ranges: one the memory covers whole is a 2 MiB
 * page; the one it shares with the image (below memory0, so mixed, with a
 * page table from map_low_chunk) gets entries in that table; a last,
 * partial one uses the tail table, which starts zeroed (.bss) and is
 * cleared only when it moves on to a new chunk. Ring 3 while paging_build
 * runs, ring 0 after. */
static void map_memory(u64 from, u64 to) {
    static KERNEL u64 tail_chunk;
    static KERNEL int tail_used;
    u64 base = (uintptr_t)morgana_memory0, lo = base + from, hi = base + to;
    for (u64 c = lo & ~(CHUNK - 1); c < hi; c += CHUNK) {
        u64 start = c > lo ? c : lo, end = hi - c > CHUNK ? c + CHUNK : hi;
        u64 *pt;
        if (c >= base && end - c == CHUNK) {
            *pde(c) = c | P | W | U | PS | nx;
            continue;
        }
        if (c < base) {
            pt = (u64 *)(uintptr_t)(*pde(c) & 0x000ffffffffff000ull);
        } else {
            if (tail_used && c != tail_chunk) {
                u64 *t = pt_tail;
                u64 n = 512;
                __asm__ __volatile__("rep stosq" : "+D"(t), "+c"(n) : "a"(0ull) : "memory");
            }
            tail_chunk = c;
            tail_used = 1;
            pt = pt_tail;
            *pde(c) = (uintptr_t)pt_tail | P | W | U;
        }
        for (u64 p = start; p < end; p += PAGE_SIZE) pt[(p - c) / PAGE_SIZE] = p | P | W | U | nx;
    }
}

/* Ring 3, under the bootstrap map: the real tables, not yet in use, with
 * the Wasm memory's first `premapped` bytes (memory.c) already in them:
 * mapping them here, at native speed, spares the first memory.grow its
 * kernel call, the dearest step of a boot where ring 0 is emulated. */
void paging_build(u64 premapped) {
    pml4[0] = (uintptr_t)pdpt | P | W | U;
    for (unsigned i = 0; i < PDS; i++) pdpt[i] = (uintptr_t)pd[i] | P | W | U;
    unsigned tables = 0;
    for (u64 c = 0; c < (uintptr_t)morgana_memory0; c += CHUNK) tables = map_low_chunk(c, tables);
    if (premapped) map_memory(0, premapped);
}

/* Ring 3, under the bootstrap map, like paging_build: Solo5's net ring
 * (solo5_ring_abi.h), which the tender put above the guest's memory, at
 * SOLO5_RING_VA rather than at its physical address, which may lie in the
 * Wasm memory's guard reservation: there a stray Wasm access would reach
 * it instead of faulting. Read and write, not executable. */
void *paging_map_ring(u64 gpa) {
    u64 pages = (sizeof(struct solo5_ring) + PAGE_SIZE - 1) / PAGE_SIZE;
    if (!gpa || (gpa & (PAGE_SIZE - 1))) return 0;
    pdpt[SOLO5_RING_VA >> 30] = (uintptr_t)ring_pd | P | W | U;
    ring_pd[(SOLO5_RING_VA >> 21) & 511] = (uintptr_t)ring_pt | P | W | U;
    for (u64 i = 0; i < pages; i++) ring_pt[i] = (gpa + i * PAGE_SIZE) | P | W | U | nx;
    return (void *)SOLO5_RING_VA;
}

/* Ring 0, once (a kernel call): switch to the real tables. */
void paging_activate(void) {
    if (active) return;
    active = 1;
    load_cr3(pml4);
}

/* Ring 0 (a kernel call): memory.grow's new pages. */
void paging_map_memory(u64 from, u64 to) {
    map_memory(from, to);
    load_cr3(pml4); /* drops every stale translation, including the old tail */
}
