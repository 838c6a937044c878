/*
 * env.c: the imports AssemblyScript's own runtime makes (module `env`).
 *
 * An AssemblyScript string is UTF-16LE in memory 0; its length in bytes
 * is the u32 just before it. Strings are printed as UTF-8 with control
 * characters replaced by '?', so a message stays one console line.
 */
#include "boot.h"
#include "hypercall.h"

static void put_utf8(u32 c) {
    u8 b[4];
    size_t n;
    if (c < 0x20 || c == 0x7f) b[0] = '?', n = 1;
    else if (c < 0x80) b[0] = (u8)c, n = 1;
    else if (c < 0x800) b[0] = (u8)(0xc0 | c >> 6), b[1] = (u8)(0x80 | (c & 0x3f)), n = 2;
    else if (c < 0x10000)
        b[0] = (u8)(0xe0 | c >> 12), b[1] = (u8)(0x80 | ((c >> 6) & 0x3f)), b[2] = (u8)(0x80 | (c & 0x3f)), n = 3;
    else
        b[0] = (u8)(0xf0 | c >> 18), b[1] = (u8)(0x80 | ((c >> 12) & 0x3f)),
        b[2] = (u8)(0x80 | ((c >> 6) & 0x3f)), b[3] = (u8)(0x80 | (c & 0x3f)), n = 4;
    con_bytes(b, n);
}

/* Print the string at `ptr` (0 is AssemblyScript's null). */
static void put_string(u32 ptr, uintptr_t caller) {
    if (ptr == 0) {
        con_str("null");
        return;
    }
    u32 bytes;
    __builtin_memcpy(&bytes, memory_at(ptr - 4, 4, caller), 4);
    const u8 *s = memory_at(ptr, bytes, caller);
    for (u32 i = 0; i + 1 < bytes; i += 2) {
        u32 c = s[i] | (u32)s[i + 1] << 8;
        if (c >= 0xd800 && c < 0xdc00 && i + 3 < bytes) { /* a surrogate pair */
            u32 lo = s[i + 2] | (u32)s[i + 3] << 8;
            if (lo >= 0xdc00 && lo < 0xe000) c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00), i += 2;
        }
        put_utf8(c >= 0xd800 && c < 0xe000 ? 0xfffd : c);
    }
}

static void put_fixed(f64 x) {
    u64 whole = (u64)x;
    u64 frac = (u64)((x - (f64)whole) * 1e6 + 0.5);
    if (frac >= 1000000) whole++, frac -= 1000000;
    con_dec(whole);
    if (!frac) return;
    char d[7] = {'.'};
    for (int i = 6; i > 0; i--) d[i] = (char)('0' + frac % 10), frac /= 10;
    int n = 7;
    while (d[n - 1] == '0') n--;
    con_bytes(d, (size_t)n);
}

/* Six decimals at most, an exponent above 1e18: enough for a trace line,
 * not a shortest round-trip conversion. */
static void put_number(f64 x) {
    if (x != x) {
        con_str("NaN");
        return;
    }
    if (x < 0) con_str("-"), x = -x;
    if (x > 1.7976931348623157e308) {
        con_str("Infinity");
        return;
    }
    unsigned e = 0;
    while (x >= 1e18) x /= 10, e++;
    put_fixed(x);
    if (e) con_str("e+"), con_dec(e);
}

/* Bytes of the AssemblyScript string at `ptr` (0 for null). */
static u32 string_bytes(u32 ptr, uintptr_t caller) {
    u32 bytes = 0;
    if (ptr) __builtin_memcpy(&bytes, memory_at(ptr - 4, 4, caller), 4);
    return bytes;
}

void app_import_env__abort(u32 msg, u32 file, u32 line, u32 col) {
    uintptr_t caller = CALLER();
    /* AssemblyScript's shadow stack (managed locals) grows down towards
     * the static data; its check aborts with "stack overflow" at 1:1 of a
     * source file, strings the overflow has already overwritten: only a
     * stack overflow aborts at 1:1 with no file name. */
    if (line == 1 && col == 1 && string_bytes(file, caller) == 0) {
        const char *f = function_at(caller);
        con_str("call stack exhausted in ");
        con_str(f ? f : "?");
        con_str(" (AssemblyScript's shadow stack, which holds managed locals: a recursion too deep; make it a loop,"
                " or give app.json \"compilerFlags\": [\"--stackSize\", \"131072\"])\n");
        con_flush();
        hvt_halt(255);
    }
    con_str("abort: ");
    put_string(msg, caller);
    con_str(" at ");
    put_string(file, caller);
    con_str(":");
    con_dec(line);
    con_str(":");
    con_dec(col);
    con_str(" in ");
    const char *f = function_at(caller);
    con_str(f ? f : "?");
    con_str("\n");
    con_flush();
    hvt_halt(255);
}

f64 app_import_env__seed(void) {
    u64 w;
    entropy_fill((u8 *)&w, sizeof w);
    return (f64)(w >> 11); /* an integer below 2^53: exact as an f64 */
}

void app_import_env__trace(u32 msg, u32 n, f64 a0, f64 a1, f64 a2, f64 a3, f64 a4) {
    f64 a[5] = {a0, a1, a2, a3, a4};
    con_str("trace: ");
    put_string(msg, CALLER());
    for (u32 i = 0; i < n && i < 5; i++) {
        con_str(i ? ", " : " ");
        put_number(a[i]);
    }
    con_str("\n");
    con_flush();
}
