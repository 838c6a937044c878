/* An open-addressing hash map from u32 to u32 (linear probing, 2^21
 * slots): 1M inserts and updates, 4M lookups (half of them misses), 256K
 * deletions with backward-shift, then a checksum over the lookups. */
#include "kernel.h"

#define SLOTS (1u << 21)
#define EMPTY 0u /* keys are never 0 */
static u32 keys[SLOTS], vals[SLOTS];

static inline u32 hash(u32 k) {
    k ^= k >> 16; k *= 0x7feb352du; k ^= k >> 15; k *= 0x846ca68bu; k ^= k >> 16;
    return k & (SLOTS - 1);
}

static void put(u32 k, u32 v) {
    u32 i = hash(k);
    while (keys[i] != EMPTY && keys[i] != k) i = (i + 1) & (SLOTS - 1);
    keys[i] = k;
    vals[i] = v;
}

static int get(u32 k, u32 *v) {
    for (u32 i = hash(k); keys[i] != EMPTY; i = (i + 1) & (SLOTS - 1))
        if (keys[i] == k) { *v = vals[i]; return 1; }
    return 0;
}

static void del(u32 k) {
    u32 i = hash(k);
    while (keys[i] != k) {
        if (keys[i] == EMPTY) return;
        i = (i + 1) & (SLOTS - 1);
    }
    /* Backward-shift deletion keeps every probe chain unbroken. */
    u32 j = i;
    for (;;) {
        keys[i] = EMPTY;
        for (;;) {
            j = (j + 1) & (SLOTS - 1);
            if (keys[j] == EMPTY) return;
            u32 h = hash(keys[j]);
            if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) break;
        }
        keys[i] = keys[j];
        vals[i] = vals[j];
        i = j;
    }
}

KERNEL_EXPORT u32 kernel_run(void) {
    for (u32 i = 0; i < SLOTS; i++) keys[i] = EMPTY;
    u32 s = 99;
    for (u32 i = 0; i < (1u << 20); i++) {
        u32 k = (rng_next(&s) & 0x3fffff) | 1;
        put(k, i);
    }
    u32 d = 5;
    for (u32 i = 0; i < (1u << 18); i++) del((rng_next(&d) & 0x3fffff) | 1);
    u32 q = 99, h = 2166136261u, found = 0;
    for (u32 i = 0; i < (1u << 22); i++) {
        u32 k = rng_next(&q) & 0x3fffff, v;
        if (get(k | (i & 1), &v)) { found++; h = mix(h, v); }
    }
    return mix(h, found);
}
