/* A CPU exception outside any Wasm trap: ud2. Exit status 255. */
#include "app.h"

static void crash(void) { __asm__ __volatile__("ud2"); }

const wrt_func_addr app_functions[] = {FUNC(crash)};
const u32 app_function_count = 1;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    out_str("before");
    out_line();
    crash();
    out_str("after");
    out_line();
}
