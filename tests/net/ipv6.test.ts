// IPv6 in the stack (libos/net/ipv6) over the harness's in-memory link,
// with a fake clock: DAD at boot, Neighbor Discovery answers compared with
// Linux's own in the captures (the stack plays router R, fd00:99:1::1 with
// R's MAC), resolution with its retries, the NUD states (REACHABLE, STALE,
// DELAY, PROBE), and the cache refusing to learn from an advertisement
// nobody asked for. Frames are built here from RFC 8200 and RFC 4861,
// independently of libos/wire.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { Harness, ROOT } from "../harness/index.ts";
import { Net, be16, PEER_MAC, SECOND, US_MAC, frames, inetChecksum, macBytes, macText } from "./helpers.ts";

const rd = frames("ipv6-router-discovery");

const ENTRY6 = "tests/net/as/stack6.ts";
const R6 = "fd00:99:1::1";
const A6 = "fd00:99:1::2";
const ping = frames("ipv6-ping");

/** The 16 bytes of an IPv6 address in RFC 4291 text. */
function v6(text: string): number[] {
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}
const hiLo = (text: string) => {
  const b = v6(text);
  const n = (bytes: number[]) => bytes.reduce((a, x) => (a << 8n) | BigInt(x), 0n);
  return [n(b.slice(0, 8)), n(b.slice(8))];
};
const text6 = (b: Uint8Array, at: number) =>
  Array.from({ length: 8 }, (_, i) => ((b[at + 2 * i] << 8) | b[at + 2 * i + 1]).toString(16)).join(":");

/** An ICMPv6 message in an IPv6 packet in an Ethernet frame. */
function icmp6Frame(dstMac: string, srcMac: string, src: string, dst: string, type: number, body: number[], hlim = 255): Uint8Array {
  const msg = [type, 0, 0, 0, ...body];
  const pseudo = [...v6(src), ...v6(dst), 0, 0, msg.length >> 8, msg.length & 0xff, 0, 0, 0, 58];
  const c = inetChecksum(pseudo, msg);
  msg[2] = c >> 8;
  msg[3] = c & 0xff;
  const ip = [0x60, 0, 0, 0, msg.length >> 8, msg.length & 0xff, 58, hlim, ...v6(src), ...v6(dst)];
  return Uint8Array.from([...macBytes(dstMac), ...macBytes(srcMac), 0x86, 0xdd, ...ip, ...msg]);
}
/** A neighbour advertisement for `target` (flags R 0x80, S 0x40, O 0x20). */
const na = (target: string, flags: number, mac: string, src = target, dst = R6) =>
  icmp6Frame(US_MAC, mac, src, dst, 136, [flags, 0, 0, 0, ...v6(target), 2, 1, ...macBytes(mac)]);

/** What an ND frame of ours says: "TYPE src>dst target [opt mac]". */
function nd(f: Uint8Array): string {
  expect([f[12], f[13]]).toEqual([0x86, 0xdd]);
  expect(f[21]).toBe(255); // hop limit (RFC 4861 §7.1)
  const type = f[54];
  const name = type === 135 ? "NS" : type === 136 ? "NA" : type === 133 ? "RS" : String(type);
  let s = `${name} ${text6(f, 22)}>${text6(f, 38)} ${macText(f, 0)}`;
  if (type === 135 || type === 136) s += ` target ${text6(f, 62)}`;
  const opt = type === 133 ? 62 : 78;
  if (f.length > opt) s += ` opt${f[opt]} ${macText(f, opt + 2)}`;
  return s;
}

async function boot(keepBoot = false): Promise<Net> {
  const net = await Net.boot({ entry: ENTRY6, cmdline: `--ipv4=10.99.1.1/24 --ipv6=${R6}/64`, keepBoot });
  if (!keepBoot) {
    net.advance(SECOND); // DAD done
    net.sent();
  }
  return net;
}

