// IPv4: header checks (each bad header dropped and counted by reason),
// routing on-link and through the gateway, TTL, protocol unreachable, and
// the boot arguments that configure it all.
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import {
  BROADCAST_MAC, ENTRY, Net, PEER, PEER_MAC, US, US_MAC, arp, ethernet, frames, icmpEcho, inetChecksum,
  fragments, ipFrame, ipv4, macText, parseIpv4Frame, pattern, udp,
} from "./helpers.ts";

const echo = icmpEcho(8, 7, 1, new TextEncoder().encode("are you there?"));
const GATEWAY = "10.99.1.254";
const GATEWAY_MAC = "02:00:00:00:01:fe";

describe("header checks (RFC 1122 §3.2.1)", () => {
  test("a good echo request is answered; each bad header is dropped under its own counter", async () => {
    const net = await Net.boot();
    expect(net.send(ipFrame({ protocol: 1 }, echo)).length).toBe(1);
    const good = ipv4({ protocol: 1 }, echo);
    const frame = (p: ArrayLike<number>) => ethernet(US_MAC, PEER_MAC, 0x0800, p);
    const cases: [string, Uint8Array][] = [
      ["dropTruncated", frame(good.subarray(0, 19))],
      ["dropBadVersion", frame(ipv4({ protocol: 1, version: 6 }, echo))],
      ["dropBadHeaderLength", frame(ipv4({ protocol: 1, ihl: 4 }, echo))],
      ["dropBadHeaderLength", frame(ipv4({ protocol: 1, ihl: 15 }, []))], // 60-byte header in 20 bytes
      ["dropBadChecksum", frame(ipv4({ protocol: 1, checksum: 0x1234 }, echo))],
      ["dropBadLength", frame(ipv4({ protocol: 1, totalLength: good.length + 1 }, echo))],
      ["dropBadLength", frame(ipv4({ protocol: 1, totalLength: 19 }, echo))],
      ["dropBadSource", frame(ipv4({ protocol: 1, src: "255.255.255.255" }, echo))],
      ["dropBadSource", frame(ipv4({ protocol: 1, src: "10.99.1.255" }, echo))],
      ["dropBadSource", frame(ipv4({ protocol: 1, src: "224.0.0.1" }, echo))],
      ["dropBadSource", frame(ipv4({ protocol: 1, src: "127.0.0.1" }, echo))],
      ["dropBadSource", frame(ipv4({ protocol: 1, src: US }, echo))],
      // Our subnet's network address (10.99.1.0/24), an old broadcast form.
      ["dropBadSource", frame(ipv4({ protocol: 1, src: "10.99.1.0" }, echo))],
      ["dropNotForUs", frame(ipv4({ protocol: 1, dst: "10.99.1.7" }, echo))],
    ];
    for (const [counter, f] of cases) {
      const before = net.counters().ipv4[counter];
      expect(net.send(f), counter).toEqual([]);
      expect(net.counters().ipv4[counter] - before, counter).toBe(1n);
    }
    expect(net.counters().icmp.echoRequestsIn).toBe(1n);
  });

  test("Ethernet: other MACs, short frames, group sources and other EtherTypes are dropped and counted", async () => {
    const net = await Net.boot();
    const good = ipv4({ protocol: 1 }, echo);
    expect(net.send(
      ethernet("02:00:00:00:01:99", PEER_MAC, 0x0800, good),
      ethernet("01:00:5e:00:00:01", PEER_MAC, 0x0800, good), // IPv4 multicast group
      new Uint8Array(13),
      ethernet(US_MAC, PEER_MAC, 0x86dd, good), // IPv6
      ethernet(US_MAC, PEER_MAC, 0x8100, good), // 802.1Q tag
      ethernet(US_MAC, PEER_MAC, 0x0040, good), // 802.3 length
      ethernet(US_MAC, "03:00:00:00:01:02", 0x0800, good), // a group address as source
    )).toEqual([]);
    const c = net.counters().ethernet;
    expect([c.framesIn, c.dropNotForUs, c.dropTruncated, c.dropUnknownType, c.dropBadSource]).toEqual([7n, 2n, 1n, 3n, 1n]);
  });

  test("bytes after the total length (Ethernet padding) are ignored", async () => {
    const net = await Net.boot();
    const small = icmpEcho(8, 1, 1, [1, 2]);
    const f = ipFrame({ protocol: 1 }, small);
    const padded = new Uint8Array(60).fill(0xee);
    padded.set(f);
    const out = net.send(padded);
    expect(out.length).toBe(1);
    expect(parseIpv4Frame(out[0]).total).toBe(30);
    expect(out[0].length).toBe(44);
  });

  test("options are skipped: an echo request with record route is answered without them", async () => {
    const net = await Net.boot();
    // The captured request went to host B; address it to us (new checksum).
    const rr = frames("record-route")[2].slice();
    rr.set([10, 99, 1, 1], 30);
    rr.set([0, 0], 24);
    const sum = inetChecksum(rr.subarray(14, 74));
    rr.set([sum >> 8, sum & 0xff], 24);
    const out = net.send(rr);
    expect(out.length).toBe(1);
    const reply = parseIpv4Frame(out[0]);
    expect(reply.hl).toBe(20);
    expect(reply.payload[0]).toBe(0); // echo reply
    expect(reply.payload.subarray(4)).toEqual(rr.subarray(74 + 4));
    expect(inetChecksum(reply.payload)).toBe(0);
  });
});

