/*
 * entropy.c: random bytes. RDRAND (or RDSEED) where CPUID offers it;
 * otherwise timing jitter: the time a CPUID instruction takes varies,
 * since under KVM it exits to the hypervisor, and 64 such samples are
 * folded into a 64-bit state through a strong mixing function. The
 * fallback is good for seeding and for unpredictable ports and sequence
 * numbers, not for key material.
 */
#include "boot.h"

static int has_rdrand, has_rdseed;
static u64 pool = 0x6a09e667f3bcc908ull;

static void cpuid(u32 leaf, u32 sub, u32 r[4]) {
    __asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

void entropy_init(void) {
    u32 r[4];
    cpuid(0, 0, r);
    u32 max_leaf = r[0];
    cpuid(1, 0, r);
    has_rdrand = (r[2] >> 30) & 1;
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        has_rdseed = (r[1] >> 18) & 1;
    }
}

/* A bijective 64-bit finaliser: every input bit affects every output bit. */
static u64 mix(u64 x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

u64 entropy_jitter_word(void) {
    u32 r[4];
    for (int i = 0; i < 64; i++) {
        u64 t0 = rdtsc();
        cpuid(0, 0, r);
        u64 t1 = rdtsc();
        pool = mix(pool ^ (t1 - t0) ^ (t1 << 32 | t1 >> 32)) + 0x9e3779b97f4a7c15ull;
    }
    return mix(pool);
}

/* Both instructions may fail transiently (CF = 0); a few tries suffice. */
static int hardware_word(u64 *w) {
    for (int i = 0; i < 16; i++) {
        u8 ok = 0;
        if (has_rdrand)
            __asm__ __volatile__("rdrand %0; setc %1" : "=r"(*w), "=qm"(ok));
        else if (has_rdseed)
            __asm__ __volatile__("rdseed %0; setc %1" : "=r"(*w), "=qm"(ok));
        else
            return 0;
        if (ok) return 1;
    }
    return 0;
}

void entropy_fill(u8 *p, size_t n) {
    while (n) {
        u64 w;
        if (!hardware_word(&w)) w = entropy_jitter_word();
        size_t k = n < 8 ? n : 8;
        __builtin_memcpy(p, &w, k);
        p += k, n -= k;
    }
}
