// Quicksort of 1M random u32; the same as ../quicksort.c.
import { Rng } from "./common";

const N = 1 << 20;
const a = new Uint32Array(N);

function insertion(p: Uint32Array, lo: i32, hi: i32): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = p[i];
    let j = i - 1;
    while (j >= lo && p[j] > v) {
      p[j + 1] = p[j];
      j--;
    }
    p[j + 1] = v;
  }
}

@inline function swap(p: Uint32Array, i: i32, j: i32): void {
  const t = p[i];
  p[i] = p[j];
  p[j] = t;
}

function quicksort(p: Uint32Array, lo: i32, hi: i32): void {
  while (hi - lo >= 16) {
    const mid = lo + (hi - lo) / 2;
    if (p[mid] < p[lo]) swap(p, mid, lo);
    if (p[hi] < p[lo]) swap(p, hi, lo);
    if (p[hi] < p[mid]) swap(p, hi, mid);
    const pivot = p[mid];
    let i = lo, j = hi;
    while (i <= j) {
      while (p[i] < pivot) i++;
      while (p[j] > pivot) j--;
      if (i <= j) {
        swap(p, i, j);
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quicksort(p, lo, j);
      lo = i;
    } else {
      quicksort(p, i, hi);
      hi = j;
    }
  }
  insertion(p, lo, hi);
}

export function run(): u32 {
  const rng = new Rng(7);
  for (let i = 0; i < N; i++) a[i] = rng.next();
  quicksort(a, 0, N - 1);
  let sum: u32 = 0;
  for (let i = 0; i < N; i++) {
    if (i && a[i - 1] > a[i]) return 0xbad;
    sum += a[i] * (<u32>i | 1);
  }
  return sum;
}