describe("source routes (RFC 7126 §4.3, §4.4)", () => {
  test("a datagram with a loose or strict source route is dropped, whole or in fragments", async () => {
    const net = await Net.boot();
    const route = (kind: number) => [kind, 7, 4, 10, 99, 1, 1, 1]; // one hop, then NOP
    expect(net.send(ipFrame({ protocol: 1, options: route(131) }, echo))).toEqual([]);
    expect(net.send(ipFrame({ protocol: 1, options: [1, ...route(137).slice(0, 7)] }, echo))).toEqual([]);
    const big = icmpEcho(8, 1, 1, pattern(2000));
    expect(net.send(...fragments({ protocol: 1, options: route(131) }, big, 1000))).toEqual([]);
    expect(net.counters().ipv4.dropSourceRoute).toBe(5n);
    expect(net.counters().icmp.echoRequestsIn).toBe(0n);
    // Other options still pass (record route: the test above).
    expect(net.send(ipFrame({ protocol: 1, options: [7, 7, 4, 0, 0, 0, 0, 0] }, echo)).length).toBe(1);
  });
});

describe("TTL (RFC 1122 §3.2.1.7)", () => {
  test("datagrams arriving with TTL 1 or 0 are accepted; ours leave with TTL 64", async () => {
    const net = await Net.boot();
    for (const ttl of [0, 1, 255]) {
      const out = net.send(ipFrame({ protocol: 1, ttl }, echo));
      expect(out.length, `ttl ${ttl}`).toBe(1);
      expect(parseIpv4Frame(out[0]).ttl).toBe(64);
    }
  });
});

describe("routing", () => {
  async function withGateway() {
    const net = await Net.boot({ cmdline: `--ipv4=${US}/24 --ipv4-gateway=${GATEWAY}` });
    net.bind(5000, 1);
    return net;
  }
  const arpTarget = (f: Uint8Array) => Array.from(f.subarray(38, 42)).join(".");

  test("on-link destinations are resolved themselves", async () => {
    const net = await withGateway();
    net.sendTo(5000, PEER, 9, Uint8Array.of(1));
    expect(net.sent().map(arpTarget)).toEqual([PEER]);
  });

  test("off-link destinations go through the gateway, addressed to the far host", async () => {
    const net = await withGateway();
    net.sendTo(5000, "192.0.2.9", 9, Uint8Array.of(1));
    expect(net.sent().map(arpTarget)).toEqual([GATEWAY]);
    const out = net.send(ethernet(US_MAC, GATEWAY_MAC, 0x0806, arp(2, GATEWAY_MAC, GATEWAY, US_MAC, US)));
    expect(out.length).toBe(1);
    expect(macText(out[0], 0)).toBe(GATEWAY_MAC);
    expect(parseIpv4Frame(out[0]).dst).toBe("192.0.2.9");
    // Another far host: the gateway is known now.
    net.sendTo(5000, "198.51.100.1", 9, Uint8Array.of(1));
    const next = net.sent();
    expect(next.map((f) => [macText(f, 0), parseIpv4Frame(f).dst])).toEqual([[GATEWAY_MAC, "198.51.100.1"]]);
  });

  test("without a gateway, off-link destinations have no route", async () => {
    const net = await Net.boot();
    net.bind(5000, 1);
    expect(net.sendTo(5000, "192.0.2.9", 9, Uint8Array.of(1))).toBe(false);
    expect(net.sent()).toEqual([]);
    expect(net.counters().ipv4.dropNoRoute).toBe(1n);
  });

  test("broadcasts go to the Ethernet broadcast address without ARP", async () => {
    const net = await withGateway();
    for (const dst of ["10.99.1.255", "255.255.255.255"]) {
      net.sendTo(5000, dst, 9, Uint8Array.of(1));
      const out = net.sent();
      expect(out.length).toBe(1);
      expect(macText(out[0], 0)).toBe(BROADCAST_MAC);
      expect(parseIpv4Frame(out[0]).dst).toBe(dst);
    }
  });

  test("0.0.0.0, multicast, loopback and our own address are not routed", async () => {
    const net = await withGateway();
    for (const dst of ["0.0.0.0", "224.0.0.9", "127.0.0.1", US]) {
      expect(net.sendTo(5000, dst, 9, Uint8Array.of(1)), dst).toBe(false);
    }
    expect(net.sent()).toEqual([]);
    expect(net.counters().ipv4.dropNoRoute).toBe(4n);
  });

  test("answers go back to the link address the question came from", async () => {
    const net = await withGateway();
    // A ping from a far host, through the gateway: no ARP needed to answer.
    const out = net.send(ipFrame({ protocol: 1, src: "192.0.2.9" }, echo, US_MAC, GATEWAY_MAC));
    expect(out.length).toBe(1);
    expect(macText(out[0], 0)).toBe(GATEWAY_MAC);
    expect(parseIpv4Frame(out[0]).dst).toBe("192.0.2.9");
  });
});

