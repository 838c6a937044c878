// ICMP: echo replies of every size (fragmented both ways past the MTU),
// compared with Linux's own; errors we send (port unreachable, quoted as
// Linux quotes) and their rate limit; what must never cause an error.
import { describe, expect, test } from "vitest";
import {
  BROADCAST_MAC, Net, PEER, PEER_MAC, SECOND, US, be16, fragments, frames, icmpEcho, inetChecksum, ipFrame,
  ipv4, linuxReassemble, macText, parseIpv4Frame, pattern, udp,
} from "./helpers.ts";

const ping = frames("ping");
const unreachable = frames("port-unreachable");
const ffff = frames("udp-checksum-ffff");

/** Our frame equals Linux's but for the IPv4 identification and header
 * checksum (both chosen per datagram); ours has a right checksum. */
function expectLikeLinux(ours: Uint8Array, linux: Uint8Array) {
  const blank = (f: Uint8Array) => {
    const c = f.slice();
    c.fill(0, 18, 20);
    c.fill(0, 24, 26);
    return c;
  };
  expect(blank(ours)).toEqual(blank(linux));
  expect(parseIpv4Frame(ours).checksumOk).toBe(true);
}

/** Ping us with `size` data bytes (fragmented as Linux would past the MTU);
 * the ICMP message that comes back, reassembled. */
function pingWith(net: Net, size: number, seq = 1): Uint8Array {
  const data = pattern(size, seq);
  const message = icmpEcho(8, 0x4d47, seq, data);
  const ident = 0x5000 + seq;
  const out = 20 + message.length <= 1500
    ? net.send(ipFrame({ protocol: 1, ident }, message))
    : net.send(...fragments({ protocol: 1, ident }, message, 1480));
  expect(out.length, `${size} bytes: fragments back`).toBe(Math.max(1, Math.ceil(message.length / 1480)));
  for (const f of out) {
    expect(f.length).toBeLessThanOrEqual(1514);
    expect(parseIpv4Frame(f).dst).toBe(PEER);
  }
  return out.length === 1 ? parseIpv4Frame(out[0]).payload : linuxReassemble(out);
}

describe("echo", () => {
  test("the captured pings get Linux's replies, but for identification and checksum", async () => {
    const net = await Net.boot();
    net.send(ping[0]);
    expectLikeLinux(net.send(ping[2])[0], ping[3]);
    expectLikeLinux(net.send(ping[4])[0], ping[5]);
  });

  test("the captured 3000-byte ping gets Linux's three reply fragments", async () => {
    const fp = frames("fragmented-ping");
    const net = await Net.boot();
    net.send(fp[0]);
    const out = net.send(fp[2], fp[3], fp[4]);
    expect(out.length).toBe(3);
    out.forEach((f, i) => expectLikeLinux(f, fp[5 + i]));
    expect(new Set(out.map((f) => parseIpv4Frame(f).ident)).size).toBe(1);
  });

  test.each([0, 1, 56, 1472, 1473, 4000, 9000, 65507])("%i data bytes come back unchanged", async (size) => {
    const net = await Net.boot();
    const reply = pingWith(net, size);
    expect(reply.length).toBe(8 + size);
    expect([reply[0], reply[1], be16(reply, 4), be16(reply, 6)]).toEqual([0, 0, 0x4d47, 1]);
    expect(inetChecksum(reply)).toBe(0);
    expect(reply.subarray(8)).toEqual(pattern(size, 1));
    const c = net.counters();
    expect(c.icmp.echoRepliesOut).toBe(1n);
    expect(c.reassembly.reassembled).toBe(size > 1472 ? 1n : 0n);
    expect(net.call("reassemblyBytes")).toBe(0);
  });

  test("one byte more than IPv4 holds is refused by reassembly", async () => {
    const net = await Net.boot();
    const message = icmpEcho(8, 1, 1, pattern(65508));
    expect(net.send(...fragments({ protocol: 1 }, message, 1480))).toEqual([]);
    expect(net.counters().reassembly.dropTooBig).toBe(1n);
    expect(net.call("reassemblyPending")).toBe(0);
  });

  test("requests to a broadcast address are not answered (RFC 1122 §3.2.2.6)", async () => {
    const net = await Net.boot();
    const m = icmpEcho(8, 1, 1, [1, 2, 3]);
    expect(net.send(
      ipFrame({ protocol: 1, dst: "10.99.1.255" }, m, BROADCAST_MAC),
      ipFrame({ protocol: 1, dst: "255.255.255.255" }, m, BROADCAST_MAC),
    )).toEqual([]);
    expect(net.counters().icmp.dropBroadcastEcho).toBe(2n);
  });

  test("bad checksums and short messages are dropped; replies and errors counted", async () => {
    const net = await Net.boot();
    const bad = icmpEcho(8, 1, 1, [1, 2, 3]);
    bad[9] ^= 1;
    const error = unreachable[3].subarray(34); // Linux's port unreachable, sent to us
    expect(net.send(
      ipFrame({ protocol: 1 }, bad),
      ipFrame({ protocol: 1 }, [8, 0, 0xf7, 0xff]),
      ipFrame({ protocol: 1 }, icmpEcho(0, 1, 1, [])),
      ipFrame({ protocol: 1 }, error),
      ipFrame({ protocol: 1 }, icmpEcho(13, 1, 1, new Uint8Array(12))), // timestamp
    )).toEqual([]);
    const c = net.counters().icmp;
    expect([c.dropBadChecksum, c.dropTruncated, c.echoRepliesIn, c.errorsIn, c.unhandled]).toEqual([1n, 1n, 1n, 1n, 1n]);
  });
});

