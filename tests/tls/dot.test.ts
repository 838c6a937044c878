// DNS over TLS (RFC 7858): apps/dns built with the test certificate
// answers on 853 what it answers on 53, to kdig +tls (Debian
// knot-dnsutils) verifying the certificate, on the hvt tenders.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { bootImage, type Running } from "../dns/boot.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { hvtTenders, skipReason } from "../support/tender.ts";

const FIXTURES = path.join(root, "tests", "tls", "fixtures");
const CERT = path.join(FIXTURES, "p256-cert.pem");
if (!hasNetns) warnNoNetns("tests/tls/dot.test.ts");

for (const tender of hvtTenders()) describe.skipIf(!hasNetns || !!skipReason("tests/tls/dot.test.ts", tender))(`DNS over TLS on ${tender.name}`, () => {
  let ns: Netns;
  let dns: Running;
  beforeAll(async () => {
    const { image } = await buildApp(path.join(root, "apps", "dns"), {
      outDir: path.join(root, "build", "test-images", "dot"), target: tender.target,
      tls: { cert: CERT, key: path.join(FIXTURES, "p256-key.pem") },
    });
    ns = await createNetns();
    dns = await bootImage(tender, ns, image, ["--ipv4=10.0.0.2/24"], /\[dns\] serving .*TLS on 853/);
  }, 120_000);
  afterAll(async () => {
    if (dns?.child.pid !== undefined && dns.child.exitCode === null) process.kill(dns.child.pid, "SIGTERM");
    await ns?.destroy();
  });

  const kdig = async (...args: string[]) =>
    (await ns.exec(["kdig", "@10.0.0.2", "+tls", `+tls-ca=${CERT}`, "+tls-hostname=localhost", "+time=3", "+retry=0", ...args], { timeoutMs: 15_000 })).stdout;

  test("kdig +tls verifies the certificate and gets the same answer as over UDP", async () => {
    const tls = await kdig("www.morgana.test", "A");
    expect(tls).toMatch(/;; TLS session \(TLS1.3\)/);
    expect(tls).toMatch(/status: NOERROR/);
    const udp = (await ns.exec(["dig", "@10.0.0.2", "+short", "www.morgana.test", "A"])).stdout.trim();
    expect(udp.length).toBeGreaterThan(0);
    for (const line of udp.split("\n")) expect(tls).toContain(line);
  });

  test("several queries on one TLS connection (+keepopen), and a refused name", async () => {
    const out = await kdig("+keepopen", "www.morgana.test", "A", "morgana.test", "MX", "example.org", "A");
    expect(out.match(/status: NOERROR/g)?.length).toBe(2);
    expect(out).toMatch(/status: REFUSED/);
  });

  test("a client pinned to the wrong name is refused by its own verification, and the server goes on", async () => {
    const bad = await ns.exec(["kdig", "@10.0.0.2", "+tls", `+tls-ca=${CERT}`, "+tls-hostname=wrong.example", "+time=3", "+retry=0", "www.morgana.test"], { timeoutMs: 15_000 });
    expect(bad.stdout + bad.stderr).not.toMatch(/status: NOERROR/);
    expect(await kdig("www.morgana.test", "A")).toMatch(/status: NOERROR/);
  });
});
