// The stub resolver as scripted exchanges with a fake clock: the test
// plays the DNS server (answers built here), checks ids and ports, sends
// answers that are not to the question, truncates one to force TCP, and
// lets others time out.
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { PEER, PEER_MAC, US, US_MAC, arp, ethernet, ipFrame, udp, be16, be32, ipText } from "../net/helpers.ts";
import { parseSegment, tcpFrame } from "../tcp/helpers.ts";

const S = 1_000_000_000n;

interface Query { srcPort: number; id: number; name: string; type: number; bytes: Uint8Array }

function parseQuery(f: Uint8Array): Query | null {
  if (be16(f, 12) !== 0x0800 || f[23] !== 17 || be16(f, 36) !== 53) return null;
  const m = f.subarray(42);
  let i = 12;
  const labels: string[] = [];
  while (m[i] !== 0) { labels.push(Buffer.from(m.subarray(i + 1, i + 1 + m[i])).toString()); i += m[i] + 1; }
  return { srcPort: be16(f, 34), id: be16(m, 0), name: labels.join("."), type: be16(m, i + 1), bytes: m.slice() };
}

/** An answer to `q`: its question, then `records` ([type, ttl, rdata]), with overrides. */
function answer(q: Query, records: [number, number, number[]][], o: { id?: number; flags?: number; question?: Uint8Array; nsSoa?: boolean } = {}): Uint8Array {
  const qEnd = 12 + q.bytes.subarray(12).indexOf(0) + 5;
  const question = o.question ?? q.bytes.subarray(12, qEnd);
  const head = [(o.id ?? q.id) >> 8, (o.id ?? q.id) & 255, ((o.flags ?? 0x8180) >> 8), (o.flags ?? 0x8180) & 255, 0, 1, 0, records.length, 0, o.nsSoa ? 1 : 0, 0, 0];
  const rrs = records.flatMap(([type, ttl, rd]) => [0xc0, 12, type >> 8, type & 255, 0, 1, ttl >>> 24, (ttl >> 16) & 255, (ttl >> 8) & 255, ttl & 255, rd.length >> 8, rd.length & 255, ...rd]);
  const soa = o.nsSoa ? [0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 60, 0, 22, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 30] : [];
  return Uint8Array.from([...head, ...question, ...rrs, ...soa]);
}

class Env {
  constructor(readonly h: Harness) {}
  static async boot(): Promise<Env> {
    const h = await Harness.start("tests/dns/as/resolver.ts", {
      devices: [{ name: "service", type: "net", mac: US_MAC }], cmdline: `--ipv4=${US}/24 --dns-server=${PEER}`,
    });
    expect(h.exitStatus, h.console).toBe(null);
    const e = new Env(h);
    e.deliver(ethernet(US_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, "00:00:00:00:00:00", US)));
    return e;
  }
  /** Deliver `frame`, turn the loop: what was sent (ARP for the server answered). */
  deliver(frame?: Uint8Array): Uint8Array[] {
    if (frame) this.h.net().deliver(frame, this.h.monotonic);
    this.h.call("turn");
    expect(this.h.exitStatus, this.h.console).toBe(null);
    const out: Uint8Array[] = [];
    for (const f of this.h.net().takeSent()) {
      if (be16(f, 12) === 0x0806 && be16(f, 20) === 1 && ipText(be32(f, 38)) === PEER) {
        out.push(...this.deliver(ethernet(US_MAC, PEER_MAC, 0x0806, arp(2, PEER_MAC, PEER, US_MAC, US))));
      } else out.push(f);
    }
    return out;
  }
  lookup(name: string, aaaa = false): Query[] {
    this.h.call("lookup", this.h.newString(name), aaaa ? 1 : 0);
    return this.deliver().map(parseQuery).filter((q): q is Query => q !== null);
  }
  reply(q: Query, msg: Uint8Array, srcPort = 53, src = PEER): Uint8Array[] {
    return this.deliver(ipFrame({ protocol: 17, src, dst: US }, udp(src, US, srcPort, q.srcPort, msg)));
  }
  until(at: bigint): Query[] {
    const out: Query[] = [];
    while (this.h.monotonic < at) {
      this.h.monotonic += S / 4n;
      out.push(...this.deliver().map(parseQuery).filter((q): q is Query => q !== null));
    }
    return out;
  }
  get results(): string { return this.h.string(this.h.call("takeResults"))!; }
  get counters(): string { return this.h.string(this.h.call("counters"))!; }
}

const A = (a: string): [number, number, number[]] => [1, 300, a.split(".").map(Number)];

