/*
 * cpu.c: load our own GDT, TSS and IDT, so that every CPU exception
 * reaches morgana_exception (exception.c) on a known-good stack, and ring-3
 * segments exist for the application (boot.h says why it runs there).
 *
 * The tables themselves are data written by start.S at fixed addresses
 * (hvt.ld): nothing here computes them, because ring 0 may be emulated.
 *
 * The tender's GDT (at 0x1000) has no TSS, and without a TSS there is no
 * IST: an exception raised because the stack overflowed would push its
 * frame onto the overflowed stack, fault again, and triple-fault. So every
 * vector switches to IST1, a small stack of its own (hvt.ld).
 */
#include "boot.h"

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x28 /* user data 0x18 and user code 0x20 in between */

extern const char morgana_gdtr[], morgana_idtr[]; /* start.S */

/* What %fs points at in ring 3: code built with a stack protector (Debian's
 * libbearssl.a, boot/crypto/) reads its canary at %fs:0x28. boot.c fills
 * the canary from entropy before the application runs. */
u64 morgana_fs_block[6];
#define MSR_FS_BASE 0xc0000100u

void cpu_init(void) {
    /* Load the GDT, then reload CS with a far return and the data
     * segments directly: the old selectors index the tender's table. */
    __asm__ __volatile__("lgdt (%0)\n\t"
                         "pushq %1\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "lretq\n"
                         "1:\n\t"
                         "movw %w2, %%ax\n\t"
                         "movw %%ax, %%ds\n\t"
                         "movw %%ax, %%es\n\t"
                         "movw %%ax, %%ss\n\t"
                         "movw %%ax, %%fs\n\t"
                         "movw %%ax, %%gs\n\t"
                         "ltr %w3\n\t"
                         "lidt (%4)"
                         :
                         : "r"(morgana_gdtr), "i"(SEL_CODE), "r"(SEL_DATA), "r"(SEL_TSS), "r"(morgana_idtr)
                         : "rax", "memory");
    /* After the segment loads above, which reset the FS base. */
    u64 fs = (u64)(uintptr_t)morgana_fs_block;
    __asm__ __volatile__("wrmsr" : : "c"(MSR_FS_BASE), "a"((u32)fs), "d"((u32)(fs >> 32)));
    /* Ring 0 reads ring-3 pages (the faulting instruction, the function
     * table): no tender sets SMEP or SMAP today; make sure of it. */
    u64 cr4;
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
    if (cr4 & (3ull << 20)) __asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 & ~(3ull << 20)));
}

NORETURN void cpu_halt_forever(void) {
    for (;;) __asm__ __volatile__("cli; hlt");
}
