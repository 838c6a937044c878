/*
 * Unbounded recursion. `checked` recurses through a function that checks
 * the stack limit on entry, as every lowered function that calls does:
 * call stack exhausted, from WRT_STACK_CHECK. `leaf` recurses without the
 * check and with a large frame, as nothing lowered would, to show the
 * guard page below the stack catches it as the same trap.
 */
#include "app.h"

static u32 depth;

__attribute__((noinline)) static u32 recurse(u32 n) {
    WRT_STACK_CHECK("recurse");
    depth++;
    volatile u8 frame[64];
    frame[n & 63] = (u8)n;
    return recurse(n + 1) + frame[(n + 1) & 63];
}

__attribute__((noinline)) static u32 unchecked(u32 n) {
    volatile u8 frame[3000];
    frame[n % 3000] = (u8)n;
    return unchecked(n + 1) + frame[(n * 7) % 3000];
}

const wrt_func_addr app_functions[] = {FUNC(recurse), FUNC(unchecked)};
const u32 app_function_count = 2;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    u32 n = read_cmdline();
    if (streq_mem(0, n, "checked")) recurse(0);
    if (streq_mem(0, n, "leaf")) unchecked(0);
    out_str("returned");
    out_line();
}
