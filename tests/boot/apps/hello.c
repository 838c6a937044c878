/*
 * Greets with the command line and the wall-clock time in seconds, then
 * returns from app_instantiate: exit status 0.
 */
#include "app.h"

static void greet(void) {
    WRT_STACK_CHECK("greet");
    u32 n = read_cmdline();
    out_str("hello from morgana: [");
    for (u32 i = 0; i < n; i++) wrt_store_u8(&memory, M, OUT + out_len++, M[i], "greet");
    out_str("] walltime ");
    out_dec(app_import_morgana__walltime() / 1000000000ull);
    out_line();
}

const wrt_func_addr app_functions[] = {FUNC(out_str), FUNC(out_dec), FUNC(out_line), FUNC(greet)};
const u32 app_function_count = sizeof app_functions / sizeof app_functions[0];

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    greet();
}
