/*
 * driver.c: times a kernel in a Linux process. Built twice per kernel:
 * with the kernel's C source (native), and with -DLOWERED against the
 * kernel's lowered C (prefix `k`) and the host runtime (and -DAS_IMPORTS for
 * a module AssemblyScript made). Usage: driver REPS.
 * One untimed call first (page faults of the first touch, caches), then
 * REPS timed calls; prints one line per timed call: "CHECKSUM NANOSECONDS".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef LOWERED
#include "host.h"
#include "k.h"
/* The C kernels import nothing. AssemblyScript's import the embedder
 * provides, as toolchain/lower/README.md describes: */
#ifdef AS_IMPORTS
void k_import_env__abort(u32 message, u32 file, u32 line, u32 column) {
    (void)message, (void)file;
    fprintf(stderr, "abort at %u:%u\n", line, column);
    wrt_trap(WRT_TRAP_ABORT, "abort");
}
#endif
static unsigned call(void) { return k_export_run(); }
#else
unsigned kernel_run(void);
static unsigned call(void) { return kernel_run(); }
#endif

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000ll + t.tv_nsec;
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 3;
#ifdef LOWERED
    wrt_host_init();
    k_instantiate();
#endif
    call();
    for (int i = 0; i < reps; i++) {
        long long t0 = now_ns();
        unsigned sum = call();
        long long t1 = now_ns();
        printf("%u %lld\n", sum, t1 - t0);
    }
    return 0;
}
