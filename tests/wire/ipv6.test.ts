// IPv6 (libos/wire/ipv6.ts, ipv6ext.ts, icmpv6.ts, ndisc.ts) against real
// packets captured from Linux (fixtures/ipv6-*.pcap, capture-ipv6.sh):
// ping -6, fragmented ping, ndisc6, rdisc6 against radvd, UDP and its port
// unreachable. Every field is what tcpdump printed for the same bytes;
// emit gives the same bytes back; hand-made hostile chains are refused as
// RFC 8200 says, never trapped on.
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { frames, hex, mac } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await Harness.start("tests/wire/as/ipv6.ts");
});

function call(fn: string, input: Uint8Array, ...args: unknown[]): string {
  h.input(input);
  const r = h.call(fn, ...args);
  expect(h.exitStatus, h.console).toBeNull();
  return h.string(r)!;
}
function bytes(fn: string, input: Uint8Array, ...args: unknown[]): Uint8Array {
  h.input(input);
  h.call(fn, ...args);
  expect(h.exitStatus, h.console).toBeNull();
  return h.output();
}

const packet = (f: Uint8Array) => f.slice(14);
const ping = frames("ipv6-ping").map(packet);
const llPing = frames("ipv6-link-local-ping").map(packet);
const frags = frames("ipv6-fragmented-ping").map(packet);
const ndisc = frames("ipv6-ndisc").map(packet);
const rd = frames("ipv6-router-discovery").map(packet);
const udp = frames("ipv6-udp").map(packet);
const unreach = frames("ipv6-port-unreachable").map(packet);

describe("ipv6 header", () => {
  test("view: an echo request (tcpdump: flowlabel 0x082d4, hlim 64, next-header 58, payload 64)", () => {
    expect(call("ipv6View", ping[2])).toBe(
      "v=6 tc=0 flow=0x82d4 len=64 next=58 hlim=64 src=fd00:99:1::2 dst=fd00:99:1::1 payload=64");
    expect(call("ipv6View", ping[0])).toBe(
      "v=6 tc=0 flow=0x0 len=32 next=58 hlim=255 src=fd00:99:1::2 dst=ff02::1:ff00:1 payload=32");
  });

  test("parse, and emit gives every byte back", () => {
    expect(call("ipv6Parse", llPing[3])).toBe("IPv6 src=fe80::ff:fe00:101 dst=fe80::ff:fe00:102 next=58 len=64 hlim=64 flow=0xf649c");
    for (const p of [...ping, ...llPing, ...frags, ...rd, ...udp, ...unreach]) {
      expect(bytes("ipv6RoundTrip", p)).toEqual(p);
    }
  });

  test("Ethernet padding is not payload; short or lying lengths are errors", () => {
    const padded = new Uint8Array(rd[0].length + 10);
    padded.set(rd[0]);
    expect(call("ipv6View", padded)).toMatch(/ len=8 .* payload=8$/);
    expect(call("ipv6Parse", ping[2].subarray(0, 39))).toBe("error: truncated");
    expect(call("ipv6Parse", ping[2].subarray(0, 100))).toBe("error: truncated"); // claims 64 payload bytes, has 60
    const v4 = ping[2].slice();
    v4[0] = 0x45;
    expect(call("ipv6Parse", v4)).toBe("error: bad version");
  });

  test("the UDP checksum under the IPv6 pseudo-header (RFC 8200 §8.1) checks out on Linux's datagrams", () => {
    h.input(udp[2]);
    expect(h.call("udpChecksumV6")).toBe(0);
    const bad = udp[2].slice();
    bad[bad.length - 1] ^= 1;
    h.input(bad);
    expect(h.call("udpChecksumV6")).not.toBe(0);
  });
});

