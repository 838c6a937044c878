/*
 * What the test apps share: the platform imports as the lowering declares
 * them (boot/README.md), memory 0, and a way to print C strings and
 * numbers through the puts import (text goes into the Wasm memory first,
 * as it would from AssemblyScript). Every app here is one "module".
 */
#include "wasm-rt.h"

void app_import_morgana__puts(u32 ptr, u32 len);
u64 app_import_morgana__walltime(void);
u64 app_import_morgana__monotonic(void);
u64 app_import_morgana__poll(u64 deadline);
void app_import_morgana__exit(u32 status);
u32 app_import_morgana__cmdline(u32 ptr, u32 cap);
void app_import_morgana__entropy(u32 ptr, u32 len);
u32 app_import_morgana__device(u32 name, u32 len, u32 type);
u32 app_import_morgana__netInfo(u32 handle, u32 ptr);
u32 app_import_morgana__netWrite(u32 handle, u32 ptr, u32 len);
u32 app_import_morgana__netRead(u32 handle, u32 ptr, u32 cap);
u64 app_import_morgana__memoryLimit(void);
void app_import_env__abort(u32 msg, u32 file, u32 line, u32 col);
void app_import_env__trace(u32 msg, u32 n, f64 a0, f64 a1, f64 a2, f64 a3, f64 a4);

static wrt_memory memory;
#define M ((u8 *)WRT_FIXED_MEMORY0)
/* Scratch text is built at this offset of memory 0. */
#define OUT 0x8000u

/* Bytes of frames in memory 0, for the apps that answer on a net device
 * (pong.c, tests/net/bench/responder.c). */
static inline int same(const u8 *a, const u8 *b, int n) {
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static inline void copy(u8 *to, const u8 *from, int n) {
    for (int i = 0; i < n; i++) to[i] = from[i];
}

static u32 out_len;

static void out_str(const char *s) {
    while (*s) wrt_store_u8(&memory, M, OUT + out_len++, (u8)*s++, "out_str");
}

static void out_dec(u64 v) {
    char d[21];
    int n = 0;
    do d[n++] = (char)('0' + v % 10); while (v /= 10);
    while (n) wrt_store_u8(&memory, M, OUT + out_len++, (u8)d[--n], "out_dec");
}

static void out_hex(const u8 *p, u32 n) {
    for (u32 i = 0; i < n; i++) {
        wrt_store_u8(&memory, M, OUT + out_len++, (u8)"0123456789abcdef"[p[i] >> 4], "out_hex");
        wrt_store_u8(&memory, M, OUT + out_len++, (u8)"0123456789abcdef"[p[i] & 15], "out_hex");
    }
}

/* Ends the line and writes it. */
static void out_line(void) {
    out_str("\n");
    app_import_morgana__puts(OUT, out_len);
    out_len = 0;
}

static int streq_mem(u32 at, u32 len, const char *s) {
    u32 i = 0;
    for (; i < len && s[i]; i++)
        if (M[at + i] != (u8)s[i]) return 0;
    return i == len && s[i] == 0;
}

/* The command line, copied to offset 0; its length. */
static u32 read_cmdline(void) { return app_import_morgana__cmdline(0, 256); }

#define FUNC(f) {(void (*)(void))(f), #f}