describe("resolver (scripted, fake clock)", () => {
  test("a query: random id and source port, RD set, one question; the answer is cached for its TTL", async () => {
    const e = await Env.boot();
    const [q1] = e.lookup("www.example.test");
    expect(q1).toMatchObject({ name: "www.example.test", type: 1 });
    expect(q1.srcPort).toBeGreaterThanOrEqual(49152);
    expect(be16(q1.bytes, 2)).toBe(0x0100);
    e.reply(q1, answer(q1, [A("192.0.2.1"), A("192.0.2.2")]));
    expect(e.results).toBe("www.example.test 192.0.2.1 192.0.2.2 ttl 300");
    const [q2] = e.lookup("other.example.test");
    expect([q2.id, q2.srcPort]).not.toEqual([q1.id, q1.srcPort]);
    e.reply(q2, answer(q2, [A("192.0.2.3")]));
    e.results;
    expect(e.lookup("WWW.example.test")).toEqual([]);
    expect(e.results).toBe("WWW.example.test 192.0.2.1 192.0.2.2 ttl 300 cache");
    e.until(301n * S);
    expect(e.lookup("www.example.test").length).toBe(1); // expired: asked again
  });

  test("answers not to our question are ignored: id, source address and port, question, not a response", async () => {
    const e = await Env.boot();
    const [q] = e.lookup("www.example.test");
    e.reply(q, answer(q, [A("198.51.100.1")], { id: q.id ^ 1 }));
    e.reply(q, answer(q, [A("198.51.100.2")]), 5353);
    e.reply(q, answer(q, [A("198.51.100.3")]), 53, "10.99.1.3");
    const other = Uint8Array.from([3, 0x77, 0x77, 0x78, 7, ...Buffer.from("example"), 4, ...Buffer.from("test"), 0, 0, 1, 0, 1]);
    e.reply(q, answer(q, [A("198.51.100.4")], { question: other }));
    e.reply(q, answer(q, [A("198.51.100.5")], { flags: 0x0100 }));
    expect(e.results).toBe("");
    e.reply(q, answer(q, [A("192.0.2.9")]));
    expect(e.results).toBe("www.example.test 192.0.2.9 ttl 300");
    expect(e.counters).toMatch(/ignored=5/);
  });

  test("CNAME chains are followed; NXDOMAIN is cached for the SOA minimum (RFC 2308)", async () => {
    const e = await Env.boot();
    const [q] = e.lookup("alias.example.test");
    // alias -> (pointer to the question name's "example.test") target "t.example.test"
    const target = [1, 0x74, 0xc0, 12 + 6];
    const msg = answer(q, [[5, 100, target]]);
    // Append t.example.test A, owner by pointer to the CNAME's RDATA.
    const rdataAt = msg.length - target.length;
    const tail = [0xc0, rdataAt, 0, 1, 0, 1, 0, 0, 0, 50, 0, 4, 192, 0, 2, 7];
    const full = Uint8Array.from([...msg, ...tail]);
    full[7] = 2;
    e.reply(q, full);
    expect(e.results).toBe("alias.example.test 192.0.2.7 ttl 50");
    const [n] = e.lookup("gone.example.test");
    e.reply(n, answer(n, [], { flags: 0x8183, nsSoa: true }));
    expect(e.results).toBe("gone.example.test error no such name ttl 30");
    expect(e.lookup("gone.example.test")).toEqual([]);
    expect(e.results).toBe("gone.example.test error no such name ttl 30 cache");
  });

  test("no answer: asked again after the timeout, then a timeout error", async () => {
    const e = await Env.boot();
    const [q1] = e.lookup("slow.example.test");
    const again = e.until(2n * S + S / 4n);
    expect(again.length).toBe(1);
    expect([again[0].id, again[0].srcPort]).not.toEqual([q1.id, q1.srcPort]);
    e.until(5n * S);
    expect(e.results).toBe("slow.example.test error timeout ttl 0");
  });

  test("a truncated answer is asked again over TCP (RFC 7766 §5)", async () => {
    const e = await Env.boot();
    const [q] = e.lookup("big.example.test");
    const out = e.reply(q, answer(q, [], { flags: 0x8380 })).map(parseSegment);
    const syn = out.find((s) => s.flags === "S")!;
    expect(syn).toMatchObject({ dstPort: 53, dst: PEER });
    const ack = e.deliver(tcpFrame({ srcPort: 53, dstPort: syn.srcPort, flags: "SA", seq: 7000, ack: syn.seq + 1, opts: { mss: 1460 } })).map(parseSegment);
    const data = ack.find((s) => s.data.length > 0)!;
    const len = (data.data[0] << 8) | data.data[1];
    expect(len).toBe(data.data.length - 2);
    const tq = { ...q, bytes: data.data.slice(2), id: be16(data.data, 2) };
    expect(tq.id).toBe(q.id);
    const big = answer(tq, Array.from({ length: 40 }, (_, i) => A(`192.0.2.${i + 1}`)));
    const framed = Uint8Array.from([big.length >> 8, big.length & 255, ...big]);
    e.deliver(tcpFrame({ srcPort: 53, dstPort: syn.srcPort, flags: "P", seq: 7001, ack: data.seq + data.data.length, data: framed }));
    expect(e.results.split(" ").length).toBe(1 + 40 + 2);
    expect(e.counters).toMatch(/tcp=1/);
  });
});
