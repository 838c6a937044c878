// Attacks on website.hvt from the crafted-frame peer (peer.py) in the
// test's namespace (issue 12 items 2, 3, 12): each case is bounded in
// count and time, and after each a normal client (curl) is served and the
// connection count is back where it was. What Linux does with the same
// frames is in each case's comment (measured with this peer against a
// Linux server in a namespace pair). MORGANA_ATTACK_LONG=1 also waits for
// the spoofed SYNs' half-open connections to time out (about a minute).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { hasKvm, hvtTenders, skipReason, warnNoKvm } from "../support/tender.ts";
import { Unikernel } from "../website/unikernel.ts";
import { peer } from "./peer.ts";

const usable = hasKvm && hasNetns;
if (!hasKvm) warnNoKvm("attacks on website.hvt");
if (!hasNetns) warnNoNetns("attacks on website.hvt");

// Under every hvt tender: the bundled one and the real solo5-hvt.
for (const tender of hvtTenders()) describe.skipIf(!usable || !!skipReason("website.hvt under attack", tender))(`website.hvt under attack on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;
  let idle: number;

  /** curl from `from` (an address of the namespace): whether it got a 200. */
  async function served(from = "10.0.0.1", timeoutS = 3): Promise<boolean> {
    const r = await ns.exec(["curl", "-s", "-m", String(timeoutS), "--interface", from, "-o", "/dev/null", "-w", "%{http_code}",
      "http://10.0.0.2/hello.txt"], { timeoutMs: (timeoutS + 5) * 1000 });
    return r.stdout === "200";
  }

  /** A normal client is served and the connections are back to idle. */
  async function stillServing(): Promise<void> {
    expect(await served()).toBe(true);
    const end = Date.now() + 5000;
    let s = await web.nextStats();
    while (s["tcpload.active"] > idle && Date.now() < end) s = await web.nextStats();
    expect(s["tcpload.active"]).toBe(idle);
    expect(s["memory.heap"]).toBeLessThanOrEqual(s["memory.limit"]);
    expect(web.running).toBe(true);
  }

  beforeAll(async () => {
    ns = await createNetns();
    web = await Unikernel.start(ns, tender, appImage("website", tender.target), { mem: 32 });
    expect(await served()).toBe(true);
    idle = (await web.nextStats())["tcpload.active"];
  });
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
  });

  test("SYN+FIN and SYN+FIN+PSH+URG to port 80 get nothing (Linux drops them in LISTEN too)", async () => {
    expect(await peer(ns, ["syn", "10.0.0.1", "10.0.0.2", 80, 5, 0, "SF"])).toEqual({ sent: 5, received: 0 });
    expect(await peer(ns, ["syn", "10.0.0.1", "10.0.0.2", 80, 5, 0, "SFPU"])).toEqual({ sent: 5, received: 0 });
    // The control: plain SYNs are answered.
    expect((await peer(ns, ["syn", "10.0.0.1", "10.0.0.2", 80, 3, 0, "S"])).received).toBeGreaterThanOrEqual(3);
    await stillServing();
  });

  test("a ping with a loose or strict source route gets no reply (RFC 7126; Linux: accept_source_route 0)", async () => {
    const route = (kind: string) => `${kind}07040a00000101`; // one hop (10.0.0.1), then NOP
    expect(await peer(ns, ["ping", "10.0.0.1", "10.0.0.2", 3, 0.5, route("83")])).toEqual({ sent: 3, received: 0 });
    expect(await peer(ns, ["ping", "10.0.0.1", "10.0.0.2", 3, 0.5, route("89")])).toEqual({ sent: 3, received: 0 });
    expect(await peer(ns, ["ping", "10.0.0.1", "10.0.0.2", 3, 0.5])).toEqual({ sent: 3, received: 3 });
    await stillServing();
  });

  test("a gratuitous ARP claiming its address is answered by one announcement (RFC 5227 §2.4)", async () => {
    const r = await peer(ns, ["garp", ns.tap, "02:00:00:00:66:66", "10.0.0.2", 3, 1]);
    expect(r).toEqual({ sent: 3, received: 1 });
    // Linux believed the claim, then the announcement: the client gets through.
    await stillServing();
  });

  test("SYNs from spoofed on-link addresses that never answer ARP (40/s, 5 s): a new client is served throughout", async () => {
    await ns.exec(["ip", "addr", "add", "10.0.0.3/24", "dev", ns.tap]);
    const flood = peer(ns, ["syn", "10.0.0.100-249", "10.0.0.2", 80, 200, 40, "S"], 30_000);
    let attempts = 0;
    let ok = 0;
    const end = Date.now() + 4500;
    while (Date.now() < end) {
      attempts++;
      if (await served(attempts % 2 === 0 ? "10.0.0.3" : "10.0.0.1", 2)) ok++;
      await new Promise((r) => setTimeout(r, 200));
    }
    const f = await flood;
    console.log(`ARP flood: ${f.sent} spoofed SYNs; new and known clients served ${ok} of ${attempts}`);
    expect(f.sent).toBe(200);
    expect(ok).toBe(attempts);
    expect(web.running).toBe(true);
    // The half-open connections of the spoofed SYNs stay until their
    // SYN-ACKs give up (~60 s): bounded by the backlog meanwhile, and
    // gone afterwards (waited for with MORGANA_ATTACK_LONG=1 only: a
    // minute is too long for CI).
    expect((await web.nextStats())["tcpload.active"]).toBeLessThanOrEqual(200);
    if (process.env.MORGANA_ATTACK_LONG) {
      const end = Date.now() + 120_000;
      let s = await web.nextStats();
      while (s["tcpload.active"] > idle && Date.now() < end) s = await web.nextStats();
      console.log(`ARP flood: connections back to ${s["tcpload.active"]} (idle ${idle}) ${Math.round((120_000 - (end - Date.now())) / 1000)} s after`);
      expect(s["tcpload.active"]).toBe(idle);
    }
  }, 180_000);

  test("20,000 junk frames as fast as they come: a client is served while they arrive", async () => {
    const flood = peer(ns, ["junk", ns.tap, 20_000], 60_000);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    const ok = await served("10.0.0.1", 5);
    const ms = Date.now() - t0;
    const f = await flood;
    console.log(`junk flood: ${f.sent} frames; a request answered in ${ms} ms`);
    expect(ok).toBe(true);
    expect(web.running).toBe(true);
  });
});
