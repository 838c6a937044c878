// Fragmentation of outgoing datagrams (RFC 791 §3.2): each fragment
// checked field by field, and the fragments reassembled as Linux would
// give back the datagram sent.
import { describe, expect, test } from "vitest";
import {
  Net, PEER, PEER_MAC, US, US_MAC, arp, be16, ethernet, frames, inetChecksum, linuxReassemble, macText,
  parseIpv4Frame, pattern,
} from "./helpers.ts";

/** A net whose peer is known (it asked for us), with socket 5000 bound. */
async function ready(mtu = 1500): Promise<Net> {
  const net = await Net.boot({ devices: [{ name: "service", type: "net", mac: US_MAC, mtu }] });
  net.send(frames("ping")[0]);
  net.bind(5000, 1);
  return net;
}

/** The UDP datagram in `d` is right: ports, length, checksum, payload. */
function expectUdp(d: Uint8Array, payload: Uint8Array) {
  expect([be16(d, 0), be16(d, 2), be16(d, 4)]).toEqual([5000, 9, 8 + payload.length]);
  const len = 8 + payload.length;
  expect(inetChecksum([10, 99, 1, 1, 10, 99, 1, 2, 0, 17, len >> 8, len & 0xff], d)).toBe(0);
  expect(d.subarray(8)).toEqual(payload);
}

describe("fragmentation", () => {
  test("a 4000-byte UDP payload leaves in three fragments, each right", async () => {
    const net = await ready();
    const payload = pattern(4000, 3);
    expect(net.sendTo(5000, PEER, 9, payload)).toBe(true);
    const out = net.sent();
    expect(out.length).toBe(3);
    const p = out.map(parseIpv4Frame);
    expect(p.map((f) => [f.total, f.offset, f.mf, f.df])).toEqual([
      [1500, 0, true, false],
      [1500, 1480, true, false],
      [20 + 4008 - 2960, 2960, false, false],
    ]);
    for (const [i, f] of p.entries()) {
      expect(macText(out[i], 0)).toBe(PEER_MAC);
      expect(out[i].length).toBe(14 + f.total);
      expect([f.version, f.hl, f.ttl, f.protocol, f.src, f.dst, f.checksumOk]).toEqual([4, 20, 64, 17, US, PEER, true]);
      expect(f.ident).toBe(p[0].ident);
    }
    expectUdp(linuxReassemble(out), payload);
    expect(net.counters().ipv4.fragmentsOut).toBe(3n);
  });

  test("the largest UDP payload (65507 bytes) goes in 45 fragments; one more byte is refused", async () => {
    const net = await ready();
    const payload = pattern(65507, 4);
    expect(net.sendTo(5000, PEER, 9, payload)).toBe(true);
    const out = net.sent();
    expect(out.length).toBe(45);
    expectUdp(linuxReassemble(out), payload);
    expect(net.sendTo(5000, PEER, 9, pattern(65508))).toBe(false);
    expect(net.counters().udp.dropTooLong).toBe(1n);
  });

  test("a smaller MTU makes smaller fragments, data a multiple of 8", async () => {
    const net = await ready(576);
    const payload = pattern(2000, 5);
    net.sendTo(5000, PEER, 9, payload);
    const out = net.sent();
    const p = out.map(parseIpv4Frame);
    expect(p.map((f) => f.payload.length)).toEqual([552, 552, 552, 352]);
    expect(p.every((f) => f.total <= 576)).toBe(true);
    expectUdp(linuxReassemble(out), payload);
  });

  test("a datagram waiting for ARP is fragmented when it goes, the largest too", async () => {
    const net = await Net.boot();
    net.bind(5000, 1);
    const payload = pattern(65507, 6);
    net.sendTo(5000, PEER, 9, payload);
    expect(net.sent().map((f) => be16(f, 12))).toEqual([0x0806]);
    const out = net.send(ethernet(US_MAC, PEER_MAC, 0x0806, arp(2, PEER_MAC, PEER, US_MAC, US)));
    expect(out.length).toBe(45);
    expectUdp(linuxReassemble(out), payload);
  });

  test("two datagrams in a row keep apart: each its own identification", async () => {
    const net = await ready();
    net.sendTo(5000, PEER, 9, pattern(2000, 1));
    net.sendTo(5000, PEER, 9, pattern(2000, 2));
    const out = net.sent();
    const ids = out.map((f) => parseIpv4Frame(f).ident);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(ids[0]).not.toBe(ids[2]);
    expectUdp(linuxReassemble(out.slice(0, 2)), pattern(2000, 1));
    expectUdp(linuxReassemble(out.slice(2)), pattern(2000, 2));
  });
});
