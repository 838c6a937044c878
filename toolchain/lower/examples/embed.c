/*
 * embed.c: an example embedder of lowered code, for a module that
 * AssemblyScript did not make: one of the benchmark kernels, compiled by
 * clang to wasm32 and lowered with
 *
 *   morgana lower crc32.wasm -o kernel.c --prefix kernel
 *
 * which writes kernel.c and kernel.h. Build and run with the host runtime:
 *
 *   gcc -O2 -fsignaling-nans -ffp-contract=off -fno-strict-aliasing \
 *       -fno-optimize-sibling-calls -I toolchain/lower/runtime -I . \
 *       -o kernel toolchain/lower/examples/embed.c kernel.c \
 *       toolchain/lower/runtime/host.c
 *
 * What the embedding interface asks of this file (toolchain/lower/README.md):
 * start the runtime, instantiate once, call exports as plain C functions,
 * and catch traps. The module has no imports; one that had would need this
 * file to define each `kernel_import_MOD__FIELD` function it declares.
 */
#include <stdio.h>

#include "host.h"   /* wrt_host_init, WRT_HOST_TRY, wrt_host_trap_func */
#include "kernel.h" /* kernel_instantiate, kernel_export_run, kernel_export_memory */

int main(void) {
    wrt_host_init();

    /* Instantiation can trap too (a data segment out of bounds). */
    int trap = WRT_HOST_TRY(kernel_instantiate());
    if (trap) {
        fprintf(stderr, "instantiate: %s\n", wrt_trap_message(trap));
        return 1;
    }

    /* An exported memory is a wrt_memory the embedder may read. */
    wrt_memory *memory = kernel_export_memory();
    printf("memory: %u pages\n", memory->pages);

    /* An export is a C function; a trap unwinds to the innermost TRY. */
    static u32 checksum; /* static: assigned under TRY, read after it */
    trap = WRT_HOST_TRY(checksum = kernel_export_run());
    if (trap) {
        fprintf(stderr, "run: %s in %s\n", wrt_trap_message(trap), wrt_host_trap_func);
        return 1;
    }
    printf("checksum: %u\n", checksum);
    return 0;
}
