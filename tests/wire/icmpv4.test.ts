// ICMPv4: echo, destination unreachable and time exceeded from real traffic.
import { beforeAll, describe, expect, test } from "vitest";
import { Wire, frames, hex } from "./helpers.ts";

let w: Wire;
beforeAll(async () => { w = await Wire.start(); });

const icmp = (f: Uint8Array) => f.subarray(34); // Ethernet + a 20-byte IPv4 header
const ping = frames("ping").map(icmp);
const unreachable = icmp(frames("port-unreachable")[3]);
const exceeded = icmp(frames("time-exceeded")[3]);
const firstFragment = icmp(frames("fragmented-ping")[2]);

describe("icmpv4 view", () => {
  test("deconstruct echo request and reply", () => {
    expect(w.text("icmpView", ping[2])).toBe("type=8 code=0 csum=0x5c2d ok=1 ident=7662 seq=1 data=56");
    expect(w.text("icmpView", ping[5])).toBe("type=0 code=0 csum=0x9615 ok=1 ident=7662 seq=2 data=56");
  });

  test("deconstruct errors", () => {
    expect(w.text("icmpView", unreachable)).toBe("type=3 code=3 csum=0x13e6 ok=1 ident=0 seq=0 data=35");
    expect(w.text("icmpView", exceeded)).toBe("type=11 code=0 csum=0xf4ff ok=1 ident=0 seq=0 data=84");
  });

  test("the checksum of a first fragment covers data that is not there yet", () => {
    expect(w.text("icmpView", firstFragment)).toBe("type=8 code=0 csum=0x77a9 ok=0 ident=7825 seq=1 data=1472");
  });

  test("construct", () => {
    expect(w.bytes("icmpConstruct", ping[2].subarray(8), 8, 0, 7662, 1)).toEqual(ping[2]);
    expect(w.bytes("icmpConstruct", unreachable.subarray(8), 3, 3, 0, 0)).toEqual(unreachable);
  });
});

describe("icmpv4 representation", () => {
  test("parse echo, and errors with the datagram they quote", () => {
    expect(w.text("icmpParse", ping[3], 1)).toBe("ICMP echo reply id=7662 seq=1 data=56");
    expect(w.text("icmpParse", unreachable, 1)).toBe(
      "ICMP destination unreachable code=3 data=35 quoting 10.99.1.2 > 10.99.1.1 proto=17");
    expect(w.text("icmpParse", exceeded, 1)).toBe(
      "ICMP time exceeded code=0 data=84 quoting 10.99.1.2 > 10.99.2.2 proto=1");
  });

  test("emit writes header, data and checksum: exactly bufferLen() bytes", () => {
    expect(w.bytes("icmpEmit", ping[3].subarray(8), 0, 0, 7662, 1, 0)).toEqual(ping[3]);
    expect(w.bytes("icmpEmit", ping[4].subarray(8), 8, 0, 7662, 2, 0)).toEqual(ping[4]);
    expect(w.bytes("icmpEmit", exceeded.subarray(8), 11, 0, 0, 0, 0)).toEqual(exceeded);
    expect(w.bytes("icmpEmit", unreachable.subarray(8), 3, 3, 0, 0, 0)).toEqual(unreachable);
  });

  test("emit with the data already in place (an echo reply built in the request's buffer)", () => {
    expect(w.bytes("icmpEmitInPlace", ping[3].subarray(8), 7662, 1)).toEqual(ping[3]);
  });

  test("fragmentation needed carries the next-hop MTU (RFC 1191)", () => {
    const quoted = unreachable.subarray(8);
    const msg = w.bytes("icmpEmit", quoted, 3, 4, 0, 0, 1400);
    expect(Array.from(msg.subarray(4, 8))).toEqual([0, 0, 0x05, 0x78]);
    expect(w.text("icmpParse", msg, 1)).toBe(
      "ICMP destination unreachable code=4 mtu=1400 data=35 quoting 10.99.1.2 > 10.99.1.1 proto=17");
  });
});

describe("icmpv4 malformed input", () => {
  const withByte = (p: Uint8Array, at: number, v: number) => { const c = p.slice(); c[at] = v; return c; };

  test("short messages and bad checksums", () => {
    for (let n = 0; n < 8; n++) expect(w.text("icmpParse", ping[2].subarray(0, n), 1)).toBe("error: truncated");
    expect(w.text("icmpParse", withByte(ping[2], 20, ping[2][20] ^ 0xff), 1)).toBe("error: bad checksum");
    expect(w.text("icmpParse", ping[2].subarray(0, 60), 1)).toBe("error: bad checksum");
  });

  test("codes out of range, unknown types, errors that quote no IPv4 header", () => {
    expect(w.text("icmpParse", withByte(ping[2], 1, 1), 0)).toBe("error: malformed"); // echo code 1
    expect(w.text("icmpParse", withByte(unreachable, 1, 16), 0)).toBe("error: malformed");
    expect(w.text("icmpParse", withByte(exceeded, 1, 2), 0)).toBe("error: malformed");
    expect(w.text("icmpParse", withByte(ping[2], 0, 13), 0)).toBe("error: unsupported"); // timestamp
    expect(w.text("icmpParse", unreachable.subarray(0, 8 + 19), 0)).toBe("error: malformed");
    expect(w.text("icmpParse", withByte(unreachable, 8, 0x65), 0)).toBe("error: malformed"); // IPv6?
    expect(w.text("icmpParse", withByte(unreachable, 8, 0x4f), 0)).toBe("error: malformed"); // IHL 60 > 35
    expect(w.text("icmpParse", hex("0b00 f4ff 0000 0000"), 0)).toBe("error: malformed"); // no quote at all
  });
});
