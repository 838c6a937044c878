// LZ77-style compression and decompression of 2 MiB; the same as ../lz.c.
import { mix, Rng } from "./common";

const N = 2 << 20;
const HBITS = 14;
const src = new Uint8Array(N);
const packed = new Uint8Array(N + N / 64 + 16);
const out = new Uint8Array(N);
const head = new Uint32Array(1 << HBITS);
const WORDS: string[] = ["the ", "lowering ", "of ", "wasm ", "to ", "C ", "is ", "fast ",
  "and ", "exact, ", "every ", "trap ", "checked ", "memory ", "page ", "guard\n"];

function makeText(): void {
  const rng = new Rng(1);
  let i = 0;
  while (i < N) {
    const w = WORDS[rng.next() & 15];
    for (let k = 0; k < w.length && i < N; k++) src[i++] = <u8>w.charCodeAt(k);
    if ((rng.next() & 7) == 0 && i < N) src[i++] = <u8>(48 + (rng.s >> 8) % 10);
  }
}

@inline function load4(p: Uint8Array, i: i32): u32 {
  return <u32>p[i] | (<u32>p[i + 1] << 8) | (<u32>p[i + 2] << 16) | (<u32>p[i + 3] << 24);
}

let o = 0;

function flush(i: i32, lit: i32): void {
  while (lit > 0) {
    const run = lit > 128 ? 128 : lit;
    packed[o++] = <u8>(run - 1);
    for (let k = 0; k < run; k++) packed[o++] = src[i - lit + k];
    lit -= run;
  }
}

function compress(): i32 {
  head.fill(0xffffffff);
  let i = 0, lit = 0;
  o = 0;
  while (i + 4 <= N) {
    const h = (load4(src, i) * 2654435761) >> (32 - HBITS);
    const cand = head[h];
    head[h] = i;
    if (cand != 0xffffffff && <u32>i - cand < 65536 && load4(src, cand) == load4(src, i)) {
      let len = 4;
      while (len < 131 && i + len < N && src[cand + len] == src[i + len]) len++;
      flush(i, lit);
      lit = 0;
      const dist = i - cand;
      packed[o++] = <u8>(128 + len - 4);
      packed[o++] = <u8>dist;
      packed[o++] = <u8>(dist >> 8);
      i += len;
    } else {
      i++;
      lit++;
    }
  }
  lit += N - i;
  flush(N, lit);
  return o;
}

function decompress(n: i32): i32 {
  let i = 0, p = 0;
  while (i < n) {
    const c = <i32>packed[i++];
    if (c < 128) {
      for (let k = 0; k <= c; k++) out[p++] = packed[i++];
    } else {
      const len = c - 128 + 4;
      const dist = <i32>packed[i] | (<i32>packed[i + 1] << 8);
      i += 2;
      for (let k = 0; k < len; k++, p++) out[p] = out[p - dist];
    }
  }
  return p;
}

export function run(): u32 {
  makeText();
  let h: u32 = 2166136261;
  for (let round = 0; round < 8; round++) {
    const n = compress();
    if (decompress(n) != N) return 0xbad;
    for (let k = 0; k < N; k++) if (out[k] != src[k]) return 0xbad0;
    h = mix(h, n);
    src[round * 1000] ^= 0x20;
  }
  return h;
}
