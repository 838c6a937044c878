// The entropy source under every tender (boot/entropy.c): the test image
// tests/apps/entropy prints the source it was given, whether BearSSL runs
// AES-GCM on AES-NI, and 16 random bytes. Where the host CPU has RDRAND
// (/proc/cpuinfo), the source must be RDRAND, never the jitter fallback,
// and the bytes must differ from boot to boot.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { testImage } from "../support/images.ts";
import { runImage, skipReason, tenders } from "../support/tender.ts";

const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "").trim().split(/\s+/));
const expectedSource = flags.has("rdrand") ? /^rdrand( \(probed\))?$/ : flags.has("rdseed") ? /^rdseed( \(probed\))?$/ : /^jitter$/;
const expectedAes = flags.has("aes") && flags.has("pclmulqdq") ? "1" : "0";

function fields(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^([a-z-]+): (.*)$/gm)].map((m) => [m[1], m[2]]));
}

for (const tender of tenders()) describe.skipIf(!!skipReason("tests/platform/entropy.test.ts", tender))(`entropy under ${tender.name}`, () => {
  test(`the source is the host's generator (${expectedSource}), and the bytes differ across boots`, async () => {
    const boots = [];
    for (let i = 0; i < 2; i++) {
      const r = await runImage(testImage("entropy", tender.target), { tender: tender.path, tenderArgs: ["--mem=8"], timeoutMs: 20_000 });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      // No "entropy: jitter (...)" warning from boot: exactly the app's three lines.
      expect(r.stdout.split("\n")).toHaveLength(4);
      boots.push(fields(r.stdout));
    }
    for (const b of boots) {
      expect(b.entropy).toMatch(expectedSource);
      expect(b["aes-hardware"]).toBe(expectedAes);
      expect(b.random).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(boots[0].random).not.toBe(boots[1].random);
  });
});
