/*
 * Out-of-bounds accesses, chosen by the command line, in a memory of two
 * pages: `load` reads the first byte past the end, `store` writes 8 bytes
 * of which the first 4 are in bounds, `far` reads at the largest address a
 * Wasm access can form (u32 address + u32 offset), `import` hands puts a
 * range past the end. Each must be a Wasm trap naming its function; after
 * the `store` trap, morgana_on_trap shows the 4 in-bounds bytes unchanged.
 */
#include "app.h"

#define SIZE (2 * WRT_PAGE_SIZE)

__attribute__((noinline)) static u32 oob_load(u32 addr) {
    return wrt_load_u8(&memory, M, addr, "oob_load");
}

__attribute__((noinline)) static void oob_store(u32 addr) {
    wrt_store_u64(&memory, M, addr, 0x1122334455667788ull, "oob_store");
}

__attribute__((noinline)) static u32 oob_far(u32 addr) {
    return wrt_load_u32(&memory, M, (u64)addr + 0xffffffffu, "oob_far");
}

__attribute__((noinline)) static void oob_import(void) { app_import_morgana__puts(SIZE - 2, 4); }

/* Runs in ring 0 after the trap message: no SSE there (boot/boot.h). */
__attribute__((target("general-regs-only"))) void morgana_on_trap(wrt_trap_kind kind) {
    (void)kind;
    out_str("after trap: ");
    out_hex(M + SIZE - 4, 4);
    out_line();
}

const wrt_func_addr app_functions[] = {FUNC(oob_load), FUNC(oob_store), FUNC(oob_far), FUNC(oob_import),
                                       FUNC(out_str), FUNC(out_hex), FUNC(out_line)};
const u32 app_function_count = sizeof app_functions / sizeof app_functions[0];

void app_instantiate(void) {
    wrt_memory_init(&memory, 2, 2);
    u32 n = read_cmdline();
    for (u32 i = 0; i < 4; i++) M[SIZE - 4 + i] = 0xaa;
    out_str("last in-bounds byte: ");
    out_dec(oob_load(SIZE - 1));
    out_line();
    if (streq_mem(0, n, "load")) oob_load(SIZE);
    if (streq_mem(0, n, "store")) oob_store(SIZE - 4);
    if (streq_mem(0, n, "far")) oob_far(0xffffffffu);
    if (streq_mem(0, n, "import")) oob_import();
    out_str("no trap");
    out_line();
}
