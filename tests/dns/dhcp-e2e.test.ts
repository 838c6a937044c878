/**
 * The DHCP client end to end: dnsmasq (DNS off with --port=0, bound to the
 * namespace's tap only) leases an address to echo.hvt booted with
 * --dhcp=true; Linux pings the leased address; with T1 at 4 s the client
 * renews (unicast) within the test; dnsmasq's log shows the host name sent.
 * Everything runs in a namespace this file creates and removes, under every
 * end-to-end tender (tests/support/tender.ts).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, withNetns, type Netns } from "../support/netns.ts";
import { appImage } from "../support/images.ts";
import { skipReason, tenders } from "../support/tender.ts";
import { bootImage } from "./boot.ts";

warnNoNetns("dhcp end-to-end");

/** dnsmasq serving DHCP only on the namespace's tap; its log collected. */
function dnsmasq(ns: Netns, dir: string, extra: string[] = []): { child: ChildProcess; log(): string } {
  const child = ns.spawn(["dnsmasq", "--keep-in-foreground", "--port=0", `--interface=${ns.tap}`, "--bind-interfaces",
    "--dhcp-range=10.0.0.50,10.0.0.99,255.255.255.0,2m", "--dhcp-option=option:router,10.0.0.1",
    "--dhcp-option=option:dns-server,10.0.0.1", "--dhcp-authoritative", "--no-hosts", "--no-resolv",
    `--dhcp-leasefile=${path.join(dir, "leases")}`, `--pid-file=${path.join(dir, "pid")}`, "--log-dhcp",
    "--log-facility=-", ...extra]);
  let log = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (log += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (log += d));
  return { child, log: () => log };
}

async function waitFor(what: () => string, re: RegExp, ms: number): Promise<RegExpExecArray> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const m = re.exec(what());
    if (m) return m;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${re} within ${ms} ms in:\n${what()}`);
}

for (const tender of tenders()) describe.skipIf(!hasNetns || !!skipReason("dhcp end-to-end", tender))(`echo with --dhcp=true on ${tender.name}`, () => {
  test("leases an address from dnsmasq, answers ping there, renews at T1", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dhcp-e2e-"));
    try {
      await withNetns(async (ns) => {
        const server = dnsmasq(ns, dir, ["--dhcp-option=option:T1,4", "--dhcp-option=option:T2,7"]);
        await waitFor(server.log, /DHCP, IP range/, 5_000);
        const echo = await bootImage(tender, ns, appImage("echo", tender.target), ["--dhcp=true", "--name=morgana-echo"], /\[dhcp\] leased/, 20_000, "02:00:5e:10:20:67");
        const [, address] = /\[dhcp\] leased (10\.0\.0\.\d+)\/24 gateway 10\.0\.0\.1 from 10\.0\.0\.1 for 120 s/.exec(echo.output())!;
        expect(Number(address.split(".")[3])).toBeGreaterThanOrEqual(50);
        // The lease is dnsmasq's too, for our MAC and name.
        await waitFor(server.log, new RegExp(`DHCPACK\\(${ns.tap}\\) ${address.replace(/\./g, "\\.")} 02:00:5e:10:20:67 morgana-echo`), 5_000);
        const ping = await ns.exec(["ping", "-c", "3", "-i", "0.2", "-W", "2", address], { timeoutMs: 15_000 });
        expect(ping.stdout).toMatch(/3 packets transmitted, 3 received/);
        // T1 is 4 s: a unicast REQUEST and dnsmasq's ACK.
        await waitFor(echo.output, /\[dhcp\] renewed/, 15_000);
        expect(server.log()).toMatch(new RegExp(`DHCPREQUEST\\(${ns.tap}\\) ${address.replace(/\./g, "\\.")} 02:00:5e:10:20:67`));
        const again = await ns.exec(["ping", "-c", "1", "-W", "2", address], { timeoutMs: 10_000 });
        expect(again.stdout).toMatch(/1 received/);
        expect(echo.output()).not.toMatch(/trap|abort|exception/);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--dhcp=true with --ipv4 is refused before any traffic", async () => {
    await withNetns(async (ns) => {
      await expect(bootImage(tender, ns, appImage("echo", tender.target), ["--dhcp=true", "--ipv4=10.0.0.2/24"], /never/, 10_000))
        .rejects.toThrow(/--dhcp=true takes the address from DHCP/);
    });
  });
});
