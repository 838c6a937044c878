/*
 * boot.c: the boot order, top to bottom. start.S has switched to the boot
 * stack; everything else happens here, once, before the application runs.
 * The first half runs in ring 0 and does only what needs it, in as few
 * instructions as possible; the rest, and the application, run in ring 3
 * (boot.h says why).
 */
#include "boot.h"
#include "hypercall.h"

static NORETURN void user_main(const struct hvt_boot_info *bi) {
    memory_init(bi->mem_size); /* how far the Wasm memory may grow */
    paging_build(memory_premap()); /* the real page tables, at native speed */
    void *ring = paging_map_ring(solo5_ring_offered(bi)); /* Solo5 0.12's net ring, where offered */
    kernel_call(KCALL_ACTIVATE_PAGING, 0, 0); /* guard pages and W^X from here on */
    clock_init(bi->cpu_cycle_freq);
    devices_init((const struct mft *)(uintptr_t)bi->mft, (const char *)(uintptr_t)bi->cmdline);
    net_init(ring); /* net rings or Solo5's ring, where the tender offers them */
    entropy_init();
    entropy_fill((u8 *)&morgana_fs_block[5], 8); /* the stack canary, at %fs:0x28 (cpu.c) */
    app_instantiate(); /* the application's top-level code: it runs to completion */
    solo5_ring_drain();
    hvt_halt(0);
}

NORETURN void morgana_main(const struct hvt_boot_info *bi) {
    cpu_init();         /* GDT, TSS, IDT: exceptions are reported from here on */
    paging_bootstrap(); /* the image as a few 2 MiB pages, until paging_build */
    morgana_enter_user(user_main, bi);
}
