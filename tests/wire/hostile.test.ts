// Hostile input: whatever the bytes, parsing every layer returns a result or
// an error and never traps (the harness reports a trap as exit status 255,
// which Wire turns into a failure).
import { beforeAll, describe, expect, test } from "vitest";
import { Wire, frames } from "./helpers.ts";

let w: Wire;
beforeAll(async () => { w = await Wire.start(); });

const CAPTURES = ["ping", "arping", "udp", "fragmented-ping", "port-unreachable", "time-exceeded", "record-route", "udp-checksum-ffff"];
const all = CAPTURES.flatMap((name) => frames(name));

/** Deterministic pseudo-random numbers (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

describe("hostile input", () => {
  test("every captured frame dissects without error", () => {
    const results = all.map((f) => w.text("dissect", f));
    expect(results.filter((r) => r.includes("error"))).toEqual([]);
    expect(results).toContain("ICMP echo request id=7662 seq=1 data=56");
    expect(results).toContain("UDP src=40000 dst=7000 len=15");
    // The second and third fragments stop at IPv4.
    expect(results.filter((r) => r.startsWith("IPv4 ") && r.includes(" off="))).toHaveLength(4);
  });

  test("every truncation of every captured frame is an error, not a trap", () => {
    for (const f of all) {
      for (let n = 0; n < f.length; n++) {
        const r = w.text("dissect", f.subarray(0, n));
        // Cut inside a header or before the IPv4 total length: an error.
        if (n < 42) expect(r, `${n} of ${f.length} bytes`).toMatch(/error: truncated/);
        else expect(r, `${n} of ${f.length} bytes`).toMatch(/error/);
      }
    }
  });

  test("random bytes, random lengths", () => {
    const next = rng(12345);
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(next() % 128);
      for (let j = 0; j < b.length; j++) b[j] = next() & 0xff;
      expect(typeof w.text("dissect", b)).toBe("string");
    }
  });

  test("random bytes behind valid Ethernet and IPv4 headers reach every parser", () => {
    const next = rng(777);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const base = all[next() % all.length];
      const f = base.slice();
      // Flip one to four bytes anywhere after the Ethernet addresses.
      for (let k = 1 + (next() % 4); k > 0; k--) f[12 + (next() % (f.length - 12))] = next() & 0xff;
      const r = w.text("dissect", f.subarray(0, f.length - (next() % 3 === 0 ? next() % f.length : 0)));
      seen.add(r.replace(/ .*/, "").replace(/^(\w+) error.*/, "$1 error"));
    }
    // The mutations exercised the error paths of each layer, and some passed.
    for (const kind of ["ethernet", "arp", "ipv4", "icmp", "udp"]) {
      expect([...seen].some((s) => s.startsWith(kind)), kind).toBe(true);
    }
  });
});
