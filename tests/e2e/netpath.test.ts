/**
 * The boot line that names the path an image's frames take (boot/net.c):
 * dist/echo.hvt (echo.spt on spt) under every tender of the smoke set,
 * and with the rings refused (`--net-rings=false`, and Morgana's tender's
 * `--x-no-net-rings`), and Solo5's ring declined for jumbo frames (a tap
 * of MTU 9000), each answering ping on the path it names, bursts of 40
 * requests in flight included. Each
 * test boots in a network namespace it creates and removes; ping is
 * bounded in count and time.
 */
import { describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, withNetns } from "../support/netns.ts";
import { appImage } from "../support/images.ts";
import { skipReason, tenders, type Tender } from "../support/tender.ts";

warnNoNetns("net path boot line");

const READY = /\[echo\] echoing UDP on/;
const LINE = /^boot: net service: (.*)$/m;

/** What the line should say under `tender`; its stderr tells whether a
 * 0.12 tender could set up its ring (it needs KVM's ioeventfd). */
function expected({ tender, tenderArgs, guestArgs, mtu }: Case, stderr: string): string | null {
  if (guestArgs.includes("--net-rings=false")) return tender.target === "spt" ? "one system call a frame (--net-rings=false)" : "one hypercall a frame (--net-rings=false)";
  if (tender.target === "spt") return "one system call a frame";
  if (tender.bundled) return tenderArgs.includes("--x-no-net-rings") ? "one hypercall a frame" : "Morgana net rings";
  if (tender.name === "solo5-hvt 0.12.1")
    return /falling back to hypercalls/.test(stderr) ? "one hypercall a frame" : mtu > 2030 ? "one hypercall a frame (Solo5 ring I/O declined: MTU over 2030)" : "Solo5 ring I/O";
  if (tender.name === "solo5-hvt 0.9.3") return "one hypercall a frame";
  return null; // $MORGANA_TENDER: any path, as long as the line is there
}

interface Case { tender: Tender; tenderArgs: string[]; guestArgs: string[]; mtu: number }

const cases: Case[] = [];
for (const tender of tenders("smoke")) {
  const plain = { tender, tenderArgs: [], guestArgs: [], mtu: 1500 };
  cases.push(plain);
  if (tender.bundled) cases.push({ ...plain, tenderArgs: ["--x-no-net-rings"] });
  if (tender.bundled || tender.name === "solo5-hvt 0.12.1") cases.push({ ...plain, guestArgs: ["--net-rings=false"] });
  if (tender.name === "solo5-hvt 0.12.1") cases.push({ ...plain, mtu: 9000 });
}

describe.skipIf(!hasNetns)("the boot line names the net path", () => {
  for (const c of cases) {
    const { tender, tenderArgs, guestArgs, mtu } = c;
    const name = `${tender.name}${[...tenderArgs, ...guestArgs].map((a) => " " + a).join("")}${mtu !== 1500 ? `, MTU ${mtu}` : ""}`;
    test.skipIf(!!skipReason("net path boot line", tender))(name, async () => {
      await withNetns(async (ns) => {
        await ns.exec(["ip", "link", "set", ns.tap, "mtu", String(mtu)]);
        const child = ns.spawn([tender.path, "--mem=64", `--net:service=${ns.tap}`, ...tenderArgs, "--", appImage("echo", tender.target), ...guestArgs]);
        let out = "", err = "";
        child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
        for (let i = 0; i < 100 && !READY.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
        expect(out, err).toMatch(READY);
        const line = LINE.exec(out);
        expect(line, out).not.toBeNull();
        const want = expected(c, err);
        if (want !== null) expect(line![1].startsWith(want), `"${line![1]}" should start with "${want}"`).toBe(true);
        // It works on that path: the frames of a few pings go through it.
        const r = await ns.exec(["ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "1400", "10.0.0.2"], { timeoutMs: 10_000 });
        expect(r.stdout).toContain("3 packets transmitted, 3 received");
        // And bursts: 40 echo requests in flight at once, 400 in all, each
        // answered (on Solo5's ring, several frames read per batch).
        const burst = await ns.exec(["ping", "-q", "-c", "400", "-l", "40", "-i", "0.002", "-W", "2", "10.0.0.2"], { timeoutMs: 20_000 });
        expect(burst.stdout).toContain("400 packets transmitted, 400 received");
      });
    });
  }
});
