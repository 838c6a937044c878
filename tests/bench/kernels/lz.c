/* LZ77-style compression (hash of 4 bytes to the last position, greedy
 * matches of 4..131 bytes within 64 KiB, literal runs) of 2 MiB of
 * word-like text, then decompression and a byte-for-byte comparison;
 * eight rounds, one byte of the input changed each round. */
#include "kernel.h"

#define N (2u << 20)
#define HBITS 14
static u8 src[N], packed[N + N / 64 + 16], out[N];
static u32 head[1u << HBITS];

static void make_text(void) {
    static const char *words[16] = {"the ", "lowering ", "of ", "wasm ", "to ", "C ", "is ", "fast ",
                                    "and ", "exact, ", "every ", "trap ", "checked ", "memory ", "page ", "guard\n"};
    u32 s = 1, i = 0;
    while (i < N) {
        const char *w = words[rng_next(&s) & 15];
        while (*w && i < N) src[i++] = (u8)*w++;
        if ((rng_next(&s) & 7) == 0 && i < N) src[i++] = (u8)('0' + (s >> 8) % 10);
    }
}

static inline u32 load4(const u8 *p) { u32 v; __builtin_memcpy(&v, p, 4); return v; }

/* Token: a control byte L (0..127 literal run of L+1 bytes follows; 128+
 * a match of length L-128+4 at a 16-bit distance that follows). */
static u32 compress(void) {
    for (u32 i = 0; i < (1u << HBITS); i++) head[i] = 0xffffffffu;
    u32 i = 0, o = 0, lit = 0;
    while (i + 4 <= N) {
        u32 h = (load4(src + i) * 2654435761u) >> (32 - HBITS);
        u32 cand = head[h];
        head[h] = i;
        if (cand != 0xffffffffu && i - cand < 65536 && load4(src + cand) == load4(src + i)) {
            u32 len = 4;
            while (len < 131 && i + len < N && src[cand + len] == src[i + len]) len++;
            while (lit > 0) { /* flush literals before the match */
                u32 run = lit > 128 ? 128 : lit;
                packed[o++] = (u8)(run - 1);
                for (u32 k = 0; k < run; k++) packed[o++] = src[i - lit + k];
                lit -= run;
            }
            u32 dist = i - cand;
            packed[o++] = (u8)(128 + len - 4);
            packed[o++] = (u8)dist;
            packed[o++] = (u8)(dist >> 8);
            i += len;
        } else {
            i++;
            lit++;
        }
    }
    lit += N - i;
    i = N;
    while (lit > 0) {
        u32 run = lit > 128 ? 128 : lit;
        packed[o++] = (u8)(run - 1);
        for (u32 k = 0; k < run; k++) packed[o++] = src[i - lit + k];
        lit -= run;
    }
    return o;
}

static u32 decompress(u32 n) {
    u32 i = 0, o = 0;
    while (i < n) {
        u32 c = packed[i++];
        if (c < 128) {
            for (u32 k = 0; k <= c; k++) out[o++] = packed[i++];
        } else {
            u32 len = c - 128 + 4, dist = packed[i] | (u32)packed[i + 1] << 8;
            i += 2;
            for (u32 k = 0; k < len; k++, o++) out[o] = out[o - dist];
        }
    }
    return o;
}

KERNEL_EXPORT u32 kernel_run(void) {
    make_text();
    u32 h = 2166136261u;
    for (int round = 0; round < 8; round++) {
        u32 n = compress();
        if (decompress(n) != N) return 0xbad;
        for (u32 k = 0; k < N; k++) if (out[k] != src[k]) return 0xbad0;
        h = mix(h, n);
        src[round * 1000] ^= 0x20; /* a different input each round */
    }
    return h;
}
