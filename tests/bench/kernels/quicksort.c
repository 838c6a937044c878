/* Quicksort (median of three, insertion sort below 16) of 1M random u32,
 * then a check that the result is sorted and a position-weighted sum. */
#include "kernel.h"

#define N (1u << 20)
static u32 a[N];

static void insertion(u32 *p, s32 lo, s32 hi) {
    for (s32 i = lo + 1; i <= hi; i++) {
        u32 v = p[i];
        s32 j = i - 1;
        while (j >= lo && p[j] > v) { p[j + 1] = p[j]; j--; }
        p[j + 1] = v;
    }
}

static inline void swap(u32 *p, s32 i, s32 j) { u32 t = p[i]; p[i] = p[j]; p[j] = t; }

static void quicksort(u32 *p, s32 lo, s32 hi) {
    while (hi - lo >= 16) {
        s32 mid = lo + (hi - lo) / 2;
        if (p[mid] < p[lo]) swap(p, mid, lo);
        if (p[hi] < p[lo]) swap(p, hi, lo);
        if (p[hi] < p[mid]) swap(p, hi, mid);
        u32 pivot = p[mid];
        s32 i = lo, j = hi;
        while (i <= j) {
            while (p[i] < pivot) i++;
            while (p[j] > pivot) j--;
            if (i <= j) { swap(p, i, j); i++; j--; }
        }
        /* Recurse into the smaller side, loop on the larger. */
        if (j - lo < hi - i) { quicksort(p, lo, j); lo = i; }
        else { quicksort(p, i, hi); hi = j; }
    }
    insertion(p, lo, hi);
}

KERNEL_EXPORT u32 kernel_run(void) {
    u32 s = 7;
    for (u32 i = 0; i < N; i++) a[i] = rng_next(&s);
    quicksort(a, 0, N - 1);
    u32 sum = 0;
    for (u32 i = 0; i < N; i++) {
        if (i && a[i - 1] > a[i]) return 0xbad;
        sum += a[i] * (i | 1);
    }
    return sum;
}