describe("extension headers", () => {
  test("a packet without any: the upper layer right after the fixed header", () => {
    expect(call("extWalk", udp[2])).toBe("upper=17 at=40 headers=0");
  });

  test("the fragments of a 3000-byte ping -6 (tcpdump: frag 0x09de4a94 at 0, 1448, 2896)", () => {
    expect(call("extWalk", frags[2])).toBe("upper=58 at=48 headers=1 fragment off=0 M=1 id=0x9de4a94 next=58");
    expect(call("extWalk", frags[3])).toBe("upper=58 at=48 headers=1 fragment off=1448 M=1 id=0x9de4a94 next=58");
    expect(call("extWalk", frags[4])).toBe("upper=58 at=48 headers=1 fragment off=2896 M=0 id=0x9de4a94 next=58");
  });

  // A UDP datagram from the capture with extension headers put in front of
  // its payload: `chain` the header bytes, `first` the fixed header's next.
  function withChain(first: number, chain: string): Uint8Array {
    const ext = hex(chain);
    const p = udp[2];
    const out = new Uint8Array(p.length + ext.length);
    out.set(p.subarray(0, 40));
    out.set(ext, 40);
    out.set(p.subarray(40), 40 + ext.length);
    const len = p.length - 40 + ext.length;
    out[4] = len >> 8;
    out[5] = len & 0xff;
    out[6] = first;
    return out;
  }

  test("hop-by-hop and destination options with padding are skipped", () => {
    // hop-by-hop (PadN 4) -> destination options (Pad1 ×2, PadN 2) -> UDP
    expect(call("extWalk", withChain(0, "3c00 0104 00000000" + "1100 0000 0102 0000"))).toBe("upper=17 at=56 headers=2");
  });

  test("an atomic fragment is a whole datagram (RFC 6946)", () => {
    expect(call("extWalk", withChain(44, "1100 0000 12345678"))).toBe("upper=17 at=48 headers=1");
  });

  test("routing headers: ignored when no segments are left, refused otherwise, type 0 included (RFC 5095)", () => {
    expect(call("extWalk", withChain(43, "1100 0000 00000000"))).toBe("upper=17 at=48 headers=1 routing");
    // Type 0 with one segment left and one address.
    expect(call("extWalk", withChain(43, "1102 0001 00000000" + "fd000099000100000000000000000009")))
      .toBe("problem code=0 pointer=42");
  });

  test("hop-by-hop options anywhere but first are an unrecognized next header", () => {
    expect(call("extWalk", withChain(60, "0000 0104 00000000" + "1100 0104 00000000"))).toBe("problem code=1 pointer=40");
  });

  test("unknown options: skipped, discarded, or refused with an error, by their two high bits (§4.2)", () => {
    expect(call("extWalk", withChain(60, "1100 1e04 00000000"))).toBe("upper=17 at=48 headers=1"); // 00: skip
    expect(call("extWalk", withChain(60, "1100 5e04 00000000"))).toBe("discard"); // 01
    expect(call("extWalk", withChain(60, "1100 9e04 00000000"))).toBe("problem code=2 pointer=42"); // 10
    expect(call("extWalk", withChain(60, "1100 de04 00000000"))).toBe("problem code=2 pointer=42 unless multicast"); // 11
  });

  test("chains that never end, or end past the packet, are refused and the walk stops", () => {
    // Destination options pointing to destination options, 20 times.
    expect(call("extWalk", withChain(60, "3c00 0104 00000000".repeat(20)))).toBe("too long");
    expect(call("extWalk", withChain(60, "1105 0104 00000000"))).toBe("truncated"); // claims 48 bytes
    expect(call("extWalk", withChain(60, "1100 0108 00000000"))).toBe("truncated"); // option past the header
    expect(call("extWalk", withChain(59, ""))).toBe("no next header");
  });
});

