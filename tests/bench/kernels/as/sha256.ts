// SHA-256 of a 4 MiB buffer, eight times; the same as ../sha256.c.
import { mix, Rng } from "./common";

const BUF = 4 << 20;
const buf = new Uint8Array(BUF);
const w = new Uint32Array(64);
const h = new Uint32Array(8);
const tail = new Uint8Array(128);

const K: u32[] = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const INIT: u32[] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

function block(p: Uint8Array, off: i32): void {
  for (let i = 0; i < 16; i++) {
    const j = off + 4 * i;
    w[i] = (<u32>p[j] << 24) | (<u32>p[j + 1] << 16) | (<u32>p[j + 2] << 8) | <u32>p[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15], b = w[i - 2];
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >> 3);
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (let i = 0; i < 64; i++) {
    const t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

function sha256(p: Uint8Array, n: i32): void {
  for (let i = 0; i < 8; i++) h[i] = INIT[i];
  let off = 0;
  for (; off + 64 <= n; off += 64) block(p, off);
  const rest = n - off;
  const len = rest + 9 <= 64 ? 64 : 128;
  for (let i = 0; i < len; i++) tail[i] = i < rest ? p[off + i] : 0;
  tail[rest] = 0x80;
  const bits = <u64>n * 8;
  for (let i = 0; i < 8; i++) tail[len - 1 - i] = <u8>(bits >> (8 * i));
  block(tail, 0);
  if (len == 128) block(tail, 64);
}

export function run(): u32 {
  const abc = new Uint8Array(3);
  abc[0] = 0x61; abc[1] = 0x62; abc[2] = 0x63;
  sha256(abc, 3);
  if (h[0] != 0xba7816bf || h[7] != 0xf20015ad) return 0xbad;
  const rng = new Rng(0x12345678);
  for (let i = 0; i < BUF; i += 4) {
    const v = rng.next();
    buf[i] = <u8>v; buf[i + 1] = <u8>(v >> 8); buf[i + 2] = <u8>(v >> 16); buf[i + 3] = <u8>(v >> 24);
  }
  for (let round = 0; round < 8; round++) {
    sha256(buf, BUF - round);
    for (let i = 0; i < 8; i++) {
      const v = h[i];
      buf[4 * i] = <u8>v; buf[4 * i + 1] = <u8>(v >> 8); buf[4 * i + 2] = <u8>(v >> 16); buf[4 * i + 3] = <u8>(v >> 24);
    }
  }
  let c: u32 = 2166136261;
  for (let i = 0; i < 8; i++) c = mix(c, h[i]);
  return c;
}
