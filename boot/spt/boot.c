/*
 * spt/boot.c: the boot order on spt, top to bottom. The image runs as an
 * ordinary Linux process under seccomp, so there is no ring 0, no page
 * table and no descriptor table to set up: the tender loaded each segment
 * with the rights its flags say (W^X holds), and guest memory is one
 * mapping up to mem_size. Without page faults to catch (the filter allows
 * no signal handler), the application is compiled with explicit bounds
 * checks (WRT_BOUNDS_EXPLICIT), so every Wasm trap is still one line and
 * exit status 255; a fault outside Wasm code kills the process.
 */
#include "boot.h"
#include "hypercall.h"

/* struct spt_boot_info (Solo5's include/spt_abi.h, ABI version 2). */
struct spt_boot_info {
    u64 mem_size;   /* bytes of guest memory, from address 0 */
    u64 kernel_end; /* the end of the image as loaded */
    u64 cmdline;    /* address of the command line (a C string) */
    u64 mft;        /* address of the manifest as attached */
    int epollfd;    /* the epoll set to wait on */
    int timerfd;    /* the timer in that set, for timeouts */
};

int spt_epollfd = -1, spt_timerfd = -1;

NORETURN void morgana_spt_main(const struct spt_boot_info *bi) {
    spt_epollfd = bi->epollfd;
    spt_timerfd = bi->timerfd;
    memory_init(bi->mem_size); /* how far the Wasm memory may grow */
    clock_init(0);
    devices_init((const struct mft *)(uintptr_t)bi->mft, (const char *)(uintptr_t)bi->cmdline);
    net_init(0); /* finds no net rings offer: one system call a frame */
    entropy_init();
    app_instantiate(); /* the application's top-level code: it runs to completion */
    hvt_halt(0);
}
