// --tls-cert/--tls-key checking (toolchain/tls/credentials.ts), with
// certificates and keys made by the openssl command line: what is
// accepted and embedded, and each refusal with its reason; the key never
// appears in a message.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BuildError } from "../../toolchain/diagnostics.ts";
import { loadCredentials } from "../../toolchain/tls/credentials.ts";

let dir: string;
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });

/** A self-signed certificate and key: `key` is openssl req's -newkey. */
function selfSigned(name: string, newkey: string[], days = "30", extra: string[] = []): void {
  openssl("req", "-x509", ...newkey, "-nodes", "-keyout", file(`${name}-key.pem`), "-out", file(`${name}-cert.pem`),
    "-days", days, "-subj", "/CN=example.test", "-addext", "subjectAltName=DNS:example.test,DNS:www.example.test", ...extra);
}

function refusal(cert: string, key: string): BuildError {
  try {
    loadCredentials({ cert: file(cert), key: file(key) });
  } catch (e) {
    expect(e).toBeInstanceOf(BuildError);
    expect((e as BuildError).code).toBe("E_TLS_CREDENTIALS");
    return e as BuildError;
  }
  throw new Error("accepted");
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "morgana-creds-"));
  selfSigned("p256", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "400");
  selfSigned("other", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  selfSigned("p384", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]);
  selfSigned("rsa", ["-newkey", "rsa:2048"]);
  selfSigned("rsa1024", ["-newkey", "rsa:1024"]);
  selfSigned("ed25519", ["-newkey", "ed25519"]);
  openssl("pkey", "-in", file("p256-key.pem"), "-aes256", "-passout", "pass:secret", "-out", file("encrypted-key.pem"));
  // A chain: a CA and a leaf it issued, in both orders.
  selfSigned("ca", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("leaf-key.pem"),
    "-out", file("leaf.csr"), "-subj", "/CN=leaf.example.test");
  openssl("x509", "-req", "-in", file("leaf.csr"), "-CA", file("ca-cert.pem"), "-CAkey", file("ca-key.pem"), "-out", file("leaf-cert.pem"), "-days", "30");
  const leaf = readFileSync(file("leaf-cert.pem"), "utf8"), ca = readFileSync(file("ca-cert.pem"), "utf8");
  writeFileSync(file("chain.pem"), leaf + ca);
  writeFileSync(file("reversed.pem"), ca + leaf);
  writeFileSync(file("garbage.pem"), "not a certificate\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("TLS credentials", () => {
  test("a P-256 certificate and key: three reserved assets, the names from subjectAltName, no warning", () => {
    const c = loadCredentials({ cert: file("p256-cert.pem"), key: file("p256-key.pem") });
    expect(c.assets.map((a) => a.name)).toEqual(["/tls/chain", "/tls/key", "/tls/names"]);
    expect(c.names).toEqual(["example.test", "www.example.test"]);
    expect(c.assets[1].bytes[0]).toBe(1);
    expect(c.assets[1].bytes.length).toBe(33);
    expect(c.warnings).toEqual([]);
  });

  test("an RSA-2048 key is taken (kind 2); RSA-1024 and P-384 are refused, saying what to use", () => {
    expect(loadCredentials({ cert: file("rsa-cert.pem"), key: file("rsa-key.pem") }).assets[1].bytes[0]).toBe(2);
    expect(refusal("rsa1024-cert.pem", "rsa1024-key.pem").message).toMatch(/RSA-1024.*ECDSA P-256, RSA of 2048 to 4096 bits or Ed25519/);
    expect(refusal("p384-cert.pem", "p384-key.pem").message).toMatch(/EC secp384r1/);
  });

  test("an Ed25519 key is taken (kind 3): its 32-byte seed, the one openssl wrote", () => {
    const c = loadCredentials({ cert: file("ed25519-cert.pem"), key: file("ed25519-key.pem") });
    expect(c.assets[1].bytes[0]).toBe(3);
    expect(c.assets[1].bytes.length).toBe(33);
    // The PKCS #8 DER ends with the seed (RFC 8410 §7).
    const der = openssl("pkey", "-in", file("ed25519-key.pem"), "-outform", "DER");
    expect(Buffer.from(c.assets[1].bytes.subarray(1)).equals(der.subarray(-32))).toBe(true);
  });

  test("a key that is not the certificate's is refused", () => {
    expect(refusal("p256-cert.pem", "other-key.pem").message).toMatch(/does not belong to the first certificate/);
  });

  test("an encrypted key is refused with the command that decrypts it, and no key bytes in the message", () => {
    const e = refusal("p256-cert.pem", "encrypted-key.pem");
    expect(e.message).toMatch(/encrypted.*openssl pkey/);
    const pem = readFileSync(file("encrypted-key.pem"), "utf8").split("\n")[1];
    expect(e.message).not.toContain(pem.slice(0, 20));
  });

  test("a chain in issuer order is taken; reversed, it is refused", () => {
    const c = loadCredentials({ cert: file("chain.pem"), key: file("leaf-key.pem") });
    expect(c.chain.length).toBe(2);
    expect(c.names).toEqual(["leaf.example.test"]);
    expect(refusal("reversed.pem", "leaf-key.pem").message).toMatch(/does not belong|not issued by/);
  });

  test("files that are not PEM, or missing, are refused by name", () => {
    expect(refusal("garbage.pem", "p256-key.pem").message).toMatch(/holds no PEM certificate/);
    expect(refusal("p256-cert.pem", "garbage.pem").message).toMatch(/not a PEM private key/);
    expect(refusal("missing.pem", "p256-key.pem").message).toMatch(/cannot read the certificate chain .*missing.pem: ENOENT/);
  });

  test("expiry is a warning, not an error", () => {
    const later = new Date(Date.now() + 500 * 86_400_000);
    expect(loadCredentials({ cert: file("p256-cert.pem"), key: file("p256-key.pem") }, later).warnings.join()).toMatch(/expired/);
    const soon = new Date(Date.now() + 390 * 86_400_000);
    expect(loadCredentials({ cert: file("p256-cert.pem"), key: file("p256-key.pem") }, soon).warnings.join()).toMatch(/within 30 days/);
  });
});
