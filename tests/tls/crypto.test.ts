// The `crypto` imports' known-answer tests (tests/tls/as/kat.ts): in the
// Node harness (node:crypto, as on the node target) and at boot in a real
// image under KVM (BearSSL, boot/crypto/) on every tender the end-to-end
// tests use. Both must pass every check; the lists must be the same.
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { testImage } from "../support/images.ts";
import { runImage, skipReason, tenders } from "../support/tender.ts";

function results(console: string): string[] {
  return console.split("\n").filter((l) => l.startsWith("kat "));
}

let harnessLines: string[] = [];

describe("crypto known answers, Node harness (node:crypto)", () => {
  test("every check passes", async () => {
    const h = await Harness.start("tests/tls/as/kat.ts");
    expect(h.call("runKats")).toBe(0);
    harnessLines = results(h.console);
    expect(harnessLines.filter((l) => l.endsWith("FAIL"))).toEqual([]);
    expect(harnessLines.at(-1)).toMatch(/^kat done: [1-9]\d* passed, 0 failed$/);
  });
});

// Every tender of the end-to-end suites: the hvt ones (KVM) and solo5-spt,
// so BearSSL runs both in ring 3 of a VM and as a seccomp'd process.
for (const tender of tenders()) describe.skipIf(!!skipReason("tests/tls/crypto.test.ts", tender))(`crypto known answers at boot on ${tender.name} (BearSSL)`, () => {
  test("every check passes, the same checks as in the harness", async () => {
    const r = await runImage(testImage("tlskat", tender.target), { tender: tender.path, timeoutMs: 20_000 });
    const lines = results(r.stdout);
    expect(lines.filter((l) => l.endsWith("FAIL"))).toEqual([]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(lines.at(-1)).toMatch(/^kat done: [1-9]\d* passed, 0 failed$/);
    if (harnessLines.length) expect(lines).toEqual(harnessLines);
  });
});
