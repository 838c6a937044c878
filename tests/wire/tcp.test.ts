// TCP segments (libos/wire/tcp.ts) against a real connection captured from
// Linux (fixtures/tcp.pcap, capture-tcp.sh): the view's fields, parse and
// emit back to the same bytes (our option layout is Linux's), checksums,
// SACK blocks, and hostile bytes that must give errors, never traps.
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { frames, ip } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await Harness.start("tests/wire/as/tcp.ts");
});

const A = ip("10.99.1.2");
const R = ip("10.99.1.1");
/** The TCP segment inside a captured frame (Ethernet 14, IPv4 20). */
const segment = (f: Uint8Array) => f.slice(34, 14 + ((f[16] << 8) | f[17]));
const tcp = frames("tcp").map(segment);
const [syn, synAck, ack, data, , fin] = tcp;

/** A function returning text. */
function call(fn: string, input: Uint8Array, ...args: unknown[]): string {
  h.input(input);
  const r = h.call(fn, ...args);
  expect(h.exitStatus, h.console).toBeNull();
  return h.string(r)!;
}

describe("the view", () => {
  test("the SYN's fields (tcpdump: seq 3033451428, win 64240, 20 option bytes)", () => {
    expect(call("tcpView", syn)).toBe("src=40000 dst=8080 seq=3033451428 ack=0 hl=40 flags=0x2 win=64240 urg=0 options=20 payload=0");
  });

  test("a data segment's payload", () => {
    expect(call("tcpView", data)).toBe("src=40000 dst=8080 seq=3033451429 ack=459457208 hl=32 flags=0x18 win=63 urg=0 options=12 payload=11");
  });
});

describe("parse", () => {
  test("every option Linux sends in a SYN", () => {
    expect(call("tcpParse", syn, A, R, true)).toBe("TCP 40000 > 8080 [S] seq 3033451428 win 64240 len 0 mss 1460 wscale 10 sackOK TS 3998264927:0");
    expect(call("tcpParse", synAck, R, A, true)).toBe("TCP 8080 > 40000 [S.] seq 459457207 ack 3033451429 win 65160 len 0 mss 1460 wscale 10 sackOK TS 519672303:3998264927");
  });

  test("every segment of the connection has a correct checksum", () => {
    frames("tcp").forEach((f, i) => {
      const fromA = f[26] === 10 && f[29] === 2;
      expect(call("tcpParse", segment(f), fromA ? A : R, fromA ? R : A, true), `frame ${i}`).toMatch(/^TCP /);
    });
  });

  test("one flipped bit, or another address, fails the checksum", () => {
    const bad = Uint8Array.from(data);
    bad[bad.length - 1] ^= 0x10;
    expect(call("tcpParse", bad, A, R, true)).toBe("error: bad checksum");
    // (Swapping the two addresses would not: the pseudo-header sums them.)
    expect(call("tcpParse", data, A + 1, R, true)).toBe("error: bad checksum");
    expect(call("tcpParse", bad, A, R, false)).toMatch(/^TCP /);
  });
});

describe("emit", () => {
  test("parse then emit gives back Linux's bytes exactly, and not a byte more", () => {
    for (const [seg, src, dst] of [[syn, A, R], [synAck, R, A], [ack, A, R], [data, A, R], [fin, A, R]] as const) {
      h.input(seg);
      const n = h.call("tcpRoundTrip", src, dst) as number;
      const out = h.output();
      expect(n).toBe(seg.length);
      expect(out.subarray(0, n)).toEqual(seg);
      expect(out[n]).toBe(0xa5);
    }
  });

  test("SACK blocks after the timestamps, each block 8 bytes (RFC 2018 §3)", () => {
    h.input(Buffer.from("xy"));
    h.call("tcpBuild", A, R, 2, 1000, 2000, 3000, 4000);
    const out = h.output();
    // 20 + NOP NOP TS (12) + NOP NOP SACK(2 + 16) = 52, then the payload.
    expect(out[12] >> 4).toBe(13);
    expect(Array.from(out.subarray(32, 36))).toEqual([1, 1, 5, 18]);
    expect(call("tcpParse", out, A, R, true)).toBe("TCP 80 > 40000 [.] seq 1 ack 2 win 512 len 2 TS 7:9 sack 2 [1000,2000) [3000,4000)");
  });
});

describe("hostile bytes", () => {
  const withOptions = (opts: number[]) => {
    const hl = 20 + opts.length;
    const s = new Uint8Array(hl);
    s.set(syn.subarray(0, 20));
    s[12] = (hl / 4) << 4;
    s.set(opts, 20);
    return s;
  };

  test("truncated and impossible header lengths", () => {
    expect(call("tcpParse", syn.subarray(0, 19), A, R, false)).toBe("error: truncated");
    expect(call("tcpParse", syn.subarray(0, 39), A, R, false)).toBe("error: truncated");
    const low = Uint8Array.from(syn);
    low[12] = 4 << 4;
    expect(call("tcpParse", low, A, R, false)).toBe("error: bad header length");
  });

  test("an illegal option length costs the option, not the segment (RFC 9293 §3.1; as Linux's tcp_parse_options)", () => {
    const base = "TCP 40000 > 8080 [S] seq 3033451428 win 64240 len 0";
    // A known kind with the wrong length is skipped by its length; a
    // length under 2 or past the header ends the list.
    for (const opts of [[2, 0, 0, 0], [2, 1, 0, 0], [2, 8, 0, 0], [2, 3, 5, 0], [3, 4, 0, 0], [8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [5, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 2]]) {
      expect(call("tcpParse", withOptions(opts), A, R, false), JSON.stringify(opts)).toBe(`${base} (options ignored)`);
    }
    // What precedes or follows a bad option is still read.
    expect(call("tcpParse", withOptions([3, 4, 0, 0, 2, 4, 5, 0xb4]), A, R, false)).toBe(`${base} mss 1460 (options ignored)`);
    expect(call("tcpParse", withOptions([2, 4, 5, 0xb4, 8, 0, 0, 0]), A, R, false)).toBe(`${base} mss 1460 (options ignored)`);
    // Unknown kinds are skipped by their length; END stops the list.
    expect(call("tcpParse", withOptions([30, 4, 9, 9, 0, 77, 77, 77]), A, R, false)).toBe(base);
  });

  test("random mutations of real segments never trap", () => {
    let x = 12345;
    const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8);
    for (let i = 0; i < 2000; i++) {
      const base = tcp[rnd() % tcp.length];
      const m = Uint8Array.from(base.subarray(0, rnd() % (base.length + 1)));
      for (let k = rnd() % 6; k > 0 && m.length > 0; k--) m[rnd() % m.length] = rnd() & 0xff;
      call("tcpParse", m, A, R, rnd() % 2 === 0);
    }
  });
});
