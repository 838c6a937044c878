// The Ed25519 binding's boundary (boot/crypto/ed25519.c) under every
// end-to-end tender: tests/apps/ed25519bounds makes one good call, then
// asks cryptoEd25519Verify to read a message running past the end of
// linear memory. The range is checked before libsodium touches it: the
// image stops with the Wasm out-of-bounds trap named for the caller.
import { describe, expect, test } from "vitest";
import { testImage } from "../support/images.ts";
import { runImage, skipReason, tenders } from "../support/tender.ts";

for (const tender of tenders()) describe.skipIf(!!skipReason("tests/tls/ed25519-bounds.test.ts", tender))(`Ed25519 binding bounds on ${tender.name}`, () => {
  test("a message past the end of memory is a Wasm trap in the caller, exit 255", async () => {
    const r = await runImage(testImage("ed25519bounds", tender.target), { tender: tender.path, timeoutMs: 20_000 });
    expect(r.stdout).toContain("public key ok: yes\n");
    expect(r.stdout).toContain("verifying a message past the end of memory\n");
    // The top level of main.ts is the start function, `~start`.
    expect(r.stdout).toContain("wasm trap: out of bounds memory access in ~start\n");
    expect(r.stdout).not.toContain("not stopped");
    expect(r.status).toBe(255);
  });
});