describe("addresses", () => {
  test("at boot, one DAD probe per address from :: to its solicited-node group; usable a second later", async () => {
    const net = await boot(true);
    const probes = net.sent().filter((f) => f[12] === 0x86 && f[20] === 58).map(nd); // MLD reports aside
    expect(probes.sort()).toEqual([
      "NS 0:0:0:0:0:0:0:0>ff02:0:0:0:0:1:ff00:1 33:33:ff:00:00:01 target fd00:99:1:0:0:0:0:1",
      "NS 0:0:0:0:0:0:0:0>ff02:0:0:0:0:1:ff00:101 33:33:ff:00:01:01 target fe80:0:0:0:0:ff:fe00:101",
    ]);
    // Tentative: an echo request to it gets nothing.
    expect(net.send(ping[2])).toEqual([]);
    net.advance(SECOND);
    expect(net.h.console).toContain("ipv6 fe80::ff:fe00:101/64 (link-local)");
    expect(net.h.console).toContain(`ipv6 ${R6}/64 (static)`);
  });

  test("an advertisement for a tentative address makes it a duplicate: refused, said, never answered for", async () => {
    const net = await boot(true);
    net.sent();
    net.send(na(R6, 0x20, PEER_MAC, R6, "ff02::1"));
    net.advance(2n * SECOND);
    expect(net.h.console).toMatch(/ipv6 fd00:99:1::1\/64 \(static\) refused: duplicate address \(another host answers for it/);
    expect(net.send(ping[0])).toEqual([]); // Linux's NS for it
    expect(net.counters().nd.dadConflicts).toBe(1n);
  });
  test("--ipv6-dad-transmits=3: three probes a second apart, usable after the third second; an answer to the second still refuses", async () => {
    const net = await Net.boot({ entry: ENTRY6, cmdline: `--ipv4=10.99.1.1/24 --ipv6=${R6}/64 --ipv6-dad-transmits=3`, keepBoot: true });
    const probesOf = (fs: Uint8Array[]) => fs.filter((f) => f[12] === 0x86 && f[20] === 58 && f[54] === 135).length;
    expect(probesOf(net.sent())).toBe(2);
    expect(probesOf(net.advance(SECOND))).toBe(2);
    expect(net.h.console).not.toContain("(link-local)");
    net.send(na(R6, 0x20, PEER_MAC, R6, "ff02::1"));
    expect(probesOf(net.advance(SECOND))).toBe(1); // the link-local address's third
    net.advance(SECOND);
    expect(net.h.console).toContain("ipv6 fe80::ff:fe00:101/64 (link-local)");
    expect(net.h.console).toMatch(/ipv6 fd00:99:1::1\/64 \(static\) refused: duplicate address/);
    expect(net.counters().nd.dadProbesOut).toBe(5n);
  });

  test("--ipv6-dad-transmits=0: no probe, both addresses usable at once; a value past 10 stops the image saying what is expected", async () => {
    const net = await Net.boot({ entry: ENTRY6, cmdline: `--ipv4=10.99.1.1/24 --ipv6=${R6}/64 --ipv6-dad-transmits=0`, keepBoot: true });
    expect(net.sent().filter((f) => f[12] === 0x86 && f[20] === 58 && f[54] === 135)).toEqual([]);
    expect(net.h.console).toContain(`ipv6 ${R6}/64 (static)`);
    expect(net.h.console).toContain("ipv6 fe80::ff:fe00:101/64 (link-local)");
    const h = await Harness.start(ENTRY6, { cmdline: "--ipv6-dad-transmits=11", devices: [{ name: "service", type: "net", mac: US_MAC }] });
    h.call("boot");
    expect(h.exitStatus).toBe(1);
    expect(h.console).toContain("bad value for boot argument --ipv6-dad-transmits: '11' (expected an integer from 0 to 10)");
  });
});

describe("neighbor discovery", () => {
  test("Linux's solicitation gets the advertisement Linux gave, byte for byte; its echo request the reply", async () => {
    const net = await boot();
    expect(net.send(ping[0])).toEqual([ping[1]]);
    const [reply] = net.send(ping[2]);
    // The flow label (bytes 15-17) is the sender's choice; all else is Linux's.
    const zeroFlow = (f: Uint8Array) => Uint8Array.from(f, (x, i) => (i === 15 ? x & 0xf0 : i === 16 || i === 17 ? 0 : x));
    expect(zeroFlow(reply)).toEqual(zeroFlow(ping[3]));
  });

  test("a datagram to an unknown neighbour waits for its resolution, then goes to the MAC advertised", async () => {
    const net = await boot();
    net.bind(5000, 1);
    net.h.input(new TextEncoder().encode("hi"));
    const [hi, lo] = hiLo(A6);
    expect(net.call("sendTo6", 5000, hi, lo, 7)).toBe(1);
    expect(net.sent().map(nd)).toEqual([`NS fd00:99:1:0:0:0:0:1>ff02:0:0:0:0:1:ff00:2 33:33:ff:00:00:02 target fd00:99:1:0:0:0:0:2 opt1 ${US_MAC}`]);
    expect(net.h.string(net.call("neighbour", hi, lo))).toBe("incomplete ffffffffffffffff"); // no MAC yet
    const out = net.send(na(A6, 0x60, PEER_MAC));
    expect(out.length).toBe(1);
    expect(macText(out[0], 0)).toBe(PEER_MAC);
    expect(out[0][20]).toBe(17); // the UDP datagram
    expect(net.h.string(net.call("neighbour", hi, lo))).toBe("reachable 20000000102 confirmed");
  });

  test("unanswered: three solicitations a second apart, then the datagram is dropped", async () => {
    const net = await boot();
    net.bind(5000, 1);
    net.h.input(new TextEncoder().encode("anyone"));
    const [hi, lo] = hiLo("fd00:99:1::9");
    net.call("sendTo6", 5000, hi, lo, 7);
    expect(net.sent().length).toBe(1);
    expect(net.advance(SECOND).length).toBe(1);
    expect(net.advance(SECOND).length).toBe(1);
    expect(net.advance(SECOND)).toEqual([]);
    expect(net.h.string(net.call("neighbour", hi, lo))).toBe("none");
    const c = net.counters().neighbours;
    expect([c.failures, c.dropQueued]).toEqual([1n, 1n]);
  });

  test("NUD: reachable for 30 s, then stale; used stale it waits 5 s (DELAY), then probes by unicast", async () => {
    const net = await boot();
    net.bind(5000, 1);
    const [hi, lo] = hiLo(A6);
    const send = () => {
      net.h.input(new TextEncoder().encode("x"));
      return net.call("sendTo6", 5000, hi, lo, 7);
    };
    send();
    net.sent();
    net.send(na(A6, 0x60, PEER_MAC));
    net.advance(31n * SECOND);
    send();
    expect(net.sent().map((f) => macText(f, 0))).toEqual([PEER_MAC]); // sent at once, stale
    expect(net.h.string(net.call("neighbour", hi, lo))).toBe("delay 20000000102 confirmed");
    const probe = net.advance(5n * SECOND);
    expect(probe.map(nd)).toEqual([`NS fd00:99:1:0:0:0:0:1>fd00:99:1:0:0:0:0:2 ${PEER_MAC} target fd00:99:1:0:0:0:0:2 opt1 ${US_MAC}`]);
    net.send(na(A6, 0x60, PEER_MAC));
    expect(net.h.string(net.call("neighbour", hi, lo))).toBe("reachable 20000000102 confirmed");
  });

  test("Packet Too Big lowers the path MTU to its destination (RFC 8201): what follows goes in fragments within it", async () => {
    const net = await boot();
    net.bind(5000, 1);
    const [hi, lo] = hiLo(A6);
    const send = (n: number) => {
      net.h.input(new Uint8Array(n).fill(0x61));
      net.call("sendTo6", 5000, hi, lo, 7);
      return net.sent();
    };
    send(1);
    net.send(na(A6, 0x60, PEER_MAC));
    expect(send(1400).map((f) => f.length)).toEqual([14 + 40 + 8 + 1400]);
    // From a router on the path, quoting our datagram's header.
    const quoted = [0x60, 0, 0, 0, 0x05, 0x80, 17, 64, ...v6(R6), ...v6(A6), 0x13, 0x88, 0, 7, 0x05, 0x80, 0, 0];
    net.send(icmp6Frame(US_MAC, PEER_MAC, "fd00:99:1::fe", R6, 2, [0, 0, 0x05, 0x00, ...quoted], 64));
    const frags = send(1400);
    expect(frags.map((f) => f.length)).toEqual([14 + 1280, 14 + 40 + 8 + 1408 - 1232]);
    expect(frags.map((f) => f[20])).toEqual([44, 44]); // fragment headers
    expect(net.counters().icmpv6.packetTooBigIn).toBe(1n);
  });

  test("a datagram whose fragments never all come: after 30 s, ICMPv6 time exceeded in reassembly (RFC 8200 §4.5)", async () => {
    const net = await boot();
    // Linux's echo request to R from A, in three fragments: the first two come.
    const frag = frames("ipv6-fragmented-ping");
    expect(net.send(frag[0])).toEqual([frag[1]]); // Linux's NS, our NA as Linux's
    expect(net.send(frag[2], frag[3])).toEqual([]);
    const out = net.advance(31n * SECOND);
    expect(out.length).toBe(1);
    const e = out[0];
    expect([e[20], e[54], e[55]]).toEqual([58, 3, 1]); // ICMPv6, time exceeded, in reassembly
    expect(macText(e, 0)).toBe(PEER_MAC);
    expect(text6(e, 38)).toBe("fd00:99:1:0:0:0:0:2");
    // The quote starts with the first fragment's IPv6 header.
    expect(text6(e, 62 + 8)).toBe("fd00:99:1:0:0:0:0:2");
    expect(net.counters().icmpv6.timeExceededOut).toBe(1n);
  });

  test("UDP over IPv6: Linux's datagram is echoed; the same with checksum 0 is refused (RFC 8200 §8.1)", async () => {
    const net = await boot();
    const udp = frames("ipv6-udp");
    net.bind(7000, 0);
    net.send(udp[0]); // its NS, so we know A
    const [echo] = net.send(udp[2]);
    expect(text6(echo, 38)).toBe("fd00:99:1:0:0:0:0:2");
    expect(Array.from(echo.subarray(62))).toEqual(Array.from(udp[2].subarray(62))); // the payload
    const zero = udp[2].slice();
    zero[60] = 0;
    zero[61] = 0;
    expect(net.send(zero)).toEqual([]);
    expect(net.counters().udp.dropBadChecksum).toBe(1n);
  });

  test("solicitations from 200 spoofed sources never evict a neighbour that answered us", async () => {
    const net = await boot();
    net.bind(5000, 1);
    const [hi, lo] = hiLo(A6);
    net.h.input(new TextEncoder().encode("x"));
    net.call("sendTo6", 5000, hi, lo, 7);
    net.send(na(A6, 0x60, PEER_MAC));
    const spoofed = Array.from({ length: 200 }, (_, i) => {
      const mac = `02:00:00:aa:${((i >> 8) & 0xff).toString(16).padStart(2, "0")}:${(i & 0xff).toString(16).padStart(2, "0")}`;
      return icmp6Frame("33:33:ff:00:00:01", mac, `fd00:99:1::${(0x1000 + i).toString(16)}`, "ff02::1:ff00:1", 135,
        [0, 0, 0, 0, ...v6(R6), 1, 1, ...macBytes(mac)]);
    });
    expect(net.send(...spoofed).length).toBe(200); // each answered
    expect(net.h.string(net.call("neighbour", hi, lo))).toBe("reachable 20000000102 confirmed");
    // At most half the 64 entries hold unconfirmed sources: the rest were evicted among themselves.
    expect(net.counters().neighbours.evictedUnconfirmed).toBe(200n - 32n);
  });

  test("an advertisement nobody asked for teaches nothing; a solicitation to us makes a stale, unconfirmed entry", async () => {
    const net = await boot();
    const [hi, lo] = hiLo(A6);
    net.send(na(A6, 0x20, PEER_MAC));
    expect(net.h.string(net.call("neighbour", hi, lo))).toBe("none");
    net.send(ping[0]);
    expect(net.h.string(net.call("neighbour", hi, lo))).toBe("stale 20000000102");
  });
});

describe("router discovery and SLAAC (the stack as host A of the captures, radvd's router R)", () => {
  async function bootA(): Promise<Net> {
    const net = await Net.boot({ entry: ENTRY6, cmdline: "--ipv4=10.99.1.2/24", keepBoot: true,
      devices: [{ name: "service", type: "net", mac: PEER_MAC, mtu: 1500 }] });
    net.call("recordConfig");
    net.sent();
    return net;
  }
  const events = (net: Net) => net.h.string(net.call("configEvents6"))!.split("\n").filter((l) => l);

  test("link-local first, then a solicitation to all-routers; radvd's RA gives the router, the MTU, a SLAAC address", async () => {
    const net = await bootA();
    const rs = [...net.advance(SECOND), ...net.advance(SECOND)].filter((f) => f[54] === 133);
    expect(events(net)).toEqual(["bound fe80::ff:fe00:102/64 link-local"]);
    expect(rs.map(nd)).toEqual([`RS fe80:0:0:0:0:ff:fe00:102>ff02:0:0:0:0:0:0:2 33:33:00:00:00:02 opt1 ${PEER_MAC}`]);
    // R's solicitation for our link-local address: Linux A's advertisement, byte for byte.
    expect(net.send(rd[1])).toEqual([rd[2]]);
    const probe = net.send(rd[3]).filter((f) => f[20] === 58); // its MLD report aside
    expect(net.h.console).toContain("ipv6 default router fe80::ff:fe00:101 (router advertisement)");
    expect(net.h.console).toContain("ipv6 link mtu 1400 (router advertisement)");
    expect(probe.map(nd)).toEqual(["NS 0:0:0:0:0:0:0:0>ff02:0:0:0:0:1:ff00:102 33:33:ff:00:01:02 target fd00:99:1:0:0:ff:fe00:102"]);
    net.advance(SECOND);
    expect(events(net)).toEqual(["bound fd00:99:1::ff:fe00:102/64 SLAAC"]);
    expect(net.h.console).toContain("ipv6 fd00:99:1::ff:fe00:102/64 (SLAAC)");
    // No more solicitations once a router has answered.
    expect(net.advance(10n * SECOND).filter((f) => f[54] === 133)).toEqual([]);
  });

  test("a prefix whose valid lifetime ends takes its address away (a Lost event)", async () => {
    const net = await bootA();
    net.advance(2n * SECOND);
    events(net);
    const prefix = [3, 4, 64, 0xc0, 0, 0, 0, 10, 0, 0, 0, 5, 0, 0, 0, 0, ...v6("fd00:5::")];
    const ra = icmp6Frame(PEER_MAC, US_MAC, "fe80::ff:fe00:101", "ff02::1", 134, [64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...prefix]);
    net.send(ra);
    net.advance(SECOND);
    expect(events(net)).toEqual(["bound fd00:5::ff:fe00:102/64 SLAAC"]);
    net.advance(10n * SECOND);
    expect(events(net)).toEqual(["lost fd00:5::ff:fe00:102/64 SLAAC"]);
    expect(net.h.console).toContain("ipv6 fd00:5::ff:fe00:102/64 (SLAAC) expired");
  });
});

describe("MLDv2 (RFC 3810), as far as a host needs", () => {
  test("before its DAD probe, each address's solicited-node group is reported; a query gets them again; tcpdump decodes it all", async () => {
    const net = await Net.boot({ entry: ENTRY6, cmdline: `--ipv4=10.99.1.1/24 --ipv6=${R6}/64`, keepBoot: true, pcapName: "net-ipv6-mld" });
    const boot = net.sent().filter((f) => f[12] === 0x86);
    const reports = boot.filter((f) => f[20] === 0); // a hop-by-hop header first
    expect(reports.length).toBe(2); // on joining each group
    const last = reports.at(-1)!;
    expect(macText(last, 0)).toBe("33:33:00:00:00:16");
    expect(last[21]).toBe(1); // hop limit
    expect(text6(last, 22)).toBe("0:0:0:0:0:0:0:0"); // before any address is ours
    expect(Array.from(last.subarray(54, 62))).toEqual([58, 0, 5, 2, 0, 0, 1, 0]); // Router Alert, PadN
    expect([last[62], be16(last, 68)]).toEqual([143, 2]); // report, two records
    expect([text6(last, 74), text6(last, 94)].sort()).toEqual(["ff02:0:0:0:0:1:ff00:1", "ff02:0:0:0:0:1:ff00:101"]);
    net.advance(SECOND);
    // A general query from a router (hop limit 1, link-local source).
    const query = icmp6Frame("33:33:00:00:00:01", PEER_MAC, "fe80::1", "ff02::1", 130,
      [0, 0, 0, 0, ...v6("::"), 0, 0, 0, 0], 1);
    const answer = net.send(query);
    expect(answer.length).toBe(1);
    expect(text6(answer[0], 22)).toBe("fe80:0:0:0:0:ff:fe00:101"); // now from the link-local address
    const file = path.join(ROOT, "build", "pcap", "net-ipv6-mld.service.pcap");
    const text = execFileSync("tcpdump", ["-r", file, "-nn", "-vv", "-t", "ip6"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(text).toMatch(/multicast listener report v2, 2 group record\(s\)/);
    expect(text).toContain("[gaddr ff02::1:ff00:1 to_ex { }]");
    expect(text).not.toMatch(/bad|wrong|invalid|truncated/i);
  });
});
