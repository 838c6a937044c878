/**
 * `morgana build --tls-ca FILE`: the PEM bundle is checked before anything
 * is compiled (each refusal names the file, the line and the reason), the
 * certificates travel as the "/tls-ca" asset, and the image's
 * TrustAnchors.builtIn() reads them back and validates a chain with them.
 */
import { writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readTrustAnchors, trustAnchorAsset, TRUST_ANCHORS_ASSET } from "../../toolchain/cert/anchors.ts";
import { prepareApp } from "../../toolchain/build/index.ts";
import { BuildError } from "../../toolchain/diagnostics.ts";
import { root } from "../../toolchain/root.ts";
import { morgana } from "./project.ts";
import { Pki, X509, type Issued } from "../x509/helpers.ts";

const pki = new Pki();
let root1: Issued, root2: Issued, leaf: Issued, self: Issued;
const file = (name: string, text: string) => {
  const f = path.join(pki.dir, name);
  writeFileSync(f, text);
  return f;
};
const pemOf = (c: Issued) => readFileSync(c.cert, "utf8");

beforeAll(() => {
  root1 = pki.ca("Root One", { days: 3650 });
  root2 = pki.ca("Root Two", { key: "rsa", days: 3650 });
  leaf = pki.leaf("www.example.org", ["DNS:www.example.org"], { issuer: root1 });
  self = pki.leaf("dev.test", ["DNS:dev.test"]);
});
afterAll(() => pki.remove());

/** The BuildError readTrustAnchors throws for `text`. */
function refusal(text: string, now?: Date): BuildError {
  try {
    readTrustAnchors(file("bundle.pem", text), now);
  } catch (e) {
    if (e instanceof BuildError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("checking the bundle", () => {
  test("CAs and a self-signed certificate, with text around them; a repeated one counted once", () => {
    const anchors = readTrustAnchors(file("good.pem", `# my anchors\n${pemOf(root1)}\n${pemOf(root2)}${pemOf(self)}${pemOf(root1)}`));
    expect(anchors.map((a) => a.subject)).toEqual(["CN=Root One", "CN=Root Two", "CN=dev.test"]);
  });

  test("a private key is refused at its line", () => {
    const key = readFileSync(leaf.key, "utf8");
    const e = refusal(`${pemOf(root1)}${key}`);
    expect(e.code).toBe("E_TLS_CA");
    expect(e.location?.line).toBe(pemOf(root1).split("\n").length);
    expect(e.message).toMatch(/holds a private key \(PRIVATE KEY\); it takes certificates only/);
  });

  test("a certificate that is neither a CA nor self-signed", () => {
    expect(refusal(pemOf(leaf)).message).toBe(
      "CN=www.example.org is neither a CA nor self-signed, so no path can end at it: give the CA certificate that issued it");
  });

  test("an expired anchor, one not yet valid, and a P-384 key", () => {
    expect(refusal(pemOf(root1), new Date(Date.now() + 3651 * 86_400_000)).message).toMatch(/^CN=Root One expired on .*: every path through it would be refused/);
    expect(refusal(pemOf(root1), new Date(Date.now() - 86_400_000)).message).toMatch(/^CN=Root One is not valid before .*: is this machine's clock right\?/);
    const key = path.join(pki.dir, "p384.key");
    pki.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", key);
    const p384 = pki.ca("P384 Root", { keyFile: key });
    expect(refusal(pemOf(p384)).message).toMatch(/has a ec secp384r1 key; the TLS client verifies with RSA, ECDSA P-256 and Ed25519 keys only/);
  });

  test("no certificate, a broken one, an unreadable file", () => {
    expect(refusal("hello\n").message).toMatch(/holds no PEM certificate/);
    expect(refusal("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").message).toMatch(/^this certificate does not parse/);
    expect(() => readTrustAnchors(path.join(pki.dir, "missing.pem"))).toThrow(/cannot read --tls-ca .*missing\.pem/);
  });
});

describe("the asset", () => {
  test("prepareApp packs the bundle beside the app's assets", () => {
    const bundle = file("two.pem", pemOf(root1) + pemOf(root2));
    const p = prepareApp(path.join(root, "apps/hello"), { tlsCa: bundle });
    const pack = Buffer.from(p.assets!.pack);
    expect(pack.includes(Buffer.from(TRUST_ANCHORS_ASSET))).toBe(true);
    expect(pack.includes(Buffer.from(root2.der))).toBe(true);
    // A bad bundle stops the build before anything is compiled.
    expect(() => prepareApp(path.join(root, "apps/hello"), { tlsCa: file("bad.pem", pemOf(leaf)) })).toThrow(/neither a CA nor self-signed/);
  });

  test("the image reads the anchors back and validates with them", async () => {
    const x = await X509.start([trustAnchorAsset(file("both.pem", pemOf(root1) + pemOf(self)))]);
    expect(x.call("useBuiltInAnchors", new Uint8Array(0))).toBe("ok 2");
    const now = Math.floor(Date.now() / 1000) + 60;
    expect(x.validate([leaf.der], "www.example.org", now)).toBe("ok");
    expect(x.validate([self.der], "dev.test", now)).toBe("ok");
    const none = await X509.start();
    expect(none.call("useBuiltInAnchors", new Uint8Array(0))).toBe("ok 0");
    expect(none.validate([leaf.der], "www.example.org", now)).toMatch(/^unknown issuer: /);
  });

  test("morgana build refuses a bad bundle with its location, exit 1; build --target node sends it to morgana run", async () => {
    const bad = file("cli-bad.pem", pemOf(leaf));
    const r = await morgana(["build", "--app", "hello", "--tls-ca", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:1:1: error E_TLS_CA: CN=www.example.org is neither a CA nor self-signed`);
    expect(r.stderr).toContain("hint: Give --tls-ca a PEM file");
    const n = await morgana(["build", "--target", "node", "--app", "hello", "--tls-ca", bad]);
    expect(n.code).toBe(2);
    expect(n.stderr).toContain("--tls-ca is for --target hvt and spt, and for morgana run APP --tls-ca FILE");
  });
});
