/*
 * trap.c: Wasm traps. Each prints `wasm trap: REASON in FUNCTION` on one
 * line and halts with 255; the image never resumes Wasm code after one.
 *
 * FUNCTION comes from the lowering's name for the function, either handed
 * to wrt_trap by the generated code or found from a code address: the
 * entry of app_functions with the greatest address not above it. The link
 * stage compiles with -fno-reorder-blocks-and-partition, so a function's
 * code is one contiguous range starting at its entry.
 */
#include "boot.h"
#include "hypercall.h"

/* Tests (and a future crash reporter) may look at memory after a trap. */
void morgana_on_trap(wrt_trap_kind kind) __attribute__((weak));

int in_app_text(uintptr_t addr) {
    return addr >= (uintptr_t)morgana_app_text_start && addr < (uintptr_t)morgana_app_text_end;
}

const char *function_at(uintptr_t addr) {
    const char *name = 0;
    uintptr_t best = 0;
    if (!in_app_text(addr)) return 0;
    for (u32 i = 0; i < app_function_count; i++) {
        uintptr_t a = (uintptr_t)app_functions[i].code;
        if (a <= addr && a >= best) best = a, name = app_functions[i].name;
    }
    return name;
}

static int starts_with(const char *s, const char *prefix) {
    if (!s) return 0;
    while (*prefix)
        if (*s++ != *prefix++) return 0;
    return 1;
}

NORETURN void wrt_trap(wrt_trap_kind kind, const char *func) {
    static int active;
    if (active++) hvt_halt(255);
    /* AssemblyScript's allocator reaches `unreachable` when memory.grow is
     * refused: say what that means. */
    if (kind == WRT_TRAP_UNREACHABLE && starts_with(func, "~lib/rt/")) memory_check_exhausted(func);
    con_str("wasm trap: ");
    con_str(wrt_trap_message(kind));
    con_str(" in ");
    con_str(func ? func : "?");
    con_str("\n");
    con_flush();
    if (morgana_on_trap) morgana_on_trap(kind);
    hvt_halt(255);
}
