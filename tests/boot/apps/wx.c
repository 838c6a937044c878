/*
 * W^X: code cannot be written, data and constants cannot be run, constants
 * cannot be written; and ring 0's own pages (the CPU tables at 0x100000,
 * the page tables) cannot be written from ring 3, where boot and the
 * application run. The command line picks which is tried; each must stop
 * the image with a page fault (vector 14) at the address it tried.
 */
#include "app.h"

static const u32 constant = 0x12345678;
static u8 data_code[16] = {0xc3}; /* `ret`, in writable data */

static void probe(void) {}

static void write_text(void) { *(volatile u8 *)(uintptr_t)probe = 0xc3; }
static void write_rodata(void) { *(volatile u32 *)&constant = 1; }
static void run_data(void) { ((void (*)(void))(uintptr_t)data_code)(); }
static void run_rodata(void) { ((void (*)(void))(uintptr_t)&constant)(); }
extern char morgana_kernel_data[]; /* hvt.ld: the page tables */
static void write_at(uintptr_t a) { *(volatile u8 *)a = 0; }

const wrt_func_addr app_functions[] = {FUNC(probe), FUNC(write_text), FUNC(write_rodata), FUNC(run_data), FUNC(run_rodata), FUNC(write_at)};
const u32 app_function_count = 6;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    u32 n = app_import_morgana__cmdline(0, 64);
    const u8 *arg = M;
    out_str("trying");
    out_line();
    if (n == 10 && arg[0] == 'w' && arg[6] == 't') {
        out_str("text at ");
        out_dec((uintptr_t)probe);
        out_line();
        write_text();
    } else if (n == 12 && arg[0] == 'w' && arg[6] == 'r') {
        out_str("rodata at ");
        out_dec((uintptr_t)&constant);
        out_line();
        write_rodata();
    } else if (n == 8 && arg[0] == 'r') {
        out_str("data at ");
        out_dec((uintptr_t)data_code);
        out_line();
        run_data();
    } else if (n == 9 && arg[6] == 'c') { /* write-cpu */
        out_str("cpu tables at ");
        out_dec(0x100000);
        out_line();
        write_at(0x100000);
    } else if (n == 12 && arg[6] == 'k') { /* write-kernel */
        out_str("page tables at ");
        out_dec((uintptr_t)morgana_kernel_data);
        out_line();
        write_at((uintptr_t)morgana_kernel_data);
    } else if (n == 10 && arg[0] == 'r') {
        out_str("rodata at ");
        out_dec((uintptr_t)&constant);
        out_line();
        run_rodata();
    }
    out_str("nothing stopped it");
    out_line();
}
