/*
 * host.c: the Linux embedder of lowered code, for tests, benchmarks and
 * anyone running a lowered module as an ordinary program.
 *
 * Memories are reservations of WRT_GUARD_RESERVATION bytes of address
 * space, inaccessible beyond the current size, so the generated code needs
 * no bounds checks. With WRT_FIXED_MEMORY0 the first one is reserved at
 * that symbol's address, which the program defines when it links, e.g.
 * -DWRT_FIXED_MEMORY0=wrt_memory0 -Wl,--defsym=wrt_memory0=0x40000000
 * -fno-pie -no-pie: the code is then built as in the unikernel, the base
 * folded into every access (toolchain/lower/README.md). an access past the end faults, and the SIGSEGV handler
 * (on its own signal stack) turns a fault inside a reservation into
 * WRT_TRAP_OOB_MEMORY. A trap unwinds with siglongjmp to the innermost
 * WRT_HOST_TRY; with none active it prints the trap and exits with 255.
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

uintptr_t wrt_stack_limit;
sigjmp_buf *wrt_host_jmp;
const char *wrt_host_trap_func;

/* Memories live for the whole process; this list lets the fault handler
 * tell a Wasm out-of-bounds access from a bug in the host program. */
#define MAX_MEMORIES 4096
static struct { u8 *base; } memories[MAX_MEMORIES];
static unsigned memory_count;

/* A memory may not grow past this many pages on the host (default 65536,
 * settable with WRT_HOST_MAX_PAGES for tests of memory.grow failure). */
static u32 host_max_pages(void) {
    const char *s = getenv("WRT_HOST_MAX_PAGES");
    return s ? (u32)strtoul(s, 0, 10) : 65536u;
}

_Noreturn void wrt_trap(wrt_trap_kind kind, const char *func) {
    wrt_host_trap_func = func;
    if (wrt_host_jmp) siglongjmp(*wrt_host_jmp, (int)kind);
    fprintf(stderr, "wasm trap: %s in %s\n", wrt_trap_message(kind), func ? func : "?");
    exit(255);
}

static void on_fault(int sig, siginfo_t *info, void *uctx) {
    (void)uctx;
    u8 *addr = (u8 *)info->si_addr;
    for (unsigned i = 0; i < memory_count; i++) {
        if (addr >= memories[i].base && addr < memories[i].base + WRT_GUARD_RESERVATION) {
            wrt_trap(WRT_TRAP_OOB_MEMORY, "?");
        }
    }
    /* Below the stack limit: the stack guard of a runaway recursion. */
    signal(sig, SIG_DFL);
    fprintf(stderr, "host: fatal signal %d at %p\n", sig, (void *)addr);
    raise(sig);
}

void wrt_host_init(void) {
    static u8 altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    sigaltstack(&ss, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGBUS, &sa, 0);

    /* Leave 256 KiB of the main stack below the limit for the C code that
     * runs after a check passes (frames of leaf functions, libc). */
    struct rlimit rl;
    uintptr_t size = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) size = rl.rlim_cur;
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    wrt_stack_limit = sp - size + (256u << 10);
}

void wrt_memory_init(wrt_memory *m, u32 initial, u32 max) {
    if (memory_count == MAX_MEMORIES) {
        fprintf(stderr, "host: more than %d memories\n", MAX_MEMORIES);
        exit(2);
    }
    void *want = 0;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
#ifdef WRT_FIXED_MEMORY0
    /* Only one module's own memory 0 is built to live there: the first. */
    if (memory_count == 0) {
        want = WRT_FIXED_MEMORY0;
        flags |= MAP_FIXED_NOREPLACE;
    }
#endif
    void *p = mmap(want, WRT_GUARD_RESERVATION, PROT_NONE, flags, -1, 0);
    if (p == MAP_FAILED || (want && p != want)) {
        fprintf(stderr, "host: cannot reserve %llu bytes for a memory at %p: %s\n",
                (unsigned long long)WRT_GUARD_RESERVATION, want, p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
        exit(2);
    }
    m->data = p;
    m->pages = 0;
    m->size = 0;
    m->max_pages = max;
    memories[memory_count++].base = p;
    if (initial > 0 && wrt_memory_grow(m, initial) == 0xffffffffu) wrt_trap(WRT_TRAP_OOB_MEMORY, "instantiate");
}

u32 wrt_memory_grow(wrt_memory *m, u32 delta) {
    u32 old = m->pages;
    u64 limit = m->max_pages == WRT_NO_MAX ? 65536u : m->max_pages;
    if (limit > host_max_pages()) limit = host_max_pages();
    if ((u64)old + delta > limit) return 0xffffffffu;
    if (delta == 0) return old;
    if (mprotect(m->data + m->size, (u64)delta * WRT_PAGE_SIZE, PROT_READ | PROT_WRITE) != 0) return 0xffffffffu;
    m->pages = old + delta;
    m->size = (u64)m->pages * WRT_PAGE_SIZE;
    return old;
}

/* Tables are small arrays; growth copies. */
#define HOST_MAX_TABLE 10000000u

void wrt_table_init(wrt_table *t, u32 initial, u32 max) {
    if (initial > HOST_MAX_TABLE) wrt_trap(WRT_TRAP_OOB_TABLE, "instantiate");
    t->data = calloc(initial ? initial : 1, sizeof(wrt_ref));
    if (!t->data) wrt_trap(WRT_TRAP_OOB_TABLE, "instantiate");
    t->size = initial;
    t->max = max;
}

u32 wrt_table_grow(wrt_table *t, wrt_ref init, u32 delta) {
    u32 old = t->size;
    u64 want = (u64)old + delta;
    if (want > t->max || want > HOST_MAX_TABLE) return 0xffffffffu;
    if (delta == 0) return old;
    wrt_ref *p = realloc(t->data, (size_t)want * sizeof(wrt_ref));
    if (!p) return 0xffffffffu;
    for (u64 i = old; i < want; i++) p[i] = init;
    t->data = p;
    t->size = (u32)want;
    return old;
}
