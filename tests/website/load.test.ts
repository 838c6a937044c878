// website.hvt under wrk: 200 connections (for MORGANA_LOAD_SECONDS, 5 s
// by default; the benchmark runs longer), twice, in a small guest
// (--mem=32). No socket errors and no non-2xx answers; the connection table
// back to empty once wrk is done; the memory under the guest's limit all
// along and no larger after the second run than after the first (nothing
// grows with traffic).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { skipReason, tenders } from "../support/tender.ts";
import { Unikernel } from "./unikernel.ts";
import { parseWrk } from "./wrk.ts";

if (!hasNetns) warnNoNetns("website under load");
const SECONDS = Number(process.env.MORGANA_LOAD_SECONDS ?? 5);

for (const tender of tenders()) describe.skipIf(!hasNetns || !!skipReason("website under load", tender))(`website under load on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;

  beforeAll(async () => {
    ns = await createNetns();
    web = await Unikernel.start(ns, tender, appImage("website", tender.target), { mem: 32 });
  });
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
  });

  test(`wrk, 200 connections, ${SECONDS} s twice: no errors, table empty after, memory bounded`, async () => {
    const memories: number[] = [];
    for (let run = 0; run < 2; run++) {
      const r = await ns.exec(["wrk", "-t2", "-c200", `-d${SECONDS}s`, "--timeout", "5s", "http://10.0.0.2/"],
        { timeoutMs: (SECONDS + 30) * 1000 });
      expect(r.status, r.stderr).toBe(0);
      const w = parseWrk(r.stdout);
      expect(w.requests, r.stdout).toBeGreaterThan(1000);
      expect(w.socketErrors, r.stdout).toBe(0);
      expect(w.non2xx, r.stdout).toBe(0);
      // Back to empty: every connection closed (wrk closes them at the end).
      let s = await web.nextStats();
      for (let i = 0; i < 5 && (s["tcpload.active"] > 0 || s["http.open"] > 0); i++) s = await web.nextStats();
      expect(s["tcpload.active"], web.lastStatsLine()).toBe(0);
      expect(s["http.open"]).toBe(0);
      memories.push(s["memory.heap"]);
      console.log(`run ${run + 1}: ${w.requests} requests, ${w.rps} req/s; ${web.lastStatsLine()}`);
    }
    const all = web.allStats();
    expect(all.length).toBeGreaterThan(2 * SECONDS - 2);
    for (const s of all) expect(s["memory.heap"]).toBeLessThanOrEqual(s["memory.limit"]);
    // The second run needed no more memory than the first.
    expect(memories[1]).toBeLessThanOrEqual(memories[0]);
    expect(web.running).toBe(true);
  }, (4 * SECONDS + 120) * 1000);
});
