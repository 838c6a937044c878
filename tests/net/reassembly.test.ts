// Reassembly of incoming fragments (RFC 791 §3.2, RFC 1122 §3.3.2): any
// order, duplicates, overlaps (the datagram is dropped), the timeout and
// its ICMP time exceeded, and every limit on slots, fragments and bytes.
import { describe, expect, test } from "vitest";
import {
  Net, PEER, PEER_MAC, SECOND, US, US_MAC, be16, ethernet, fragments, icmpEcho, inetChecksum, ipFrame, linuxReassemble, parseIpv4Frame,
  pattern, udp,
} from "./helpers.ts";

/** A 4000-byte ping in three fragments (1480, 1480, 1048 bytes). */
function bigPing(ident = 0x77, seq = 1): { parts: Uint8Array[]; message: Uint8Array } {
  const message = icmpEcho(8, 0x99, seq, pattern(4000, seq));
  return { parts: fragments({ protocol: 1, ident }, message, 1480), message };
}

/** The echo reply's data, reassembled from what the stack sent. */
function replyData(out: Uint8Array[]): Uint8Array {
  const m = linuxReassemble(out);
  expect(m[0]).toBe(0);
  expect(inetChecksum(m)).toBe(0);
  return m.subarray(8);
}

describe("orders", () => {
  test.each([
    ["in order", [0, 1, 2]],
    ["reversed", [2, 1, 0]],
    ["first last", [1, 2, 0]],
    ["last first", [2, 0, 1]],
  ])("%s", async (_name, order) => {
    const net = await Net.boot();
    const { parts, message } = bigPing();
    const out = net.send(...order.map((i) => parts[i]));
    expect(replyData(out)).toEqual(message.subarray(8));
    const c = net.counters().reassembly;
    expect([c.fragmentsIn, c.reassembled]).toEqual([3n, 1n]);
    expect(net.call("reassemblyPending")).toBe(0);
    expect(net.call("reassemblyBytes")).toBe(0);
  });

  test("exact duplicates are ignored; the datagram is answered once", async () => {
    const net = await Net.boot();
    const { parts, message } = bigPing();
    const out = net.send(parts[0], parts[1], parts[0], parts[1], parts[2]);
    expect(replyData(out)).toEqual(message.subarray(8));
    expect(net.counters().reassembly.duplicates).toBe(2n);
  });

  test("interleaved datagrams from one source are kept apart by identification", async () => {
    const net = await Net.boot();
    const a = bigPing(1, 1);
    const b = bigPing(2, 2);
    const out = net.send(a.parts[0], b.parts[2], a.parts[1], b.parts[0], b.parts[1], a.parts[2]);
    expect(out.length).toBe(6);
    const byIdent = new Map<number, Uint8Array[]>();
    for (const f of out) {
      const id = parseIpv4Frame(f).ident;
      byIdent.set(id, [...(byIdent.get(id) ?? []), f]);
    }
    const replies = [...byIdent.values()].map(replyData);
    expect(replies).toEqual([b.message.subarray(8), a.message.subarray(8)]); // b completes first
  });

  test("a fragmented UDP datagram is delivered whole and echoed in fragments", async () => {
    const net = await Net.boot();
    net.bind(7, 0);
    const payload = pattern(3000, 5);
    const out = net.send(...fragments({ ident: 9 }, udp(PEER, US, 3333, 7, payload), 1480).reverse());
    expect(out.length).toBe(3);
    const d = linuxReassemble(out);
    expect([be16(d, 0), be16(d, 2), be16(d, 4)]).toEqual([7, 3333, 3008]);
    expect(d.subarray(8)).toEqual(payload);
    const pseudo = [10, 99, 1, 1, 10, 99, 1, 2, 0, 17, 3008 >> 8, 3008 & 0xff];
    expect(inetChecksum(pseudo, d)).toBe(0);
  });
});

