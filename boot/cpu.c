/*
 * cpu.c: our own GDT, TSS and IDT, so that every CPU exception reaches
 * morgana_exception (exception.c) on a known-good stack, and ring-3
 * segments for the application (boot.h says why it runs there).
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

struct __attribute__((packed)) tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
};
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

struct __attribute__((packed)) idt_gate {
    u16 offset_lo, selector;
    u8 ist, type_attr; /* 0x8e: present, ring 0, 64-bit interrupt gate */
    u16 offset_mid;
    u32 offset_hi, reserved;
};

struct __attribute__((packed)) table_reg {
    u16 limit;
    u64 base;
};

static struct tss tss;
static struct idt_gate idt[32];
/* null, ring-0 code (64-bit) and data, ring-3 data and code (64-bit) in
 * the order SYSRET would want, then the TSS descriptor (two slots). */
static u64 gdt[7] = {0, 0x00af9a000000ffffull, 0x00cf92000000ffffull,
                     0x00cff2000000ffffull, 0x00affa000000ffffull, 0, 0};

extern const char morgana_exception_stubs[]; /* 16 bytes per vector */

static void gdt_set_tss(void) {
    u64 base = (uintptr_t)&tss, limit = sizeof tss - 1;
    gdt[5] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 /* present, 64-bit TSS */
             | ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    gdt[6] = base >> 32;
}

static void idt_set(unsigned v) {
    u64 handler = (uintptr_t)(morgana_exception_stubs + 16 * v);
    idt[v] = (struct idt_gate){
        .offset_lo = handler & 0xffff, .selector = SEL_CODE, .ist = 1, .type_attr = 0x8e,
        .offset_mid = (handler >> 16) & 0xffff, .offset_hi = handler >> 32};
}

void cpu_init(void) {
    tss.ist[0] = (uintptr_t)morgana_ist_top;
    tss.rsp[0] = (uintptr_t)morgana_ist_top; /* unused: every gate names IST1 */
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap */
    gdt_set_tss();
    struct table_reg g = {sizeof gdt - 1, (uintptr_t)gdt};
    /* Load the GDT, then reload CS with a far return and the data
     * segments directly: the old selectors index the tender's table. */
    __asm__ __volatile__("lgdt %0\n\t"
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
                         "ltr %w3"
                         :
                         : "m"(g), "i"(SEL_CODE), "r"(SEL_DATA), "r"(SEL_TSS)
                         : "rax", "memory");
    /* Ring 0 reads ring-3 pages (the faulting instruction, the function
     * table): no tender sets SMEP or SMAP today; make sure of it. */
    u64 cr4;
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
    if (cr4 & (3ull << 20)) __asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 & ~(3ull << 20)));
    for (unsigned v = 0; v < 32; v++) idt_set(v);
    struct table_reg i = {sizeof idt - 1, (uintptr_t)idt};
    __asm__ __volatile__("lidt %0" : : "m"(i) : "memory");
}

NORETURN void cpu_halt_forever(void) {
    for (;;) __asm__ __volatile__("cli; hlt");
}
