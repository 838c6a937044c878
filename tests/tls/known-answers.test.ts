// TLS known-answer tests, the same AssemblyScript code run two ways:
// in the Node harness (the crypto imports are node:crypto, as on the node
// target) and at boot in a real image under every end-to-end tender
// (BearSSL through boot/crypto/): tests/tls/as/kat.ts checks each
// primitive against published vectors, tests/tls/as/rfc8448.ts the key
// schedule and record layer against RFC 8448's 1-RTT trace. Both runs
// must pass every check and print the same lines.
import { describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { testImage } from "../support/images.ts";
import { runImage, skipReason, tenders } from "../support/tender.ts";

function results(console: string): string[] {
  return console.split("\n").filter((l) => l.startsWith("kat "));
}

function expectAllPassed(lines: string[]): void {
  expect(lines.filter((l) => l.endsWith("FAIL"))).toEqual([]);
  const summaries = lines.filter((l) => l.startsWith("kat done:"));
  expect(summaries).toHaveLength(2);
  for (const s of summaries) expect(s).toMatch(/^kat done: [1-9]\d* passed, 0 failed$/);
}

let harnessLines: string[] = [];

describe("TLS known answers in the Node harness (node:crypto)", () => {
  test("primitives, then the RFC 8448 trace: every check passes", async () => {
    const h = await Harness.start("tests/tls/as/known-answers.ts");
    expect(h.call("runKats")).toBe(0);
    expect(h.call("runRfc8448")).toBe(0);
    harnessLines = results(h.console);
    expectAllPassed(harnessLines);
  });
});

// The hvt tenders (KVM) and solo5-spt: BearSSL runs both in ring 3 of a VM
// and in a seccomp'd process.
for (const tender of tenders()) describe.skipIf(!!skipReason("tests/tls/known-answers.test.ts", tender))(`TLS known answers at boot on ${tender.name} (BearSSL)`, () => {
  test("every check passes, the same checks as in the harness", async () => {
    const r = await runImage(testImage("tlskat", tender.target), { tender: tender.path, timeoutMs: 20_000 });
    const lines = results(r.stdout);
    expectAllPassed(lines);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    if (harnessLines.length) expect(lines).toEqual(harnessLines);
  });
});
