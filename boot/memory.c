/*
 * memory.c: the embedder side of Wasm memories and tables.
 *
 * Memory 0 lives at morgana_memory0, at its physical place, and grows into
 * the guest RAM above it (paging.c maps each new page). Its limit is what
 * RAM holds above morgana_memory0, capped below 4 GiB physical because
 * hypercall buffers must be there, and at the Wasm maximum of 4 GiB. The
 * boot stack sits below morgana_memory0, so growth never reaches it.
 *
 * Tables take their entries from a fixed arena in the image: Wasm tables
 * of function references are small and rarely grow.
 */
#include "boot.h"
#include "hypercall.h"

#define MAX_PAGES 65536ull
#define FOUR_GIB 0x100000000ull
/* Entries (8 bytes each): AssemblyScript's one table holds the functions
 * called indirectly, a few hundred; the arena is guest memory every image
 * pays for, so it stays small (64 KiB). */
#define TABLE_ARENA 8192

uintptr_t wrt_stack_limit = (uintptr_t)morgana_stack_bottom + STACK_MARGIN;

static wrt_memory *memory0;
static u64 limit;
static u64 guest_mem; /* the tender's --mem, in bytes */
static int grow_refused;
static u64 mapped; /* bytes of memory 0 in the page tables: its size, or the premap before it starts */
static wrt_ref arena[TABLE_ARENA];
static u32 arena_used;

static u64 initial_bytes(void) {
    return &app_memory0_initial_pages ? (u64)app_memory0_initial_pages * WRT_PAGE_SIZE : 0;
}

void memory_init(u64 mem_size) {
    guest_mem = mem_size;
    u64 top = mem_size < FOUR_GIB ? mem_size : FOUR_GIB;
    u64 base = (uintptr_t)morgana_memory0;
    limit = top > base ? (top - base) & ~(u64)(WRT_PAGE_SIZE - 1) : 0;
    if (limit > MAX_PAGES * WRT_PAGE_SIZE) limit = MAX_PAGES * WRT_PAGE_SIZE;
    /* The image and its Wasm memory's first pages must fit: say, in one
     * line, what --mem would do (the same figure the build prints). */
    if (initial_bytes() > limit) {
        con_str("boot: ");
        con_dec(mem_size >> 20);
        con_str(" MiB of guest memory is too little for this image: give it --mem=");
        con_dec(MORGANA_MIN_MEM_MIB(base + initial_bytes()));
        con_str(" or more\n");
        con_flush();
        hvt_halt(1);
    }
}

u64 memory_limit(void) { return limit; }

void memory_check_exhausted(const char *func) {
    if (!grow_refused || !memory0) return;
    u64 mib = 1 << 20;
    con_str("out of memory: heap ");
    con_dec(memory0->size / mib);
    con_str(" MiB of ");
    con_dec(limit / mib);
    con_str(" MiB, in ");
    con_str(func ? func : "?");
    con_str("; boot with --mem=");
    con_dec(2 * ((guest_mem + mib - 1) / mib));
    con_str(" (twice this guest's memory, in MiB) or keep less\n");
    con_flush();
    hvt_halt(255);
}

/* How much of memory 0 paging_build maps before the application starts:
 * the pages it starts with, when the guest has room for them (otherwise
 * wrt_memory_init stops it). Until then nothing runs that could reach
 * them, so the guard below the memory's end holds from its first access. */
u64 memory_premap(void) {
    u64 initial = initial_bytes();
    mapped = initial <= limit ? initial : 0;
    return mapped;
}

u8 *memory_at(u32 ptr, u64 len, uintptr_t caller) {
    if (!memory0 || ptr + len > memory0->size) wrt_trap(WRT_TRAP_OOB_MEMORY, function_at(caller));
    return memory0->data + ptr;
}

u32 wrt_memory_grow(wrt_memory *m, u32 delta) {
    u64 old = m->pages, pages = old + delta;
    u64 max = m->max_pages == WRT_NO_MAX ? MAX_PAGES : m->max_pages;
    if (pages > max || pages * WRT_PAGE_SIZE > limit) {
        grow_refused = 1;
        return 0xffffffffu;
    }
    u64 size = pages * WRT_PAGE_SIZE;
    /* Page tables are ring 0's: ask it (boot.h, "Rings"), unless
     * paging_build mapped these pages already. */
    if (size > mapped) {
        kernel_call(KCALL_MAP_MEMORY, mapped, size);
        mapped = size;
    }
    /* Wasm promises zeroed pages; RAM from the tender is not promised to be. */
    __builtin_memset(m->data + m->size, 0, size - m->size);
    m->pages = (u32)pages;
    m->size = size;
    return (u32)old;
}

void wrt_memory_init(wrt_memory *m, u32 initial, u32 max) {
    /* Only memory 0 has a fixed place; a second memory has nowhere to go. */
    if (memory0) wrt_trap(WRT_TRAP_OOB_MEMORY, "(a second memory)");
    *m = (wrt_memory){.data = morgana_memory0, .size = 0, .pages = 0, .max_pages = max};
    memory0 = m;
    if (wrt_memory_grow(m, initial) == 0xffffffffu)
        wrt_trap(WRT_TRAP_OOB_MEMORY, "(initial memory larger than the guest)");
}

void wrt_table_init(wrt_table *t, u32 initial, u32 max) {
    if (initial > TABLE_ARENA - arena_used) wrt_trap(WRT_TRAP_OOB_TABLE, "(initial table too large)");
    *t = (wrt_table){.data = arena + arena_used, .size = initial, .max = max};
    arena_used += initial; /* the arena is .bss: entries start as ref.null */
}

u32 wrt_table_grow(wrt_table *t, wrt_ref init, u32 delta) {
    u64 old = t->size, size = old + delta;
    u32 free = TABLE_ARENA - arena_used;
    if (size > t->max) return 0xffffffffu; /* WRT_NO_MAX is the u32 limit */
    if (t->data + old == arena + arena_used) { /* the newest table: grow in place */
        if (delta > free) return 0xffffffffu;
        arena_used += delta;
    } else {
        if (size > free) return 0xffffffffu;
        __builtin_memcpy(arena + arena_used, t->data, old * sizeof(wrt_ref));
        t->data = arena + arena_used;
        arena_used += (u32)size;
    }
    for (u64 i = old; i < size; i++) t->data[i] = init;
    t->size = (u32)size;
    return (u32)old;
}
