/*
 * exception.c: what a CPU exception means, reported on one console line;
 * and the one service ring 3 asks of ring 0 (a kernel call).
 *
 * A page fault raised by Wasm code is a Wasm trap, because the memory is
 * guarded rather than checked (paging.c): a fault inside the memory's
 * reservation is an out-of-bounds access, a fault in the stack guard page
 * is stack exhaustion (a leaf function, which does not check
 * wrt_stack_limit, ran past it). Anything else is a bug in boot/ or in the
 * lowering, reported with the vector, RIP and faulting address.
 */
#include "boot.h"
#include "hypercall.h"

/* As start.S leaves it: saved registers, then the CPU's frame. */
struct frame {
    u64 r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
    u64 vector, error, rip, cs, rflags, rsp, ss;
};

#define GENERAL_PROTECTION 13
#define PAGE_FAULT 14
#define OUT_EAX_DX 0xef

static u64 read_cr2(void) {
    u64 v;
    __asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
    return v;
}

/* A kernel call: `out` to KCALL_PORT from ring 3 (boot.h). */
static int serve_kernel_call(struct frame *f) {
    if (f->vector != GENERAL_PROTECTION || (f->cs & 3) != 3) return 0;
    if (*(const u8 *)(uintptr_t)f->rip != OUT_EAX_DX || (u16)f->rdx != KCALL_PORT) return 0;
    switch ((u32)f->rax) {
    case KCALL_MAP_MEMORY: paging_map_memory(f->rdi, f->rsi); break;
    case KCALL_ACTIVATE_PAGING: paging_activate(); break;
    default: return 0;
    }
    f->rip += 1;
    return 1;
}

void morgana_exception(struct frame *f) {
    static int active;
    if (serve_kernel_call(f)) return;
    if (probe_resume(f->vector, &f->rip)) return; /* probe.c: #UD from a probe */
    /* A fault while reporting a fault: say nothing more, stop. */
    if (active++) hvt_halt(255);
    u64 addr = f->vector == PAGE_FAULT ? read_cr2() : 0;
    if (f->vector == PAGE_FAULT && in_app_text(f->rip)) {
        if (addr - (uintptr_t)morgana_memory0 < WRT_GUARD_RESERVATION)
            wrt_trap(WRT_TRAP_OOB_MEMORY, function_at(f->rip));
        if (addr - (uintptr_t)morgana_stack_guard < STACK_GUARD_SIZE)
            wrt_trap(WRT_TRAP_EXHAUSTION, function_at(f->rip));
    }
    con_str("exception ");
    con_dec(f->vector);
    con_str(" at ");
    con_hex(f->rip);
    con_str(", address ");
    con_hex(addr);
    con_str("\n");
    con_flush();
    hvt_halt(255);
}
