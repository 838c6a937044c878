// The DHCP client as a scripted exchange with a fake clock: the test plays
// the server (messages built here from RFC 2131/2132, not with libos/wire),
// and checks what the client sends, when, and what the stack then uses.
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { arp, ethernet, ipFrame, udp, ip, ipText, macBytes, be16, be32 } from "../net/helpers.ts";

const ME = "02:00:00:00:44:01";
const SERVER = "10.0.0.1";
const SERVER_MAC = "02:00:00:00:44:fe";
const OFFERED = "10.0.0.77";
const S = 1_000_000_000n;

interface Sent { src: string; dst: string; dstMac: string; type: number; xid: number; flags: number; ciaddr: string; options: Map<number, Uint8Array> }

function parseDhcp(f: Uint8Array): Sent | null {
  if (be16(f, 12) !== 0x0800 || f[23] !== 17) return null;
  const ihl = (f[14] & 15) * 4;
  const u = 14 + ihl;
  if (be16(f, u + 2) !== 67) return null;
  const m = f.subarray(u + 8);
  const options = new Map<number, Uint8Array>();
  for (let i = 240; i < m.length && m[i] !== 255;) {
    if (m[i] === 0) { i++; continue; }
    options.set(m[i], m.subarray(i + 2, i + 2 + m[i + 1]));
    i += 2 + m[i + 1];
  }
  return {
    src: ipText(be32(f, 26)), dst: ipText(be32(f, 30)),
    dstMac: Array.from(f.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(":"),
    type: options.get(53)![0], xid: be32(m, 4), flags: be16(m, 10), ciaddr: ipText(be32(m, 12)), options,
  };
}

const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** A server message: `type` 2 OFFER, 5 ACK, 6 NAK. */
function reply(type: number, xid: number, o: { yiaddr?: string; chaddr?: string; op?: number; server?: string; lease?: number; t1?: number; t2?: number; cookie?: boolean; dns?: string } = {}): Uint8Array {
  const m = new Uint8Array(300);
  m[0] = o.op ?? 2; m[1] = 1; m[2] = 6;
  m.set(u32(xid), 4);
  m.set(u32(ip(o.yiaddr ?? (type === 6 ? "0.0.0.0" : OFFERED))), 16);
  m.set(u32(ip(SERVER)), 20);
  m.set(macBytes(o.chaddr ?? ME), 28);
  if (o.cookie !== false) m.set([99, 130, 83, 99], 236);
  const opts = [53, 1, type, 54, 4, ...u32(ip(o.server ?? SERVER))];
  if (type !== 6) {
    opts.push(51, 4, ...u32(o.lease ?? 120), 1, 4, 255, 255, 255, 0, 3, 4, ...u32(ip(SERVER)), 6, 4, ...u32(ip(o.dns ?? SERVER)));
    if (o.t1) opts.push(58, 4, ...u32(o.t1));
    if (o.t2) opts.push(59, 4, ...u32(o.t2));
  }
  opts.push(255);
  m.set(opts, 240);
  return ipFrame({ protocol: 17, src: SERVER, dst: "255.255.255.255" }, udp(SERVER, "255.255.255.255", 67, 68, m), "ff:ff:ff:ff:ff:ff", SERVER_MAC);
}

class Client {
  constructor(readonly h: Harness) {}
  static async boot(): Promise<Client> {
    const h = await Harness.start("tests/dns/as/dhcp.ts", {
      devices: [{ name: "service", type: "net", mac: ME }], cmdline: "--dhcp=true --name=morgana-test",
    });
    expect(h.exitStatus, h.console).toBe(null);
    return new Client(h);
  }
  /** Deliver `frame` now, turn the loop, and what was sent (ARP for the server answered). */
  send(frame?: Uint8Array): Sent[] {
    if (frame) this.h.net().deliver(frame, this.h.monotonic);
    this.h.call("turn");
    return this.sent();
  }
  /** Move the clock to `at` (ns), firing what is due on the way. */
  until(at: bigint): Sent[] {
    const out: Sent[] = [];
    while (this.h.monotonic < at) {
      const next = this.h.monotonic + S / 4n;
      this.h.monotonic = next < at ? next : at;
      out.push(...this.send());
    }
    return out;
  }
  private sent(): Sent[] {
    const out: Sent[] = [];
    for (const f of this.h.net().takeSent()) {
      if (be16(f, 12) === 0x0806 && be16(f, 20) === 1 && ipText(be32(f, 38)) === SERVER) {
        // Who has the server? Answer, so a unicast RENEW can go out.
        this.h.net().deliver(ethernet(ME, SERVER_MAC, 0x0806, arp(2, SERVER_MAC, SERVER, ME, ipText(be32(f, 28)))), this.h.monotonic);
        this.h.call("turn");
        out.push(...this.sent());
        continue;
      }
      const d = parseDhcp(f);
      if (d) out.push(d);
    }
    return out;
  }
  get state(): string { return this.h.string(this.h.call("state"))!; }
  get counters(): string { return this.h.string(this.h.call("counters"))!; }
}

/** Boot, DISCOVER, OFFER, REQUEST, ACK: a bound client and the lease's start. */
async function bound(lease = 120, t1?: number, t2?: number): Promise<{ c: Client; start: bigint }> {
  const c = await Client.boot();
  const [discover] = c.send();
  const [request] = c.send(reply(2, discover.xid));
  const start = c.h.monotonic;
  c.send(reply(5, request.xid, { lease, t1, t2 }));
  expect(c.state).toBe(`bound ${OFFERED}/24 ${SERVER}`);
  return { c, start };
}

describe("dhcp client (scripted, fake clock)", () => {
  test("DISCOVER at boot: broadcast from 0.0.0.0, broadcast flag, host name, parameters", async () => {
    const c = await Client.boot();
    const [d] = c.send();
    expect(d).toMatchObject({ src: "0.0.0.0", dst: "255.255.255.255", dstMac: "ff:ff:ff:ff:ff:ff", type: 1, flags: 0x8000 });
    expect(Buffer.from(d.options.get(12)!).toString()).toBe("morgana-test");
    expect(Array.from(d.options.get(55)!)).toEqual([1, 3, 6, 15, 51, 58, 59]);
    expect(c.state).toBe("selecting 0.0.0.0/0 0.0.0.0");
  });

  test("DISCOVER again with randomised exponential back-off: 4, 8, 16 s, each ±1 s (RFC 2131 §4.1)", async () => {
    const c = await Client.boot();
    const [first] = c.send();
    const times: bigint[] = [];
    for (let t = 0n; t < 40n * S && times.length < 3; t += S / 4n) {
      const sent = c.until(t);
      if (sent.length) {
        expect(sent[0]).toMatchObject({ type: 1, xid: first.xid });
        times.push(c.h.monotonic);
      }
    }
    const gaps = [times[0], times[1] - times[0], times[2] - times[1]].map((g) => Number(g / (S / 4n)) / 4);
    expect(gaps[0]).toBeGreaterThanOrEqual(3); expect(gaps[0]).toBeLessThanOrEqual(5.25);
    expect(gaps[1]).toBeGreaterThanOrEqual(7); expect(gaps[1]).toBeLessThanOrEqual(9.25);
    expect(gaps[2]).toBeGreaterThanOrEqual(15); expect(gaps[2]).toBeLessThanOrEqual(17.25);
  });

  test("replies not for us are ignored: wrong xid, wrong chaddr, a request, no server id", async () => {
    const c = await Client.boot();
    const [d] = c.send();
    expect(c.send(reply(2, d.xid ^ 1))).toEqual([]);
    expect(c.send(reply(2, d.xid, { chaddr: "02:00:00:00:44:02" }))).toEqual([]);
    expect(c.send(reply(2, d.xid, { op: 1 }))).toEqual([]);
    expect(c.send(reply(2, d.xid, { server: "0.0.0.0" }))).toEqual([]);
    expect(c.send(reply(2, d.xid, { cookie: false }))).toEqual([]); // not DHCP (RFC 2131 §3)
    expect(c.state).toBe("selecting 0.0.0.0/0 0.0.0.0");
    expect(c.counters).toMatch(/ignored=5 offers=0/);
  });

  test("OFFER, REQUEST (server id, requested address), ACK: the stack uses the address", async () => {
    const c = await Client.boot();
    const [d] = c.send();
    const [r] = c.send(reply(2, d.xid));
    expect(r).toMatchObject({ type: 3, xid: d.xid, src: "0.0.0.0", dst: "255.255.255.255", ciaddr: "0.0.0.0" });
    expect(ipText(be32(r.options.get(54)!, 0))).toBe(SERVER);
    expect(ipText(be32(r.options.get(50)!, 0))).toBe(OFFERED);
    c.send(reply(5, r.xid));
    expect(c.state).toBe(`bound ${OFFERED}/24 ${SERVER}`);
    expect(c.h.console).toMatch(/\[dhcp\] leased 10\.0\.0\.77\/24 gateway 10\.0\.0\.1 from 10\.0\.0\.1 for 120 s/);
    // ARP for the leased address is answered now.
    c.h.net().deliver(ethernet("ff:ff:ff:ff:ff:ff", SERVER_MAC, 0x0806, arp(1, SERVER_MAC, SERVER, "00:00:00:00:00:00", OFFERED)), c.h.monotonic);
    c.h.call("turn");
    const replies = c.h.net().takeSent().filter((f) => be16(f, 12) === 0x0806 && be16(f, 20) === 2);
    expect(replies.length).toBe(1);
    expect(ipText(be32(replies[0], 28))).toBe(OFFERED);
  });

  test("RENEW at T1 is unicast to the server with ciaddr; an ACK keeps the lease", async () => {
    const { c, start } = await bound(120);
    expect(c.until(start + 59n * S)).toEqual([]);
    const [renew] = c.until(start + 61n * S);
    expect(renew).toMatchObject({ type: 3, src: OFFERED, dst: SERVER, dstMac: SERVER_MAC, ciaddr: OFFERED, flags: 0 });
    expect(renew.options.has(50)).toBe(false);
    expect(renew.options.has(54)).toBe(false);
    expect(c.state).toMatch(/^renewing /);
    c.send(reply(5, renew.xid));
    expect(c.state).toBe(`bound ${OFFERED}/24 ${SERVER}`);
    expect(c.counters).toMatch(/renewals=1/);
  });

  test("REBIND at T2 is broadcast; then expiry drops the address and starts over", async () => {
    const { c, start } = await bound(120, 30, 60);
    const renews = c.until(start + 59n * S);
    expect(renews.length).toBeGreaterThanOrEqual(1);
    expect(renews.every((s) => s.dst === SERVER)).toBe(true);
    const rebinds = c.until(start + 119n * S);
    expect(rebinds.length).toBeGreaterThanOrEqual(1);
    expect(rebinds[0]).toMatchObject({ type: 3, src: OFFERED, dst: "255.255.255.255", ciaddr: OFFERED });
    expect(c.state).toMatch(/^rebinding 10\.0\.0\.77/);
    const after = c.until(start + 121n * S);
    expect(after.some((s) => s.type === 1 && s.src === "0.0.0.0")).toBe(true);
    expect(c.state).toBe("selecting 0.0.0.0/0 0.0.0.0");
    expect(c.counters).toMatch(/expiries=1/);
  });

  test("a renewal that names another DNS server reaches the resolver, which asks the new one", async () => {
    const c = await Client.boot();
    const [discover] = c.send();
    const [request] = c.send(reply(2, discover.xid, { dns: "10.0.0.53" }));
    const start = c.h.monotonic;
    c.send(reply(5, request.xid, { dns: "10.0.0.53" }));
    expect(c.h.string(c.h.call("dnsServers"))).toBe("10.0.0.53");
    const [renew] = c.until(start + 61n * S);
    expect(renew.type).toBe(3);
    c.send(reply(5, renew.xid, { dns: "10.0.0.54" }));
    expect(c.counters).toMatch(/renewals=1/);
    expect(c.h.string(c.h.call("dnsServers"))).toBe("10.0.0.54");
    // A lookup now goes to the new server: its address is resolved first.
    c.h.call("lookup", c.h.newString("www.example.com"));
    const out = c.h.net().takeSent();
    const arpFor = out.filter((f) => be16(f, 12) === 0x0806 && be16(f, 20) === 1).map((f) => ipText(be32(f, 38)));
    expect(arpFor).toContain("10.0.0.54");
    expect(arpFor).not.toContain("10.0.0.53");
  });

  test("NAK while requesting or renewing: the address goes, DISCOVER again", async () => {
    const c = await Client.boot();
    const [d] = c.send();
    const [r] = c.send(reply(2, d.xid));
    const [again] = c.send(reply(6, r.xid));
    expect(again).toMatchObject({ type: 1 });
    expect(again.xid).not.toBe(d.xid);
    const { c: b, start } = await bound(120);
    const [renew] = b.until(start + 61n * S);
    const [restart] = b.send(reply(6, renew.xid));
    expect(restart).toMatchObject({ type: 1, src: "0.0.0.0" });
    expect(b.state).toBe("selecting 0.0.0.0/0 0.0.0.0");
    expect(b.counters).toMatch(/naks=1/);
  });
});
