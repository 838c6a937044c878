// Which crypto C an image links (toolchain/link/crypto.ts): libsodium's
// Ed25519 only where the image may use it. The website with a P-256 or RSA
// certificate imports cryptoEd25519Sign (libos/tls's sign() dispatches on
// the scheme) but never signs with Ed25519 and verifies nothing, so it gets
// ed25519-absent.c instead of about 85 KB of libsodium; an image that
// verifies (the TLS client), has an Ed25519 key, or whose key is not known
// at build time keeps libsodium. The end-to-end side: tests/tls/website.test.ts
// serves with P-256, RSA and Ed25519 certificates.
import path from "node:path";
import { describe, expect, test } from "vitest";
import { cryptoInputs, ed25519Needed } from "../../toolchain/link/crypto.ts";

const sign = "u32 app_import_morgana__cryptoEd25519Sign(u32, u32, u32, u32);";
const verify = "u32 app_import_morgana__cryptoEd25519Verify(u32, u32, u32, u32);";
const other = "u32 app_import_morgana__cryptoAeadSeal(u32, u32, u32, u32, u32, u32, u32);";

describe("Ed25519 in an image", () => {
  test("no Ed25519 import: neither file", () => {
    expect(ed25519Needed([other])).toBe("none");
  });
  test("a P-256 or RSA key and no verification: the absent file, no libsodium", async () => {
    expect(ed25519Needed([other, sign], false)).toBe("absent");
    const c = await cryptoInputs("absent");
    expect(c.sources.map((s) => path.basename(s))).toContain("ed25519-absent.c");
    expect(c.sources.map((s) => path.basename(s))).not.toContain("ed25519.c");
    expect(c.archives.some((a) => a.includes("sodium"))).toBe(false);
  });
  test("an Ed25519 key, no key known at build time, or Ed25519 verification: libsodium", async () => {
    expect(ed25519Needed([sign], true)).toBe("libsodium");
    expect(ed25519Needed([sign])).toBe("libsodium");
    expect(ed25519Needed([sign, verify], false)).toBe("libsodium");
    const c = await cryptoInputs("libsodium");
    expect(c.sources.map((s) => path.basename(s))).toContain("ed25519.c");
    expect(c.sources.map((s) => path.basename(s))).not.toContain("ed25519-absent.c");
    expect(c.archives.some((a) => a.includes("sodium"))).toBe(true);
  });
});