describe("overlaps and bad fragments", () => {
  test("an overlapping fragment drops the whole datagram", async () => {
    const net = await Net.boot();
    const { parts, message } = bigPing();
    // 24 bytes straddling the end of the first fragment.
    const straddle = ipFrame({ protocol: 1, ident: 0x77, offset: 1472, mf: true }, message.subarray(1472, 1496));
    expect(net.send(parts[0], straddle)).toEqual([]);
    let c = net.counters().reassembly;
    expect(c.dropOverlap).toBe(1n);
    expect(net.call("reassemblyPending")).toBe(0);
    // What arrives next starts a new datagram that never completes.
    expect(net.send(parts[1], parts[2])).toEqual([]);
    expect(net.call("reassemblyPending")).toBe(1);
    c = net.counters().reassembly;
    expect(c.reassembled).toBe(0n);
  });

  test("a fragment inside data already in is a duplicate when its bytes repeat them", async () => {
    const net = await Net.boot();
    const { parts, message } = bigPing();
    const inside = ipFrame({ protocol: 1, ident: 0x77, offset: 8, mf: true }, message.subarray(8, 24));
    expect(replyData(net.send(parts[0], parts[1], inside, parts[2]))).toEqual(message.subarray(8));
    expect(net.counters().reassembly.duplicates).toBe(1n);
  });

  test("a fragment inside data already in with other bytes is an overlap: the datagram is dropped", async () => {
    const net = await Net.boot();
    const { parts } = bigPing();
    const inside = ipFrame({ protocol: 1, ident: 0x77, offset: 8, mf: true }, pattern(16, 99));
    expect(net.send(parts[0], parts[1], inside, parts[2])).toEqual([]);
    expect(net.counters().reassembly.dropOverlap).toBe(1n);
  });

  test("empty fragments and middle ones not a multiple of 8 are refused", async () => {
    const net = await Net.boot();
    net.send(
      ipFrame({ protocol: 1, ident: 1, offset: 0, mf: true }, pattern(100)),
      ipFrame({ protocol: 1, ident: 2, offset: 8, mf: true }, []),
    );
    expect(net.counters().reassembly.dropMalformed).toBe(2n);
    expect(net.call("reassemblyPending")).toBe(0);
  });

  test("fragments that contradict the declared end drop the datagram", async () => {
    const net = await Net.boot();
    const last = (ident: number, offset: number) => ipFrame({ protocol: 1, ident, offset }, pattern(16));
    const middle = (ident: number, offset: number) => ipFrame({ protocol: 1, ident, offset, mf: true }, pattern(16));
    net.send(last(1, 64), last(1, 128)); // two different ends
    net.send(last(2, 64), middle(2, 80)); // data past the end
    net.send(middle(3, 96), last(3, 64)); // an end before data already in
    const c = net.counters().reassembly;
    expect(c.dropInconsistent).toBe(3n);
    expect(net.call("reassemblyPending")).toBe(0);
  });
});

describe("timeout (RFC 1122 §3.3.2)", () => {
  test("after 30 s the datagram is dropped and its source told: time exceeded, reassembly", async () => {
    const net = await Net.boot();
    const { parts } = bigPing();
    expect(net.send(parts[0], parts[1])).toEqual([]);
    expect(net.advance(30n * SECOND - 1n)).toEqual([]);
    const out = net.advance(1n);
    expect(out.length).toBe(1);
    const p = parseIpv4Frame(out[0]);
    expect([p.src, p.dst, p.protocol]).toEqual([US, PEER, 1]);
    const icmp = p.payload;
    expect([icmp[0], icmp[1]]).toEqual([11, 1]);
    expect(inetChecksum(icmp)).toBe(0);
    // The quote: the first fragment's header (MF, its own length), then data.
    const quoted = parseIpv4Frame(ethernet(US_MAC, PEER_MAC, 0x0800, icmp.subarray(8)));
    expect([quoted.ident, quoted.mf, quoted.offset, quoted.total, quoted.checksumOk]).toEqual([0x77, true, 0, 1500, true]);
    expect(icmp.subarray(28, 36)).toEqual(parts[0].subarray(34, 42));
    const c = net.counters();
    expect(c.reassembly.dropTimeout).toBe(1n);
    expect(c.icmp.timeExceededOut).toBe(1n);
    expect(net.call("reassemblyPending")).toBe(0);
    expect(net.call("reassemblyBytes")).toBe(0);
  });

  test("without its first fragment, a timed-out datagram is dropped silently", async () => {
    const net = await Net.boot();
    const { parts } = bigPing();
    net.send(parts[1], parts[2]);
    expect(net.advance(30n * SECOND)).toEqual([]);
    expect(net.counters().reassembly.dropTimeout).toBe(1n);
  });

  test("no time exceeded about an ICMP error", async () => {
    const net = await Net.boot();
    const error = Uint8Array.from([3, 3, 0, 0, 0, 0, 0, 0, ...pattern(100)]);
    const sum = inetChecksum(error);
    error.set([sum >> 8, sum & 0xff], 2);
    net.send(ipFrame({ protocol: 1, ident: 5, mf: true }, error.subarray(0, 80)));
    expect(net.advance(30n * SECOND)).toEqual([]);
    expect(net.counters().reassembly.dropTimeout).toBe(1n);
  });
});