describe("icmpv6", () => {
  test("echo request and reply parse, and emit back to the same bytes", () => {
    expect(call("icmpv6Parse", ping[2], 40)).toBe("ICMPv6 type=128 code=0 id=18275 seq=1 data=56");
    expect(call("icmpv6Parse", ping[3], 40)).toBe("ICMPv6 type=129 code=0 id=18275 seq=1 data=56");
    expect(bytes("icmpv6RoundTrip", ping[2])).toEqual(ping[2].subarray(40));
    expect(bytes("icmpv6RoundTrip", llPing[3])).toEqual(llPing[3].subarray(40));
  });

  test("Linux's port unreachable quotes the datagram", () => {
    expect(call("icmpv6Parse", unreach[3], 40)).toBe("ICMPv6 type=1 code=4 data=55");
    expect(bytes("icmpv6RoundTrip", unreach[3])).toEqual(unreach[3].subarray(40));
  });

  test("a fragmented echo request's first fragment is not a whole message: its checksum does not check", () => {
    expect(call("icmpv6Parse", frags[2], 48)).toBe("error: bad checksum");
  });

  test("checksum, length and code errors", () => {
    const bad = ping[2].slice();
    bad[60] ^= 0xff;
    expect(call("icmpv6Parse", bad, 40)).toBe("error: bad checksum");
    expect(call("icmpv6Parse", ping[2].subarray(0, 44), 40)).toBe("error: truncated");
  });
});

describe("neighbor discovery", () => {
  test("neighbor solicitation and advertisement, from ping -6 and ndisc6", () => {
    expect(call("ndParse", ping[0])).toBe("NS target=fd00:99:1::1 sll=02:00:00:00:01:02");
    expect(call("ndParse", ping[1])).toBe("NA target=fd00:99:1::1 S O tll=02:00:00:00:01:01");
    expect(call("ndParse", ndisc[0])).toBe("NS target=fd00:99:1::1 sll=02:00:00:00:01:02");
  });

  test("router solicitation and radvd's advertisement: prefix, MTU 1400, router lifetime 1800", () => {
    expect(call("ndParse", rd[0])).toBe("RS");
    expect(call("ndParse", rd[3])).toBe(
      "RA hlim=64 lifetime=1800 reachable=0 retrans=0 sll=02:00:00:00:01:01 mtu=1400 " +
      "prefix=fd00:99:1::/64 L A valid=86400 pref=14400");
  });

  test("emit gives Linux's and radvd's bytes back", () => {
    for (const p of [ping[0], ping[1], ndisc[0], ndisc[1], rd[0], rd[1], rd[2], rd[3]]) {
      expect(bytes("ndRoundTrip", p)).toEqual(p.subarray(40));
    }
  });

  test("messages that crossed a router (hop limit under 255) or carry a zero-length option are refused", () => {
    const hop = ping[0].slice();
    hop[7] = 254;
    expect(call("ndParse", hop)).toBe("error: malformed");
    // The option length byte set to 0 (checksum fixed up by the same amount).
    const zero = ping[0].slice();
    zero[65] = 0; // option length 1 -> 0
    zero[43] += 1; // the checksum's low byte compensates the word 0x0101 -> 0x0100
    expect(call("ndParse", zero)).toBe("error: malformed");
  });

  test("a DAD probe (from ::) with a source link-layer option is refused (RFC 4861 §7.1.1)", () => {
    const dad = ping[0].slice();
    dad.fill(0, 8, 24); // source :: — the checksum no longer matches either
    expect(call("ndParse", dad)).toMatch(/^error: /);
  });

  test("an RA from a global address is refused (§6.1.2)", () => {
    const ra = rd[3].slice();
    ra[8] = 0xfd; // fe80:: -> fd80::; checksum then wrong too
    expect(call("ndParse", ra)).toMatch(/^error: /);
  });
});

test("link-local address from the MAC (modified EUI-64), its solicited-node group and MAC", () => {
  expect(call("addresses", new Uint8Array(0), mac("02:00:00:00:01:02"))).toBe("fe80::ff:fe00:102 ff02::1:ff00:102 33:33:ff:00:01:02");
  expect(call("addresses", new Uint8Array(0), mac("52:54:00:12:34:56"))).toBe("fe80::5054:ff:fe12:3456 ff02::1:ff12:3456 33:33:ff:12:34:56");
});
