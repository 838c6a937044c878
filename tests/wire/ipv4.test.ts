// IPv4: view and representation against real packets, fragments and options
// included; every malformed length is refused, never trapped on.
import { beforeAll, describe, expect, test } from "vitest";
import { Wire, frames, ip } from "./helpers.ts";

let w: Wire;
beforeAll(async () => { w = await Wire.start(); });

const packet = (f: Uint8Array) => f.subarray(14);
const ping = frames("ping").map(packet);
const frags = frames("fragmented-ping").map(packet);
const rr = frames("record-route").map(packet);
const exceeded = frames("time-exceeded").map(packet);
const A = ip("10.99.1.2");
const R = ip("10.99.1.1");

describe("ipv4 view", () => {
  test("deconstruct an echo request and its reply", () => {
    expect(w.text("ipv4View", ping[2])).toBe(
      "v=4 hl=20 dscp=0 ecn=0 len=84 id=44268 df=1 mf=0 off=0 ttl=64 proto=1 csum=0x76f4 ok=1 " +
      "src=10.99.1.2 dst=10.99.1.1 options=0 payload=64");
    expect(w.text("ipv4View", ping[3])).toBe(
      "v=4 hl=20 dscp=0 ecn=0 len=84 id=46250 df=0 mf=0 off=0 ttl=64 proto=1 csum=0xaf36 ok=1 " +
      "src=10.99.1.1 dst=10.99.1.2 options=0 payload=64");
  });

  test("deconstruct the three fragments of a 3008-byte echo request", () => {
    const views = frags.slice(2, 5).map((f) => w.text("ipv4View", f));
    expect(views).toEqual([
      "v=4 hl=20 dscp=0 ecn=0 len=1500 id=44531 df=0 mf=1 off=0 ttl=64 proto=1 csum=0x9065 ok=1 src=10.99.1.2 dst=10.99.1.1 options=0 payload=1480",
      "v=4 hl=20 dscp=0 ecn=0 len=1500 id=44531 df=0 mf=1 off=1480 ttl=64 proto=1 csum=0x8fac ok=1 src=10.99.1.2 dst=10.99.1.1 options=0 payload=1480",
      "v=4 hl=20 dscp=0 ecn=0 len=68 id=44531 df=0 mf=0 off=2960 ttl=64 proto=1 csum=0xb48b ok=1 src=10.99.1.2 dst=10.99.1.1 options=0 payload=48",
    ]);
  });

  test("options are measured and skipped: the payload starts after them", () => {
    expect(w.text("ipv4View", rr[2])).toBe(
      "v=4 hl=60 dscp=0 ecn=0 len=124 id=3044 df=1 mf=0 off=0 ttl=64 proto=1 csum=0xd95f ok=1 " +
      "src=10.99.1.2 dst=10.99.2.2 options=40 payload=64");
    // The payload is the ICMP echo request (type 8) right after the options.
    expect(w.text("icmpView", rr[2].subarray(60))).toMatch(/^type=8 code=0 .* ok=1 ident=7955 seq=1 data=56$/);
  });

  test("construct packets, fragments included, byte for byte", () => {
    const built = w.bytes("ipv4Construct", ping[2].subarray(20), 0, 44268, 1, 0, 0, 64, 1, A, R);
    expect(built).toEqual(ping[2]);
    expect(w.bytes("ipv4Construct", frags[3].subarray(20), 0, 44531, 0, 1, 1480, 64, 1, A, R)).toEqual(frags[3]);
    expect(w.bytes("ipv4Construct", frags[4].subarray(20), 0, 44531, 0, 0, 2960, 64, 1, A, R)).toEqual(frags[4]);
    // tos 0xc0 (DSCP 48, CS6) from the router's error message.
    expect(w.bytes("ipv4Construct", exceeded[3].subarray(20), 48, 48364, 0, 0, 0, 64, 1, R, A)).toEqual(exceeded[3]);
  });
});

