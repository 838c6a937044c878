// What every AssemblyScript kernel shares; the same as ../kernel.h.

/** xorshift32 state and step. */
export class Rng {
  constructor(public s: u32) {}
  @inline next(): u32 {
    let x = this.s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    this.s = x;
    return x;
  }
}

/** FNV-1a over the four bytes of a word, for checksums. */
export function mix(h: u32, v: u32): u32 {
  for (let i = 0; i < 4; i++) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 16777619;
  }
  return h;
}

export function mixF64(h: u32, d: f64): u32 {
  const b = reinterpret<u64>(d);
  return mix(mix(h, <u32>b), <u32>(b >> 32));
}
