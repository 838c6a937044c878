/*
 * Grows memory 0 one page at a time until memory.grow says -1, checking
 * that each new page reads as zero and takes writes at both ends, and
 * that a canary on the stack survives: growth never reaches the stack.
 * Prints the pages grown, the memory's final size, memoryLimit, and the
 * stack pointer and memory base so the test can compare them.
 */
#include "app.h"

static u32 grow_all(void) {
    WRT_STACK_CHECK("grow_all");
    u32 grown = 0;
    for (;;) {
        u32 old = wrt_memory_grow(&memory, 1);
        if (old == 0xffffffffu) return grown;
        u64 base = (u64)old * WRT_PAGE_SIZE;
        if (wrt_load_u64(&memory, M, base, "grow_all") != 0 ||
            wrt_load_u64(&memory, M, base + WRT_PAGE_SIZE - 8, "grow_all") != 0) {
            out_str("new page not zero");
            out_line();
            app_import_morgana__exit(1);
        }
        wrt_store_u64(&memory, M, base, ~0ull, "grow_all");
        wrt_store_u64(&memory, M, base + WRT_PAGE_SIZE - 8, ~0ull, "grow_all");
        grown++;
    }
}

const wrt_func_addr app_functions[] = {FUNC(grow_all), FUNC(out_str), FUNC(out_dec), FUNC(out_line)};
const u32 app_function_count = sizeof app_functions / sizeof app_functions[0];

void app_instantiate(void) {
    volatile u64 canary[4] = {0x1111, 0x2222, 0x3333, 0x4444};
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    u32 grown = grow_all();
    out_str("grown ");
    out_dec(grown);
    out_str(" pages; size ");
    out_dec(memory.size);
    out_str("; limit ");
    out_dec(app_import_morgana__memoryLimit());
    out_str("; again ");
    out_dec(wrt_memory_grow(&memory, 1));
    out_line();
    out_str("stack ");
    out_dec(WRT_STACK_POINTER());
    out_str(" memory ");
    out_dec((uintptr_t)M);
    out_str(" canary ");
    out_str(canary[0] == 0x1111 && canary[3] == 0x4444 ? "ok" : "broken");
    out_line();
}
