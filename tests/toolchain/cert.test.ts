/**
 * `morgana cert --dev NAME`: the certificate and key it writes, judged by
 * openssl (parses, verifies as its own CA, for its names; the key is the
 * certificate's), by node:crypto's X509Certificate, and by Morgana's own
 * X.509 validator; then the command's mistakes.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { morgana } from "./project.ts";
import { X509 } from "../x509/helpers.ts";
import { loadCredentials } from "../../toolchain/tls/credentials.ts";

const dir = mkdtempSync(path.join(tmpdir(), "morgana-cert-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let x: X509;
beforeAll(async () => {
  x = await X509.start();
});

const openssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe.each([
  ["P-256", [], "id-ecPublicKey", "ecdsa-with-SHA256"],
  ["RSA", ["--rsa"], "rsaEncryption", "sha256WithRSAEncryption"],
  ["Ed25519", ["--ed25519"], "ED25519", "ED25519"],
])("morgana cert --dev with a %s key", (label, flags, keyAlg, sigAlg) => {
  const out = path.join(dir, label);
  const cert = path.join(out, "app.test.pem");
  const key = path.join(out, "app.test.key");
  let stdout = "";

  beforeAll(async () => {
    const r = await morgana(["cert", "--dev", "app.test", "--out", out, ...flags]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    stdout = r.stdout;
  });

  test("prints where it wrote and the build flags to use; the TLS server's build checks take them", () => {
    expect(stdout).toContain(`wrote ${cert} (self-signed, `);
    expect(stdout).toContain(`--tls-cert ${cert} --tls-key ${key}`);
    expect(loadCredentials({ cert, key }).warnings).toEqual([]);
    expect(stdout).toContain(`--tls-ca ${cert}`);
    expect(statSync(key).mode & 0o777).toBe(0o600);
  });

  test("openssl x509 -text reads it: v3, the algorithms, the names, cA FALSE, serverAuth", () => {
    const text = openssl("x509", "-in", cert, "-noout", "-text");
    expect(text).toContain("Version: 3 (0x2)");
    expect(text).toContain(`Public Key Algorithm: ${keyAlg}`);
    expect(text).toContain(`Signature Algorithm: ${sigAlg}`);
    expect(text).toMatch(/Subject: CN ?= ?app\.test/);
    expect(text).toContain("DNS:app.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(text).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication/);
  });

  test("openssl verify accepts it as its own CA, for its name and addresses", () => {
    expect(openssl("verify", "-CAfile", cert, cert)).toContain(": OK");
    expect(openssl("verify", "-CAfile", cert, "-verify_hostname", "app.test", cert)).toContain(": OK");
    expect(openssl("verify", "-CAfile", cert, "-verify_ip", "127.0.0.1", cert)).toContain(": OK");
    expect(() => openssl("verify", "-CAfile", cert, "-verify_hostname", "other.test", cert)).toThrow(/hostname mismatch/);
  });

  test("the key is the certificate's (openssl x509 -pubkey against openssl pkey -pubout)", () => {
    expect(openssl("pkey", "-in", key, "-pubout")).toBe(openssl("x509", "-in", cert, "-noout", "-pubkey"));
    expect(readFileSync(key, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  test("node:crypto and Morgana's validator agree", () => {
    const c = new X509Certificate(readFileSync(cert));
    expect(c.checkHost("app.test")).toBe("app.test");
    expect(c.verify(c.publicKey)).toBe(true);
    const der = new Uint8Array(c.raw);
    expect(x.setAnchors([der])).toBe("ok 1");
    const now = Math.floor(Date.now() / 1000);
    for (const host of ["app.test", "localhost", "127.0.0.1", "::1"]) expect(x.validate([der], host, now), host).toBe("ok");
    expect(x.validate([der], "other.test", now)).toMatch(/^wrong name: /);
  });
});

describe("morgana cert mistakes", () => {
  test("an existing file is kept unless --force", async () => {
    const out = path.join(dir, "twice");
    expect((await morgana(["cert", "--dev", "a.test", "--out", out])).code).toBe(0);
    const r = await morgana(["cert", "--dev", "a.test", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(out, "a.test.pem")} exists; remove it or give --force to replace it`);
    expect((await morgana(["cert", "--dev", "a.test", "--out", out, "--force"])).code).toBe(0);
  });

  test("no --dev, a bad name, both key types, an unknown option: usage errors", async () => {
    const cases: [string[], RegExp][] = [
      [["cert"], /cert needs --dev NAME/],
      [["cert", "--dev", "bad_name!"], /"bad_name!" is neither a host name .* nor an IP address/],
      [["cert", "--dev", "a.test", "--rsa", "--ed25519"], /give one of --rsa and --ed25519, not both/],
      [["cert", "--dev", "a.test", "--days", "0"], /--days must be a whole number from 1 to 3650/],
      [["cert", "--dev", "a.test", "--p384"], /unknown option --p384/],
    ];
    for (const [args, message] of cases) {
      const r = await morgana([...args, "--out", path.join(dir, "never")]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  test("an IP address as the name goes in as an iPAddress entry", async () => {
    const out = path.join(dir, "ip");
    expect((await morgana(["cert", "--dev", "10.0.0.2", "--out", out])).code).toBe(0);
    const c = new X509Certificate(readFileSync(path.join(out, "10.0.0.2.pem")));
    expect(c.subjectAltName).toBe("IP Address:10.0.0.2, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
  });
});
