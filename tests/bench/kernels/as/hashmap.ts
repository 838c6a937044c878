// Open-addressing u32 -> u32 map; the same as ../hashmap.c.
import { mix, Rng } from "./common";

const SLOTS: u32 = 1 << 21;
const MASK: u32 = SLOTS - 1;
const keys = new Uint32Array(SLOTS);
const vals = new Uint32Array(SLOTS);

@inline function hash(k: u32): u32 {
  k ^= k >> 16; k *= 0x7feb352d; k ^= k >> 15; k *= 0x846ca68b; k ^= k >> 16;
  return k & MASK;
}

function put(k: u32, v: u32): void {
  let i = hash(k);
  while (keys[i] != 0 && keys[i] != k) i = (i + 1) & MASK;
  keys[i] = k;
  vals[i] = v;
}

let found: u32 = 0;

/** The value, or 0 with `found` unchanged when the key is absent. */
function get(k: u32): u32 {
  for (let i = hash(k); keys[i] != 0; i = (i + 1) & MASK) {
    if (keys[i] == k) {
      found++;
      return vals[i];
    }
  }
  return 0;
}

function del(k: u32): void {
  let i = hash(k);
  while (keys[i] != k) {
    if (keys[i] == 0) return;
    i = (i + 1) & MASK;
  }
  let j = i;
  for (;;) {
    keys[i] = 0;
    for (;;) {
      j = (j + 1) & MASK;
      if (keys[j] == 0) return;
      const h = hash(keys[j]);
      if (i <= j ? h <= i || h > j : h <= i && h > j) break;
    }
    keys[i] = keys[j];
    vals[i] = vals[j];
    i = j;
  }
}

export function run(): u32 {
  keys.fill(0);
  const s = new Rng(99);
  for (let i: u32 = 0; i < 1 << 20; i++) put((s.next() & 0x3fffff) | 1, i);
  const d = new Rng(5);
  for (let i = 0; i < 1 << 18; i++) del((d.next() & 0x3fffff) | 1);
  const q = new Rng(99);
  let h: u32 = 2166136261;
  found = 0;
  for (let i: u32 = 0; i < 1 << 22; i++) {
    const k = q.next() & 0x3fffff;
    const before = found;
    const v = get(k | (i & 1));
    if (found != before) h = mix(h, v);
  }
  return mix(h, found);
}
