/*
 * console.c: boot's own messages (traps, exceptions, aborts, traces).
 *
 * A message is built in a buffer and written with as few puts hypercalls
 * as possible, so that it reaches the console as one line even when the
 * tender interleaves other output. The application's own output does not
 * pass through here: the puts import hands its bytes straight to the
 * tender.
 */
#include "boot.h"
#include "hypercall.h"

static char line[256];
static size_t used;

void con_flush(void) {
    if (used) hvt_puts(line, used);
    used = 0;
}

void con_bytes(const void *p, size_t n) {
    const char *s = p;
    while (n--) {
        if (used == sizeof line) con_flush();
        line[used++] = *s++;
    }
}

void con_str(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    con_bytes(s, n);
}

void con_dec(u64 v) {
    char d[20];
    size_t i = sizeof d;
    do d[--i] = (char)('0' + v % 10); while (v /= 10);
    con_bytes(d + i, sizeof d - i);
}

void con_hex(u64 v) {
    char d[18];
    size_t i = sizeof d;
    do d[--i] = "0123456789abcdef"[v & 15]; while (v >>= 4);
    d[--i] = 'x';
    d[--i] = '0';
    con_bytes(d + i, sizeof d - i);
}
