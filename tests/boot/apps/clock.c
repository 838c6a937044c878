/*
 * Clocks: monotonic time increases across busy work, and poll with a
 * deadline 20 ms ahead returns 0 (no devices) at or after the deadline.
 * The app checks and prints verdicts; the test reads them.
 */
#include "app.h"

static void check(const char *what, int ok) {
    out_str(what);
    out_str(ok ? " ok" : " FAILED");
    out_line();
}

static void clocks(void) {
    WRT_STACK_CHECK("clocks");
    u64 t0 = app_import_morgana__monotonic();
    volatile u64 x = 0;
    for (u32 i = 0; i < 1000000; i++) x += i;
    u64 t1 = app_import_morgana__monotonic();
    check("monotonic increases", t1 > t0);
    u64 deadline = t1 + 20000000;
    u64 ready = app_import_morgana__poll(deadline);
    u64 t2 = app_import_morgana__monotonic();
    check("poll returns nothing ready", ready == 0);
    check("poll returns at or after its deadline", t2 >= deadline);
    check("poll with a past deadline returns", app_import_morgana__poll(t0) == 0);
    u64 w = app_import_morgana__walltime();
    check("walltime after 2020", w > 1577836800ull * 1000000000ull);
}

const wrt_func_addr app_functions[] = {FUNC(clocks), FUNC(check)};
const u32 app_function_count = 2;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    clocks();
}
