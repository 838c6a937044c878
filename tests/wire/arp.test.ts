// ARP: view and representation against real arping and kernel ARP frames.
import { beforeAll, describe, expect, test } from "vitest";
import { Wire, frames, ip, mac } from "./helpers.ts";

let w: Wire;
beforeAll(async () => { w = await Wire.start(); });

// arping asks with target MAC ff:…; the kernel asks with 00:… .
const arping = frames("arping").map((f) => f.subarray(14));
const kernel = frames("ping").map((f) => f.subarray(14, 42));
const A = "02:00:00:00:01:02";
const R = "02:00:00:00:01:01";

describe("arp view", () => {
  test("deconstruct request and reply", () => {
    expect(w.text("arpView", arping[0])).toBe(
      `htype=1 ptype=0x0800 hlen=6 plen=4 op=1 sha=${A} spa=10.99.1.2 tha=ff:ff:ff:ff:ff:ff tpa=10.99.1.1`);
    expect(w.text("arpView", arping[1])).toBe(
      `htype=1 ptype=0x0800 hlen=6 plen=4 op=2 sha=${R} spa=10.99.1.1 tha=${A} tpa=10.99.1.2`);
    expect(w.text("arpView", kernel[0])).toBe(
      `htype=1 ptype=0x0800 hlen=6 plen=4 op=1 sha=${A} spa=10.99.1.2 tha=00:00:00:00:00:00 tpa=10.99.1.1`);
  });

  test("construct", () => {
    expect(w.bytes("arpConstruct", new Uint8Array(0), 1, mac(A), ip("10.99.1.2"), mac("ff:ff:ff:ff:ff:ff"), ip("10.99.1.1")))
      .toEqual(arping[0]);
    expect(w.bytes("arpConstruct", new Uint8Array(0), 2, mac(R), ip("10.99.1.1"), mac(A), ip("10.99.1.2")))
      .toEqual(arping[1]);
  });
});

describe("arp representation", () => {
  test("parse", () => {
    expect(w.text("arpParse", kernel[0])).toBe(`ARP request sender=${A}/10.99.1.2 target=00:00:00:00:00:00/10.99.1.1`);
    expect(w.text("arpParse", kernel[1])).toBe(`ARP reply sender=${R}/10.99.1.1 target=${A}/10.99.1.2`);
  });

  test("emit writes all 28 bytes", () => {
    expect(w.bytes("arpEmit", new Uint8Array(0), 1, mac(A), ip("10.99.1.2"), 0n, ip("10.99.1.1"))).toEqual(kernel[0]);
    expect(w.bytes("arpEmit", new Uint8Array(0), 2, mac(R), ip("10.99.1.1"), mac(A), ip("10.99.1.2"))).toEqual(kernel[1]);
  });

  test("short, foreign or unknown-operation packets are refused", () => {
    expect(w.text("arpParse", kernel[0].subarray(0, 27))).toBe("error: truncated");
    expect(w.text("arpParse", kernel[0].subarray(0, 5))).toBe("error: truncated");
    const cases: [number, number, string][] = [
      [1, 0x06, "error: unsupported"], // hardware type 6 (IEEE 802)
      [3, 0xdd, "error: unsupported"], // protocol type 0x86dd
      [4, 8, "error: unsupported"], // hardware length 8
      [5, 16, "error: unsupported"], // protocol length 16
      [7, 3, "error: unsupported"], // operation 3 (RARP request)
    ];
    for (const [at, value, expected] of cases) {
      const p = kernel[0].slice();
      p[at] = value;
      expect(w.text("arpParse", p), `byte ${at} = ${value}`).toBe(expected);
    }
  });
});