describe("protocols", () => {
  test("an unknown protocol gets ICMP protocol unreachable (RFC 1122 §3.2.2.1)", async () => {
    const net = await Net.boot();
    const out = net.send(ipFrame({ protocol: 99 }, [1, 2, 3, 4]));
    expect(out.length).toBe(1);
    const icmp = parseIpv4Frame(out[0]).payload;
    expect([icmp[0], icmp[1]]).toEqual([3, 2]);
    expect(net.counters().ipv4.dropUnknownProtocol).toBe(1n);
  });

  test("identifications differ from datagram to datagram", async () => {
    const net = await Net.boot();
    const ids = [1, 2, 3].map(() => parseIpv4Frame(net.send(ipFrame({ protocol: 1 }, echo))[0]).ident);
    expect(new Set(ids).size).toBe(3);
    expect((ids[1] - ids[0]) & 0xffff).toBe(1);
  });
});

describe("boot arguments", () => {
  const boot = async (cmdline: string) => {
    const h = await Harness.start(ENTRY, { cmdline, devices: [{ name: "service", type: "net", mac: US_MAC }] });
    h.call("boot");
    return h;
  };

  test("--ipv4 defaults to 10.0.0.2/24; the address is logged at start", async () => {
    const h = await boot("");
    expect(h.exitStatus).toBeNull();
    expect(h.console).toMatch(/INFO  \[net\] ipv4 10\.0\.0\.2\/24 gateway none \(static\) on service \(mac 02:00:00:00:01:01, mtu 1500\)/);
    const h2 = await boot(`--ipv4=192.168.7.9/16 --ipv4-gateway=192.168.0.1 --log=warn`);
    expect(h2.exitStatus).toBeNull();
    expect(h2.console).toBe(""); // --log=warn: the info line is not printed
  });

  test.each([
    ["--ipv4=10.0.0.256/24", "--ipv4: '10.0.0.256/24' (expected an IPv4 address and prefix length, like 10.0.0.2/24)"],
    ["--ipv4=10.0.0.2", "--ipv4: '10.0.0.2' (expected an IPv4 address and prefix length, like 10.0.0.2/24)"],
    ["--ipv4=10.0.0.2/33", "--ipv4: '10.0.0.2/33' (expected an IPv4 address and prefix length"],
    ["--ipv4=10.0.0.0/24", "--ipv4: '10.0.0.0/24' (expected an address that is neither the network's nor its broadcast address)"],
    ["--ipv4=224.0.0.1/24", "--ipv4: '224.0.0.1/24' (expected a unicast address"],
    ["--ipv4-gateway=10.0.0.1.1", "--ipv4-gateway: '10.0.0.1.1' (expected an IPv4 address, like 10.0.0.1)"],
    ["--ipv4-gateway=10.0.1.1", "--ipv4-gateway: '10.0.1.1' (expected an address inside 10.0.0.0/24 other than 10.0.0.2)"],
    ["--ipv4-gateway=10.0.0.2", "--ipv4-gateway: '10.0.0.2' (expected an address inside 10.0.0.0/24 other than 10.0.0.2)"],
    ["--log=loud", "--log: 'loud' (expected one of debug, info, warn, error)"],
  ])("%s stops the image naming the argument", async (arg, message) => {
    const h = await boot(arg);
    expect(h.exitStatus).toBe(1);
    expect(h.console).toContain(`bad value for boot argument ${message}`);
  });

  test("a missing net device stops the image with a message", async () => {
    const h = await Harness.start(ENTRY, { devices: [{ name: "other", type: "net", mac: US_MAC }] });
    h.call("boot");
    expect(h.exitStatus).toBe(1);
    expect(h.console).toContain("no net device 'service' attached");
  });
});

describe("counters", () => {
  test("each datagram in and out is counted once", async () => {
    const net = await Net.boot();
    net.bind(7, 0);
    net.send(ipFrame({ protocol: 1 }, echo), ipFrame({}, udp(PEER, US, 1000, 7, [1, 2, 3])));
    const c = net.counters();
    expect([c.ipv4.packetsIn, c.ipv4.delivered, c.ipv4.packetsOut]).toEqual([2n, 2n, 2n]);
    expect(c.ethernet.framesOut).toBe(3n); // and the announcement at boot
  });
});
