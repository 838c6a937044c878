// UDP: view and representation from real datagrams; the pseudo-header is
// part of the checksum.
import { beforeAll, describe, expect, test } from "vitest";
import { Wire, frames, ip } from "./helpers.ts";

let w: Wire;
beforeAll(async () => { w = await Wire.start(); });

const udp = (f: Uint8Array) => f.subarray(34, 14 + ((f[16] << 8) | f[17]));
const [, , hello, echoed] = frames("udp").map((f, i) => (i < 2 ? f : udp(f)));
const anyone = udp(frames("port-unreachable")[2]);
const A = ip("10.99.1.2");
const R = ip("10.99.1.1");
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("udp view", () => {
  test("deconstruct a datagram and its echo", () => {
    expect(w.text("udpView", hello, A, R)).toBe("src=40000 dst=7000 len=23 csum=0x7dbe ok=1 payload=15");
    expect(w.text("udpView", echoed, R, A)).toBe("src=7000 dst=40000 len=23 csum=0x7dbe ok=1 payload=15");
    expect(w.text("udpView", anyone, A, R)).toBe("src=40001 dst=9 len=15 csum=0xc479 ok=1 payload=7");
  });

  test("the checksum covers the addresses (pseudo-header)", () => {
    expect(w.text("udpView", hello, A, ip("10.99.1.3"))).toMatch(/ ok=0 /);
  });

  test("construct", () => {
    expect(w.bytes("udpConstruct", hello.subarray(8), 40000, 7000, A, R)).toEqual(hello);
    expect(w.bytes("udpConstruct", anyone.subarray(8), 40001, 9, A, R)).toEqual(anyone);
  });
});

describe("udp representation", () => {
  test("parse: ports, and the payload as a view", () => {
    expect(w.text("udpParse", hello, A, R, 1)).toBe("UDP src=40000 dst=7000 len=15");
    expect(text(w.h.output())).toBe("hello, morgana\n");
  });

  test("emit writes header, payload and checksum: exactly bufferLen() bytes", () => {
    expect(w.bytes("udpEmit", echoed.subarray(8), 7000, 40000, R, A)).toEqual(echoed);
    expect(w.bytes("udpEmit", anyone.subarray(8), 40001, 9, A, R)).toEqual(anyone);
  });

  test("bytes after the length field are not payload", () => {
    const longer = new Uint8Array(hello.length + 5);
    longer.set(hello);
    expect(w.text("udpParse", longer, A, R, 1)).toBe("UDP src=40000 dst=7000 len=15");
  });

  test("a checksum of 0 means none (RFC 768); a wrong one is refused", () => {
    const none = hello.slice();
    none[6] = 0; none[7] = 0;
    expect(w.text("udpParse", none, A, R, 1)).toBe("UDP src=40000 dst=7000 len=15");
    const wrong = hello.slice();
    wrong[7] ^= 0x10;
    expect(w.text("udpParse", wrong, A, R, 1)).toBe("error: bad checksum");
    expect(w.text("udpParse", wrong, A, R, 0)).toBe("UDP src=40000 dst=7000 len=15");
  });
});

describe("udp malformed input", () => {
  const withLength = (p: Uint8Array, len: number) => { const c = p.slice(); c[4] = len >> 8; c[5] = len & 0xff; return c; };

  test("lengths: short buffer, length under 8, length beyond the buffer", () => {
    for (let n = 0; n < 8; n++) expect(w.text("udpParse", hello.subarray(0, n), A, R, 1)).toBe("error: truncated");
    for (let n = 8; n < hello.length; n++) {
      expect(w.text("udpParse", hello.subarray(0, n), A, R, 1), `${n} bytes`).toBe("error: truncated");
    }
    expect(w.text("udpParse", withLength(hello, 7), A, R, 0)).toBe("error: bad length");
    expect(w.text("udpParse", withLength(hello, 0), A, R, 0)).toBe("error: bad length");
    expect(w.text("udpParse", withLength(hello, 24), A, R, 0)).toBe("error: truncated");
    expect(w.text("udpParse", withLength(hello, 0xffff), A, R, 0)).toBe("error: truncated");
  });

  test("destination port 0 is refused", () => {
    const zero = hello.slice();
    zero[2] = 0; zero[3] = 0;
    expect(w.text("udpParse", zero, A, R, 0)).toBe("error: malformed");
  });
});
