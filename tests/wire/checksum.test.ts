// The Internet checksum against a plain reference (RFC 1071 read literally:
// 16-bit big-endian words, an odd byte padded with zero, carries folded),
// and its edge cases: odd lengths, odd starting offsets, carries, the UDP
// zero checksum sent as 0xffff.
import { beforeAll, describe, expect, test } from "vitest";
import { Wire, frames, hex, ip } from "./helpers.ts";

let w: Wire;
beforeAll(async () => { w = await Wire.start(); });

function reference(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) {
    sum += (b[i] << 8) | (i + 1 < b.length ? b[i + 1] : 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return ~sum & 0xffff;
}

/** Deterministic bytes (a linear congruential generator). */
function bytes(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  let x = seed >>> 0;
  for (let i = 0; i < len; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const sum = (b: Uint8Array, from = 0) => w.number("checksumFrom", b, from) & 0xffff;

describe("internet checksum", () => {
  test("the RFC 1071 §3 example", () => {
    // Words 0001 f203 f4f5 f6f7 sum to 0x2ddf0, folded 0xddf2.
    expect(sum(hex("0001 f203 f4f5 f6f7"))).toBe(~0xddf2 & 0xffff);
  });

  test("every length from 0 to 300, odd ones included, matches the reference", () => {
    for (let len = 0; len <= 300; len++) {
      const b = bytes(len, len + 1);
      expect(sum(b), `length ${len}`).toBe(reference(b));
    }
  });

  test("any starting offset (unaligned loads) gives the same result", () => {
    const b = bytes(200, 99);
    for (let from = 0; from < 16; from++) {
      expect(sum(b, from), `from ${from}`).toBe(reference(b.subarray(from)));
    }
  });

  test("carries: all-ones data, long buffers, words that overflow 16 bits", () => {
    expect(sum(new Uint8Array(2).fill(0xff))).toBe(0x0000);
    expect(sum(new Uint8Array(1).fill(0xff))).toBe(0x00ff);
    expect(sum(new Uint8Array(0))).toBe(0xffff);
    for (const len of [31, 32, 33, 4096, 65535, 65536]) {
      const ones = new Uint8Array(len).fill(0xff);
      expect(sum(ones), `${len} bytes of 0xff`).toBe(reference(ones));
      const b = bytes(len, len);
      expect(sum(b), `${len} bytes`).toBe(reference(b));
    }
    expect(sum(hex("ffff 0001"))).toBe(reference(hex("ffff 0001")));
    expect(sum(hex("8000 8000 8000 8000"))).toBe(reference(hex("8000 8000 8000 8000")));
  });

  test("sums of pieces add up when the first piece has an even length", () => {
    const b = bytes(101, 7);
    for (const at of [0, 2, 8, 12, 40, 100]) {
      expect(w.number("checksumSplit", b, at) & 0xffff, `split at ${at}`).toBe(reference(b));
    }
  });

  test("a header holding its correct checksum sums to 0", () => {
    const header = frames("ping")[2].subarray(14, 34);
    expect(sum(header)).toBe(0);
  });

  test("a UDP checksum that computes to 0 is sent as 0xffff (RFC 768)", () => {
    // A real datagram from Linux whose payload makes the checksum 0.
    const f = frames("udp-checksum-ffff")[2];
    const datagram = f.subarray(34, 44);
    expect(Array.from(datagram.subarray(6, 8))).toEqual([0xff, 0xff]);
    const A = ip("10.99.1.2");
    const R = ip("10.99.1.1");
    expect(w.text("udpView", datagram, A, R)).toBe("src=40002 dst=7001 len=10 csum=0xffff ok=1 payload=2");
    expect(w.bytes("udpEmit", datagram.subarray(8), 40002, 7001, A, R)).toEqual(datagram);
    expect(w.bytes("udpConstruct", datagram.subarray(8), 40002, 7001, A, R)).toEqual(datagram);
    expect(w.text("udpParse", datagram, A, R, 1)).toBe("UDP src=40002 dst=7001 len=2");
  });
});
