/*
 * AssemblyScript's imports: env.trace with two numbers, then env.abort
 * with a message, a file name (UTF-16LE strings with their byte length
 * before them, as AssemblyScript lays them out), line and column.
 */
#include "app.h"

/* An AssemblyScript string at `at` (its length word at at - 4). */
static void as_string(u32 at, const char *s) {
    u32 n = 0;
    for (; s[n]; n++) M[at + 2 * n] = (u8)s[n], M[at + 2 * n + 1] = 0;
    n *= 2;
    __builtin_memcpy(M + at - 4, &n, 4);
}

__attribute__((noinline)) static void fail_here(void) {
    WRT_STACK_CHECK("fail_here");
    app_import_env__abort(0x104, 0x204, 12, 34);
    wrt_trap(WRT_TRAP_UNREACHABLE, "fail_here");
}

const wrt_func_addr app_functions[] = {FUNC(as_string), FUNC(fail_here)};
const u32 app_function_count = 2;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    as_string(0x104, "cafe closed");
    M[0x104 + 2 * 3] = 0xe9; /* "café closed": UTF-16 for U+00E9 */
    as_string(0x204, "main.ts");
    as_string(0x304, "tick");
    app_import_env__trace(0x304, 2, 1.5, 42, 0, 0, 0);
    fail_here();
}
