/*
 * Random bytes: two 32-byte draws from the entropy import, and two words
 * from the TSC-jitter fallback (boot's own function, called directly since
 * RDRAND hides it on most machines). Printed in hex, one per line.
 */
#include "app.h"

u64 entropy_jitter_word(void); /* boot/entropy.c */

static void draw(void) {
    WRT_STACK_CHECK("draw");
    app_import_morgana__entropy(0x100, 32);
    out_str("entropy ");
    out_hex(M + 0x100, 32);
    out_line();
}

const wrt_func_addr app_functions[] = {FUNC(draw)};
const u32 app_function_count = 1;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    draw();
    draw();
    for (int i = 0; i < 2; i++) {
        u64 w = entropy_jitter_word();
        out_str("jitter ");
        out_hex((const u8 *)&w, 8);
        out_line();
    }
}
