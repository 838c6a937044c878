/*
 * libc.c: the four functions gcc may call even in freestanding code
 * (struct copies, large initialisers, loops it recognises). The string
 * instructions are fast on every CPU KVM runs on; a backward overlapping
 * move goes word by word instead, since `std; rep movsb` is slow.
 *
 * This file must be compiled with -fno-tree-loop-distribute-patterns,
 * or gcc turns the loops below back into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n) {
    void *d = dst;
    __asm__ __volatile__("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    void *d = dst;
    __asm__ __volatile__("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    while (n >= 8) {
        uint64_t w;
        n -= 8;
        __builtin_memcpy(&w, s + n, 8);
        __builtin_memcpy(d + n, &w, 8);
    }
    while (n--) d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}
