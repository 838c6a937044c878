/**
 * The stub resolver end to end: tests/apps/resolve (libos/dns's Resolver)
 * booted in a namespace with dnsmasq serving a hosts file on the tap (and
 * DHCP, whose lease names the DNS server), asked for A and AAAA records:
 * answers, several addresses, NXDOMAIN-like refusals, case-insensitive
 * names, the cache on a second lookup, the server from --dns-server or DHCP.
 * Under every end-to-end tender (tests/support/tender.ts).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, withNetns, type Netns } from "../support/netns.ts";
import { testImage } from "../support/images.ts";
import { runImage, skipReason, tenders, type Tender } from "../support/tender.ts";

warnNoNetns("resolver end-to-end");

// many.lan has 40 addresses: 640 bytes of answer, over the 512 a query
// without EDNS allows, so dnsmasq truncates it over UDP.
const HOSTS = "10.0.0.10 alpha.lan alpha\n10.0.0.11 beta.lan\n10.0.0.12 beta.lan\nfd00::10 alpha.lan\n" +
  Array.from({ length: 40 }, (_, i) => `10.0.1.${i + 1} many.lan\n`).join("");

/** dnsmasq on the tap, serving HOSTS; with `ipv6` also on fd00::1/64. */
async function withDnsmasq<T>(fn: (ns: Netns) => Promise<T>, ipv6 = false): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), "resolver-e2e-"));
  // dnsmasq drops root for an unprivileged user, who must read the file.
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, "hosts"), HOSTS, { mode: 0o644 });
  try {
    return await withNetns(async (ns) => {
      const child = ns.spawn(["dnsmasq", "--keep-in-foreground", `--interface=${ns.tap}`, "--bind-interfaces",
        `--listen-address=10.0.0.1${ipv6 ? ",fd00::1" : ""}`, "--no-resolv", "--no-hosts", `--addn-hosts=${path.join(dir, "hosts")}`,
        "--local-ttl=60", "--dhcp-range=10.0.0.50,10.0.0.99,255.255.255.0,2m", "--dhcp-option=option:dns-server,10.0.0.1",
        `--dhcp-leasefile=${path.join(dir, "leases")}`, `--pid-file=${path.join(dir, "pid")}`, "--log-facility=-"]);
      let log = "";
      child.stderr!.setEncoding("utf8").on("data", (d: string) => (log += d));
      child.stdout!.resume();
      // Ready once it has read the hosts file (before that it refuses: "not ready").
      for (let i = 0; i < 50 && !/read .*hosts/.test(log); i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 200));
      return await fn(ns);
    }, ipv6 ? { hostAddr6: "fd00::1/64" } : undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function resolve(tender: Tender, ns: Netns, args: string[]): Promise<string> {
  const r = await runImage(testImage("resolve", tender.target), { tender: tender.path, netns: ns.name, tenderArgs: ["--mem=64", `--net:service=${ns.tap}`], args, timeoutMs: 30_000 });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return r.stdout;
}

for (const tender of tenders()) describe.skipIf(!hasNetns || !!skipReason("resolver end-to-end", tender))(`Resolver against dnsmasq on ${tender.name}`, () => {
  test("A lookups with --dns-server: one and several addresses, case ignored, then the cache", async () => {
    await withDnsmasq(async (ns) => {
      const out = await resolve(tender, ns, ["--ipv4=10.0.0.2/24", "--dns-server=10.0.0.1", "--lookup=alpha.lan,beta.lan,Alpha.LAN,nothing.lan"]);
      expect(out).toMatch(/resolved alpha\.lan A: 10\.0\.0\.10 ttl 60\n/);
      expect(out).toMatch(/resolved beta\.lan A: 10\.0\.0\.11 10\.0\.0\.12 ttl 60\n/);
      expect(out).toMatch(/resolved Alpha\.LAN A: 10\.0\.0\.10 ttl 60\n/);
      // dnsmasq without upstream servers refuses names it does not know.
      expect(out).toMatch(/resolved nothing\.lan A: error refused/);
      // The second lookup of the first name comes from the cache, its TTL counting down.
      expect(out).toMatch(/resolved alpha\.lan A: 10\.0\.0\.10 ttl (59|60) \(cache\)/);
      expect(out).toMatch(/counters queries=5 cacheHits=1 ignored=0 timeouts=0/);
    });
  });

  test("AAAA with the server leased by DHCP", async () => {
    await withDnsmasq(async (ns) => {
      const out = await resolve(tender, ns, ["--dhcp=true", "--type=AAAA", "--lookup=alpha.lan"]);
      expect(out).toMatch(/\[dhcp\] leased 10\.0\.0\.\d+\/24/);
      expect(out).toMatch(/resolver servers 1/);
      expect(out).toMatch(/resolved alpha\.lan AAAA: fd00::10 ttl 60\n/);
    });
  });

  test("an answer truncated over UDP is asked again over TCP and comes whole", async () => {
    await withDnsmasq(async (ns) => {
      const out = await resolve(tender, ns, ["--ipv4=10.0.0.2/24", "--dns-server=10.0.0.1", "--lookup=many.lan"]);
      const line = /resolved many\.lan A: ([\d. ]+) ttl 60\n/.exec(out);
      expect(line, out).not.toBe(null);
      expect(line![1].trim().split(" ").length).toBe(40);
      expect(out).toMatch(/tcp=1/);
    });
  });

  test("an IPv6 server (--dns-server=fd00::1), and lookupHost's family preference (--dns-prefer-ipv6)", async () => {
    await withDnsmasq(async (ns) => {
      const six = await resolve(tender, ns, ["--ipv4=10.0.0.2/24", "--ipv6=fd00::2/64", "--dns-server=fd00::1", "--type=AAAA", "--lookup=alpha.lan"]);
      expect(six).toMatch(/resolved alpha\.lan AAAA: fd00::10 ttl 60\n/);
      // alpha.lan has both families, beta.lan only IPv4: AAAA first, then A.
      const pref = await resolve(tender, ns, ["--ipv4=10.0.0.2/24", "--dns-server=10.0.0.1", "--dns-prefer-ipv6=true", "--type=HOST", "--lookup=alpha.lan,beta.lan"]);
      expect(pref).toMatch(/resolved alpha\.lan AAAA: fd00::10 ttl 60\n/);
      expect(pref).toMatch(/resolved beta\.lan A: 10\.0\.0\.11 10\.0\.0\.12 ttl 60\n/);
      const v4 = await resolve(tender, ns, ["--ipv4=10.0.0.2/24", "--dns-server=10.0.0.1", "--type=HOST", "--lookup=alpha.lan"]);
      expect(v4).toMatch(/resolved alpha\.lan A: 10\.0\.0\.10 ttl 60\n/);
    }, true);
  });

  test("a server that does not answer: retries, then a timeout", async () => {
    await withNetns(async (ns) => {
      const out = await resolve(tender, ns, ["--ipv4=10.0.0.2/24", "--dns-server=10.0.0.1", "--lookup=alpha.lan"]);
      expect(out).toMatch(/resolved alpha\.lan A: error timeout/);
    });
  });
});
