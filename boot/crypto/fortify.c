/*
 * fortify.c: what Debian's libbearssl.a needs beyond boot/libc.c. Debian
 * builds it with -fstack-protector-strong and _FORTIFY_SOURCE=2, so its
 * objects call __stack_chk_fail on a smashed canary (read at %fs:0x28:
 * boot/cpu.c points FS at a block whose canary boot.c fills from entropy;
 * on spt FS is the tender's own, with glibc's canary) and the checked
 * copies below. Either failure is a bug in the C, not in the application:
 * one console line and exit status 255, as for a CPU exception.
 */
#include "boot.h"
#include "hypercall.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

static NORETURN void crypto_abort(const char *what) {
    con_str("crypto: ");
    con_str(what);
    con_str(" in BearSSL; stopping");
    con_flush();
    hvt_halt(255);
    for (;;) {}
}

NORETURN void __stack_chk_fail(void) { crypto_abort("stack smashing detected"); }

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len) {
    if (n > dst_len) crypto_abort("memcpy past its buffer");
    return memcpy(dst, src, n);
}

void *__memmove_chk(void *dst, const void *src, size_t n, size_t dst_len) {
    if (n > dst_len) crypto_abort("memmove past its buffer");
    return memmove(dst, src, n);
}

void *__memset_chk(void *dst, int c, size_t n, size_t dst_len) {
    if (n > dst_len) crypto_abort("memset past its buffer");
    return memset(dst, c, n);
}