describe("limits", () => {
  test("8 datagrams at once: a ninth evicts the one begun first", async () => {
    const net = await Net.boot();
    const pings = Array.from({ length: 9 }, (_, i) => bigPing(100 + i, i + 1));
    for (const p of pings) net.send(p.parts[0]);
    expect(net.call("reassemblyPending")).toBe(8);
    expect(net.counters().reassembly.dropEvicted).toBe(1n);
    expect(replyData(net.send(pings[8].parts[1], pings[8].parts[2]))).toEqual(pings[8].message.subarray(8));
    expect(net.send(pings[0].parts[1], pings[0].parts[2])).toEqual([]);
  });

  test("a 1000-byte ping in 126 fragments of 8 bytes is answered (Linux reassembles it too)", async () => {
    const net = await Net.boot();
    const message = icmpEcho(8, 1, 1, pattern(1000));
    const parts = fragments({ protocol: 1 }, message, 8);
    expect(parts.length).toBe(126);
    // Every other fragment first (63 runs), then the rest, which join them.
    const order = [...parts.filter((_, i) => i % 2 === 0), ...parts.filter((_, i) => i % 2 === 1)];
    expect(replyData(net.send(...order))).toEqual(message.subarray(8));
    expect(net.call("reassemblyPending")).toBe(0);
  });

  test("at most reassemblyMaxFragments separate runs of data per datagram", async () => {
    const net = await Net.boot({ limits: { reassemblyMaxFragments: 4 } });
    const message = icmpEcho(8, 1, 1, pattern(4000));
    // In order, 6 fragments make one run.
    expect(net.send(...fragments({ protocol: 1 }, message, 800))).not.toEqual([]);
    // Five with holes between them need five runs.
    const parts = fragments({ protocol: 1, ident: 2 }, message, 400);
    expect(net.send(parts[0], parts[2], parts[4], parts[6], parts[8])).toEqual([]);
    expect(net.counters().reassembly.dropTooManyFragments).toBe(1n);
    expect(net.call("reassemblyPending")).toBe(0);
  });

  test("at most reassemblyMaxDatagram bytes per datagram", async () => {
    const net = await Net.boot({ limits: { reassemblyMaxDatagram: 3000 } });
    const { parts } = bigPing();
    expect(net.send(...parts)).toEqual([]);
    expect(net.counters().reassembly.dropTooBig).toBeGreaterThan(0n);
    expect(net.call("reassemblyPending")).toBe(0);
    // 3000 bytes in all still pass.
    const fits = icmpEcho(8, 1, 1, pattern(3000 - 28));
    expect(net.send(...fragments({ protocol: 1, ident: 3 }, fits, 1480)).length).toBe(3);
  });

  test("all buffers together stay under reassemblyTotalBytes: the oldest datagram makes room", async () => {
    const net = await Net.boot({ limits: { reassemblyTotalBytes: 6000 } });
    const a = bigPing(1, 1);
    const b = bigPing(2, 2);
    net.send(a.parts[0]);
    expect(net.call("reassemblyBytes")).toBe(4096 + 34);
    net.send(b.parts[0]);
    expect(net.call("reassemblyBytes")).toBe(4096 + 34);
    expect(net.counters().reassembly.dropEvicted).toBe(1n);
    expect(replyData(net.send(b.parts[1], b.parts[2]))).toEqual(b.message.subarray(8));
    expect(net.call("reassemblyBytes")).toBe(0);
  });
});