describe("ipv4 representation", () => {
  test("parse", () => {
    expect(w.text("ipv4Parse", ping[2], 1)).toBe("IPv4 src=10.99.1.2 dst=10.99.1.1 proto=1 len=64 ttl=64 id=44268 DF");
    expect(w.text("ipv4Parse", frags[3], 1)).toBe("IPv4 src=10.99.1.2 dst=10.99.1.1 proto=1 len=1480 ttl=64 id=44531 MF off=1480");
    expect(w.text("ipv4Parse", exceeded[3], 1)).toBe("IPv4 src=10.99.1.1 dst=10.99.1.2 proto=1 len=92 ttl=64 id=48364 dscp=48 ecn=0");
    expect(w.text("ipv4Parse", rr[3], 1)).toBe("IPv4 src=10.99.2.2 dst=10.99.1.2 proto=1 len=64 ttl=63 id=5248");
  });

  test("emit writes the 20-byte header exactly", () => {
    expect(w.bytes("ipv4Emit", ping[3].subarray(20), 0, 46250, 0, 0, 0, 64, 1, R, A)).toEqual(ping[3]);
    expect(w.bytes("ipv4Emit", frags[2].subarray(20), 0, 44531, 0, 1, 0, 64, 1, A, R)).toEqual(frags[2]);
    expect(w.bytes("ipv4Emit", exceeded[3].subarray(20), 48, 48364, 0, 0, 0, 64, 1, R, A)).toEqual(exceeded[3]);
  });

  test("Ethernet padding after the total length is not payload", () => {
    const padded = new Uint8Array(ping[2].length + 6);
    padded.set(ping[2]);
    expect(w.text("ipv4View", padded)).toMatch(/ len=84 .* payload=64$/);
    expect(w.text("ipv4Parse", padded, 1)).toMatch(/ len=64 /);
  });

  test("a wrong header checksum is refused, unless checking is off", () => {
    const bad = ping[2].slice();
    bad[11] ^= 1;
    expect(w.text("ipv4Parse", bad, 1)).toBe("error: bad checksum");
    expect(w.text("ipv4Parse", bad, 0)).toMatch(/^IPv4 src=10.99.1.2/);
  });
});

describe("ipv4 malformed input", () => {
  const withByte = (p: Uint8Array, at: number, v: number) => { const c = p.slice(); c[at] = v; return c; };
  const withLength = (p: Uint8Array, len: number) => { const c = p.slice(); c[2] = len >> 8; c[3] = len & 0xff; return c; };

  test("every truncation of a real packet is an error", () => {
    for (let n = 0; n < ping[2].length; n++) {
      expect(w.text("ipv4Parse", ping[2].subarray(0, n), 0), `${n} bytes`).toBe("error: truncated");
    }
    for (let n = 20; n < 60; n++) {
      expect(w.text("ipv4Parse", rr[2].subarray(0, n), 0), `${n} bytes of an options packet`).toBe("error: truncated");
    }
  });

  test("header length, total length and version are checked", () => {
    expect(w.text("ipv4Parse", withByte(ping[2], 0, 0x44), 0)).toBe("error: bad header length"); // IHL 4
    expect(w.text("ipv4Parse", withByte(ping[2], 0, 0x40), 0)).toBe("error: bad header length"); // IHL 0
    expect(w.text("ipv4Parse", withByte(ping[2].subarray(0, 40), 0, 0x4f), 0)).toBe("error: truncated"); // 60 > 40
    expect(w.text("ipv4Parse", withLength(ping[2], 19), 0)).toBe("error: bad length");
    expect(w.text("ipv4Parse", withLength(rr[2], 40), 0)).toBe("error: bad length"); // shorter than its options
    expect(w.text("ipv4Parse", withLength(ping[2], 85), 0)).toBe("error: truncated");
    expect(w.text("ipv4Parse", withByte(ping[2], 0, 0x65), 0)).toBe("error: bad version");
  });

  test("a fragment reaching past 65535 bytes is refused", () => {
    const last = frags[4].slice();
    last[6] = 0x1f; last[7] = 0xff; // offset 65528, 48 bytes of data
    expect(w.text("ipv4Parse", last, 0)).toBe("error: bad length");
  });
});
