/**
 * website and dns over IPv6 (issue 16): website.hvt and dns.hvt booted with
 * a static IPv6 address beside IPv4 in a namespace with fd00::1/64, under
 * every smoke tender. curl -6 fetches every site file byte for byte (and a
 * file large enough for many segments at the IPv6 MSS); dig -6 asks dns.hvt
 * for AAAA and A over UDP and TCP. Listening on a port listens on both
 * families: the same images answer over IPv4 in the same boot.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { root } from "../../toolchain/root.ts";
import { appImage } from "../support/images.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { skipReason, tenders } from "../support/tender.ts";
import type { Unikernel } from "../website/unikernel.ts";
import { bootV6, HOST6, STATIC6 } from "./boot.ts";

warnNoNetns("website and dns over IPv6");

const SITE = path.join(root, "apps", "website", "site");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const files = (rel = ""): string[] => readdirSync(path.join(SITE, rel)).sort().flatMap((n) => {
  const r = rel ? `${rel}/${n}` : n;
  return statSync(path.join(SITE, r)).isDirectory() ? files(r) : [r];
});

for (const tender of tenders("smoke")) describe.skipIf(!hasNetns || !!skipReason("website and dns over IPv6", tender))(`website and dns over IPv6 on ${tender.name}`, () => {
  let ns: Netns;
  let image: Unikernel | undefined;

  beforeAll(async () => {
    ns = await createNetns({ hostAddr6: HOST6 });
  });
  afterAll(async () => {
    await image?.stop();
    await ns?.destroy();
  });

  test("curl -6 fetches every site file byte for byte; curl over IPv4 too", async () => {
    image = await bootV6(ns, tender, appImage("website", tender.target), ["--ipv4=10.0.0.2/24", `--ipv6=${STATIC6}/64`], /\[website\] serving/);
    await image.waitFor(/ipv6 fd00::2\/64 \(static\)/, 5000);
    const list = files();
    expect(list.length).toBeGreaterThanOrEqual(8);
    for (const f of list) {
      const r = await ns.exec(["sh", "-c", `curl -6 -s -m 10 -o - 'http://[${STATIC6}]/${f}' | sha256sum`]);
      expect(r.stdout.split(" ")[0], f).toBe(sha(readFileSync(path.join(SITE, f))));
    }
    const v4 = await ns.exec(["sh", "-c", "curl -s -m 10 -o - http://10.0.0.2/index.html | sha256sum"]);
    expect(v4.stdout.split(" ")[0]).toBe(sha(readFileSync(path.join(SITE, "index.html"))));
    // The MSS its SYN-ACK offers over IPv6 is the MTU less 60 bytes, the
    // IPv6 and TCP headers (RFC 9293 §3.7.1), where IPv4's is less 40.
    const dump = ns.spawn(["tcpdump", "-i", ns.tap, "-nn", "-l", "-c", "2", "ip6 and tcp and src port 80"]);
    let seen = "";
    dump.stdout!.setEncoding("utf8").on("data", (d: string) => (seen += d));
    const done = new Promise((resolve) => dump.on("close", resolve));
    await new Promise((r) => setTimeout(r, 500));
    const w = await ns.exec(["sh", "-c", `curl -6 -s -m 10 -o /dev/null -w '%{http_code}' 'http://[${STATIC6}]/'`]);
    expect(w.stdout).toBe("200");
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    expect(seen).toMatch(/Flags \[S\.\].*mss 1440/);
    await image.stop();
    image = undefined;
  });

  test("dig -6 asks dns.hvt for AAAA and A, over UDP and TCP", async () => {
    image = await bootV6(ns, tender, appImage("dns", tender.target), ["--ipv4=10.0.0.2/24", `--ipv6=${STATIC6}/64`], /\[dns\] serving/);
    await image.waitFor(/ipv6 fd00::2\/64 \(static\)/, 5000);
    const dig = async (...args: string[]) =>
      (await ns.exec(["dig", "-6", `@${STATIC6}`, "+tries=1", "+time=2", "+norec", "+short", ...args], { timeoutMs: 15_000 })).stdout.trim();
    expect(await dig("morgana.test", "AAAA")).toBe("2001:db8::2");
    expect(await dig("morgana.test", "A")).toBe("10.0.0.2");
    expect(await dig("+tcp", "morgana.test", "AAAA")).toBe("2001:db8::2");
    const v4 = await ns.exec(["dig", "@10.0.0.2", "+tries=1", "+time=2", "+short", "morgana.test", "AAAA"], { timeoutMs: 15_000 });
    expect(v4.stdout.trim()).toBe("2001:db8::2");
    await image.stop();
    image = undefined;
  });
});
