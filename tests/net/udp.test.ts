// UDP (RFC 768): sockets, echo compared with a Linux echo server's,
// checksums verified and generated (0 accepted, 0 sent as 0xffff), every
// malformed datagram counted, binding and closing ports.
import { describe, expect, test } from "vitest";
import {
  BROADCAST_MAC, Net, PEER, US, be16, frames, inetChecksum, ipFrame, parseIpv4Frame, pattern, udp,
} from "./helpers.ts";

const captured = frames("udp");
const ffff = frames("udp-checksum-ffff");
const text = (s: string) => new TextEncoder().encode(s);

/** The UDP datagram of an IPv4 frame, its checksum checked. */
function datagram(f: Uint8Array): Uint8Array {
  const p = parseIpv4Frame(f);
  const d = p.payload;
  const pseudo = [...p.src.split(".").map(Number), ...p.dst.split(".").map(Number), 0, 17, d.length >> 8, d.length & 0xff];
  expect(inetChecksum(pseudo, d)).toBe(0);
  return d;
}

describe("echo", () => {
  test("the captured datagram is echoed as socat on Linux echoed it", async () => {
    const net = await Net.boot();
    net.bind(7000, 0);
    net.send(captured[0]);
    const out = net.send(captured[2]);
    expect(out.length).toBe(1);
    expect(datagram(out[0])).toEqual(parseIpv4Frame(captured[3]).payload);
    const p = parseIpv4Frame(out[0]);
    expect([p.src, p.dst, p.ttl]).toEqual([US, PEER, 64]);
    expect(net.counters().udp.datagramsOut).toBe(1n);
  });

  test("an answer built in a buffer of its own (not in place) is right too", async () => {
    const net = await Net.boot();
    net.bind(7000, 2);
    const out = net.send(ipFrame({}, udp(PEER, US, 40000, 7000, text("stressed"))));
    expect(new TextDecoder().decode(datagram(out[0]).subarray(8))).toBe("desserts");
  });
});

describe("receiving", () => {
  test("a handler sees addresses, ports, payload and whether it was a broadcast", async () => {
    const net = await Net.boot();
    net.bind(6000, 1);
    net.send(
      ipFrame({}, udp(PEER, US, 1234, 6000, text("one"))),
      ipFrame({ dst: "10.99.1.255" }, udp(PEER, "10.99.1.255", 1235, 6000, text("two")), BROADCAST_MAC),
      ipFrame({}, udp(PEER, US, 1236, 6000, [])),
    );
    expect(net.events()).toEqual([
      `${PEER}:1234>${US}:6000 len=3 one`,
      `${PEER}:1235>10.99.1.255:6000 len=3 bcast two`,
      `${PEER}:1236>${US}:6000 len=0 `,
    ]);
  });

  test("checksum 0 means none and is accepted; 0xffff is the other zero and is right", async () => {
    const net = await Net.boot();
    net.bind(6000, 1);
    net.bind(7001, 1);
    net.send(ipFrame({}, udp(PEER, US, 1234, 6000, text("unchecked"), 0)), ffff[2]);
    expect(net.events()).toEqual([`${PEER}:1234>${US}:6000 len=9 unchecked`, expect.stringMatching(/^10\.99\.1\.2:40002>10\.99\.1\.1:7001 len=2 /)]);
  });

  test("malformed datagrams are dropped, each under its own counter", async () => {
    const net = await Net.boot();
    net.bind(6000, 1);
    const good = udp(PEER, US, 1234, 6000, text("payload"));
    const withLength = (n: number) => {
      const d = good.slice();
      d.set([n >> 8, n & 0xff], 4);
      return d;
    };
    const badSum = good.slice();
    badSum[7] ^= 0x40;
    expect(net.send(
      ipFrame({}, good.subarray(0, 7)),
      ipFrame({}, withLength(7)),
      ipFrame({}, withLength(good.length + 1)),
      ipFrame({}, badSum),
      ipFrame({}, udp(PEER, US, 1234, 0, text("to port zero"))),
    )).toEqual([]);
    expect(net.events()).toEqual([]);
    const c = net.counters().udp;
    expect([c.dropTruncated, c.dropBadLength, c.dropBadChecksum, c.dropBadPort]).toEqual([1n, 2n, 1n, 1n]);
  });

  test("bytes past the UDP length are not payload", async () => {
    const net = await Net.boot();
    net.bind(6000, 1);
    const d = udp(PEER, US, 1234, 6000, text("short"));
    net.send(ipFrame({}, [...d, 0xde, 0xad]));
    expect(net.events()).toEqual([`${PEER}:1234>${US}:6000 len=5 short`]);
  });
});

describe("sending", () => {
  test("checksums are always generated; one computing to 0 is sent as 0xffff (RFC 768)", async () => {
    const net = await Net.boot();
    net.send(frames("ping")[0]);
    net.bind(7001, 1);
    // The captured payload made A's checksum 0; the pseudo-header sum is the
    // same the other way round, so ours computes to 0 as well.
    const payload = parseIpv4Frame(ffff[2]).payload.subarray(8);
    net.sendTo(7001, PEER, 40002, payload);
    const d = datagram(net.sent()[0]);
    expect(be16(d, 6)).toBe(0xffff);
    net.sendTo(7001, PEER, 40002, pattern(100));
    expect(be16(datagram(net.sent()[0]), 6)).not.toBe(0);
  });
});

describe("sockets", () => {
  test("a port is bound once; port 0 picks a free dynamic port (RFC 6335)", async () => {
    const net = await Net.boot();
    expect(net.bind(6000)).toBe(6000);
    expect(net.bind(6000)).toBe(0);
    const a = net.bind(0);
    const b = net.bind(0);
    expect(a).toBeGreaterThanOrEqual(49152);
    expect(b).toBeGreaterThanOrEqual(49152);
    expect(a).not.toBe(b);
  });

  test("a closed port answers port unreachable again", async () => {
    const net = await Net.boot();
    net.bind(6000, 0);
    const probe = ipFrame({}, udp(PEER, US, 1234, 6000, text("x")));
    expect(parseIpv4Frame(net.send(probe)[0]).protocol).toBe(17);
    net.call("close", 6000);
    const icmp = parseIpv4Frame(net.send(probe)[0]).payload;
    expect([icmp[0], icmp[1]]).toEqual([3, 3]);
    expect(net.bind(6000)).toBe(6000);
  });

  test("many echoes in a row allocate nothing: memory does not grow", async () => {
    const net = await Net.boot();
    net.bind(7, 0);
    const probe = ipFrame({}, udp(PEER, US, 1234, 7, pattern(1000)));
    net.send(probe);
    const before = net.h.memorySize;
    const frames: Uint8Array[] = Array.from({ length: 2000 }, () => probe);
    expect(net.send(...frames).length).toBe(2000);
    expect(net.h.memorySize).toBe(before);
  });
});
