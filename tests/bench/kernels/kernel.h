/*
 * kernel.h: what every benchmark kernel shares. A kernel is one C file
 * defining `u32 kernel_run(void)`: it makes its own input from a fixed
 * seed, does the work, and returns a checksum of the result, so the same
 * source gives the same number natively, lowered, and under V8 (a wrong
 * lowering cannot look fast). It must be callable again and again with the
 * same answer. No libc: the Wasm build has none.
 */
#ifndef KERNEL_H
#define KERNEL_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef long long s64;
typedef __SIZE_TYPE__ usize;

#ifdef __wasm__
#define KERNEL_EXPORT __attribute__((export_name("run")))
#else
#define KERNEL_EXPORT
#endif

u32 kernel_run(void);

/* xorshift32: cheap, deterministic input. */
static inline u32 rng_next(u32 *s) {
    u32 x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* FNV-1a step over a word, for checksums. */
static inline u32 mix(u32 h, u32 v) {
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 16777619u;
    }
    return h;
}

static inline u32 f64_bits_mix(u32 h, double d) {
    u64 b;
    __builtin_memcpy(&b, &d, 8);
    return mix(mix(h, (u32)b), (u32)(b >> 32));
}

#endif