describe("port unreachable (RFC 1122 §4.1.3.1)", () => {
  test("the captured datagram to a closed port gets Linux's message, quote and all", async () => {
    const net = await Net.boot();
    net.send(unreachable[0]);
    const out = net.send(unreachable[2]);
    expect(out.length).toBe(1);
    const ours = parseIpv4Frame(out[0]);
    const linux = parseIpv4Frame(unreachable[3]);
    expect([ours.src, ours.dst, ours.protocol, ours.ttl]).toEqual([US, PEER, 1, 64]);
    expect(ours.payload).toEqual(linux.payload);
    // The datagram whose checksum is 0xffff is checked, found right, and refused the same way.
    net.send(ffff[0]);
    expect(parseIpv4Frame(net.send(ffff[2])[0]).payload).toEqual(parseIpv4Frame(ffff[3]).payload);
  });

  test("a long datagram is quoted up to 576 bytes in all (RFC 1812 §4.3.2.3)", async () => {
    const net = await Net.boot();
    const out = net.send(ipFrame({}, udp(PEER, US, 4000, 9, pattern(1000))));
    const p = parseIpv4Frame(out[0]);
    expect(p.total).toBe(576);
    expect(p.payload.subarray(8)).toEqual(ipv4({}, udp(PEER, US, 4000, 9, pattern(1000))).subarray(0, 548));
  });

  test("rate-limited: 10 back to back, then one per 100 ms", async () => {
    const net = await Net.boot();
    const probe = (port: number) => ipFrame({}, udp(PEER, US, 4000, port, [1]));
    const burst = Array.from({ length: 20 }, (_, i) => probe(100 + i));
    expect(net.send(...burst).length).toBe(10);
    expect(net.counters().icmp.dropRateLimited).toBe(10n);
    net.advance(SECOND / 4n);
    expect(net.send(...burst.slice(0, 5)).length).toBe(2);
    net.advance(10n * SECOND); // the bucket fills up, but no further
    expect(net.send(...burst).length).toBe(10);
    const c = net.counters().icmp;
    expect([c.unreachablesOut, c.dropRateLimited]).toEqual([22n, 23n]);
  });

  test("never about a broadcast, a link-layer broadcast, or a source that is not one host", async () => {
    const net = await Net.boot();
    const d = (src: string, dst: string) => udp(src, dst, 4000, 9, [1]);
    expect(net.send(
      ipFrame({ dst: "10.99.1.255" }, d(PEER, "10.99.1.255"), BROADCAST_MAC),
      ipFrame({ dst: "255.255.255.255" }, d(PEER, "255.255.255.255"), BROADCAST_MAC),
      ipFrame({}, d(PEER, US), BROADCAST_MAC),
      ipFrame({ src: "0.0.0.0" }, d("0.0.0.0", US)),
    )).toEqual([]);
    const c = net.counters();
    expect(c.udp.dropNoSocket).toBe(4n);
    expect(c.icmp.unreachablesOut).toBe(0n);
  });

  test("answers go to the link address of the datagram, without ARP", async () => {
    const net = await Net.boot();
    const out = net.send(ipFrame({}, udp(PEER, US, 4000, 9, [1])));
    expect(macText(out[0], 0)).toBe(PEER_MAC);
    expect(net.counters().arp.requestsOut).toBe(0n);
  });
});
