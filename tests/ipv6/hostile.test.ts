/**
 * Hostile IPv6 input against website.hvt (issue 16), from the crafted-frame
 * peer (peer6.py) in the test's namespace, under every hvt tender: a
 * neighbour-solicitation flood from 10,000 spoofed sources, a router-
 * advertisement flood and a SYN flood (answered with SYN cookies) leave
 * the caches bounded and a normal client served;
 * overlapping fragments are dropped (RFC 5722) while tiny ones are
 * reassembled; extension-header chains that never end, a type 0 routing
 * header (RFC 5095) and a misplaced hop-by-hop header get no answer;
 * thousands of mutated packets trap nothing. After each case the image
 * still answers over IPv6 and its heap has not grown past a bound.
 * Every run of the peer is bounded in count and time.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { hasKvm, hvtTenders, skipReason, warnNoKvm } from "../support/tender.ts";
import type { Unikernel } from "../website/unikernel.ts";
import { bootV6, HOST6, LINK_LOCAL, MAC } from "./boot.ts";

const usable = hasKvm && hasNetns;
if (!hasKvm) warnNoKvm("hostile IPv6 input");
warnNoNetns("hostile IPv6 input");

const PEER = path.join(import.meta.dirname, "peer6.py");
/** Where the peer's requests come from: spoofed, answered to its MAC. */
const SPOOFED = "fe80::bad:1";

for (const tender of hvtTenders()) describe.skipIf(!usable || !!skipReason("hostile IPv6 input", tender))(`hostile IPv6 input on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;
  let heap0 = 0;

  async function peer(...args: (string | number)[]): Promise<{ sent: number; received: number }> {
    const r = await ns.exec(["/usr/bin/python3", PEER, ...args.map(String)], { timeoutMs: 60_000 });
    const m = r.stdout.match(/sent (\d+) received (\d+)/);
    if (!m) throw new Error(`peer6.py ${args.join(" ")}: no result (status ${r.status}):\n${r.stdout}${r.stderr}`);
    return { sent: Number(m[1]), received: Number(m[2]) };
  }
  const ping = (kind: string, n = 0) => peer("ping", ns.tap, MAC, SPOOFED, LINK_LOCAL, kind, n);

  /** curl -6 to the link-local address gets a 200, the image runs, and its
   * heap stays within 2 MiB of what it was after boot. */
  async function stillServing(): Promise<Record<string, number>> {
    const r = await ns.exec(["curl", "-6", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}",
      `http://[${LINK_LOCAL}%25${ns.tap}]/hello.txt`], { timeoutMs: 15_000 });
    expect(r.stdout).toBe("200");
    const s = await web.nextStats();
    expect(s["memory.heap"]).toBeLessThanOrEqual(heap0 + 2 * 1024 * 1024);
    expect(web.running).toBe(true);
    return s;
  }

  beforeAll(async () => {
    ns = await createNetns({ hostAddr6: HOST6 });
    web = await bootV6(ns, tender, appImage("website", tender.target), ["--ipv4=10.0.0.2/24", "--stats=1", "--tcp-backlog=64"], /\[website\] serving/);
    heap0 = (await web.nextStats())["memory.heap"];
  });
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
  });

  test("the control: a plain echo request from the peer is answered", async () => {
    expect(await ping("plain")).toEqual({ sent: 1, received: 1 });
  });

  test("10,000 neighbour solicitations from spoofed sources: answered, the cache bounded, clients served", async () => {
    const r = await peer("nsflood", ns.tap, MAC, LINK_LOCAL, 10_000);
    expect(r.sent).toBe(10_000);
    expect(r.received).toBeGreaterThan(0);
    const s = await stillServing();
    expect(s["nd.nsIn"]).toBeGreaterThanOrEqual(r.received);
    // Each spoofed source took an unconfirmed entry from another (at most
    // half the 64 entries are theirs): all but those last few were evicted.
    expect(s["neighbours.evictedUnconfirmed"]).toBeGreaterThanOrEqual(s["nd.nsIn"] - 64);
    expect(s["neighbours.evictedUnconfirmed"]).toBeGreaterThan(0);
  });

  test("a router-advertisement flood: one default router, at most three SLAAC addresses, clients served", async () => {
    await peer("raflood", ns.tap, 2000);
    const s = await stillServing();
    expect(s["nd.raIn"]).toBeGreaterThanOrEqual(1000);
    expect(s["nd.slaacAddresses"]).toBeLessThanOrEqual(3);
    expect(s["nd.raIgnored"]).toBeGreaterThan(1000);
    expect(web.output.match(/ipv6 default router/g)?.length ?? 0).toBe(1);
  });

  test("a SYN flood over IPv6 from 1,000 sources: SYN cookies over the IPv6 tuple, clients served", async () => {
    const r = await peer("synflood", ns.tap, MAC, LINK_LOCAL, 80, 1000);
    expect(r.received).toBeGreaterThan(900);
    const s = await stillServing();
    // The backlog (64 half-open connections) filled, and the rest got cookies.
    expect(s["tcp.cookiesSent"]).toBeGreaterThan(0);
  });

  test("tiny fragments are reassembled; overlapping ones drop the datagram (RFC 5722)", async () => {
    expect(await ping("tiny")).toEqual({ sent: 8, received: 1 }); // 64 bytes of ICMPv6 in 8-byte pieces
    expect((await ping("overlap")).received).toBe(0);
    expect((await web.nextStats())["reassembly6.dropOverlap"]).toBeGreaterThanOrEqual(1);
    await stillServing();
  });

  test("extension headers: a short chain is walked; an endless one, routing type 0 and a late hop-by-hop get no answer", async () => {
    expect((await ping("chain", 3)).received).toBe(1);
    expect((await ping("chain", 40)).received).toBe(0);
    expect((await ping("routing0")).received).toBe(0);
    expect((await ping("hopbyhop2")).received).toBe(0);
    const s = await stillServing();
    expect(s["ipv6.dropExtensionChainTooLong"]).toBeGreaterThanOrEqual(1);
    expect(s["icmpv6.paramProblemsOut"]).toBeGreaterThanOrEqual(2);
  });

  test("a Packet Too Big for the client (RFC 8201) lowers the MSS of its next connection to 1280 - 60", async () => {
    const client = (await ns.exec(["ip", "-6", "addr", "show", "dev", ns.tap, "scope", "link"])).stdout.match(/inet6 (fe80::[0-9a-f:]+)/)![1];
    await peer("ptb", ns.tap, MAC, "fe80::99", LINK_LOCAL, client, 1280);
    const dump = ns.spawn(["tcpdump", "-i", ns.tap, "-nn", "-l", "-c", "1", "ip6 and tcp and src port 80"]);
    let seen = "";
    dump.stdout!.setEncoding("utf8").on("data", (d: string) => (seen += d));
    const done = new Promise((resolve) => dump.on("close", resolve));
    await new Promise((r) => setTimeout(r, 500));
    const s = await stillServing();
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    expect(seen).toMatch(/Flags \[S\.\].*mss 1220/);
    expect(s["icmpv6.packetTooBigIn"]).toBe(1);
  });

  test("5,000 mutated IPv6, ICMPv6, ND, UDP packets and fragments trap nothing", async () => {
    expect((await peer("fuzz", ns.tap, MAC, SPOOFED, LINK_LOCAL, 5000, 16)).sent).toBe(5000);
    await stillServing();
    expect(await ping("plain")).toEqual({ sent: 1, received: 1 });
  });
});
