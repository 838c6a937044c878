// Certificates made by openssl, parsed by libos/tls/x509 and compared with
// what `openssl x509 -text` says of them; then hostile input: every
// truncation and thousands of random mutations of real certificates go
// through the parser, which must answer (an error or a certificate) and
// never trap.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Pki, X509, type Issued } from "./helpers.ts";

let x: X509;
const pki = new Pki();
let ca: Issued, ec: Issued, rsa: Issued, ed: Issued;

beforeAll(async () => {
  x = await X509.start();
  ca = pki.ca("Test Root", { key: "ec", pathLen: 1 });
  ec = pki.leaf("ec.example", ["DNS:ec.example", "DNS:*.ec.example", "IP:10.0.0.2", "IP:fe80::1"],
    { issuer: ca, ext: ["keyUsage=critical,digitalSignature", "extendedKeyUsage=serverAuth"] });
  rsa = pki.leaf("rsa.example", ["DNS:rsa.example"], { key: "rsa", issuer: ca });
  ed = pki.leaf("ed.example", [], { key: "ed25519" });
});
afterAll(() => pki.remove());

/** openssl's own reading of the validity dates, as epoch seconds. */
function opensslDates(c: Issued): [number, number] {
  const out = pki.openssl("x509", "-in", c.cert, "-noout", "-startdate", "-enddate");
  const at = (k: string) => Date.parse(out.match(new RegExp(`${k}=(.*)`))![1]) / 1000;
  return [at("notBefore"), at("notAfter")];
}

describe("certificates made by openssl", () => {
  test("a P-256 CA: v3, ECDSA-SHA256, cA with pathLen 1, keyCertSign", () => {
    const s = x.parse(ca.der);
    const [nb, na] = opensslDates(ca);
    expect(s).toContain(`notBefore=${nb} notAfter=${na}`);
    expect(s).toMatch(/^v3 serial=1B sig=4 key=2 keylen=65 /);
    expect(s).toContain("subject=CN=Test Root issuer=CN=Test Root ca=1 pathLen=1 ku=96 ");
  });

  test("a P-256 leaf: SAN DNS names and both address families, keyUsage, serverAuth", () => {
    const s = x.parse(ec.der);
    expect(s).toContain("issuer=CN=Test Root ca=- pathLen=-1 ku=1 serverAuth=1 dns=ec.example,*.ec.example ips=4,16 nc=0");
  });

  test("an RSA-2048 key signed with ECDSA; an Ed25519 self-signed certificate", () => {
    expect(x.parse(rsa.der)).toMatch(/ sig=4 key=1 keylen=270 /);
    expect(x.parse(ed.der)).toMatch(/^v1 serial=1B sig=7 key=3 keylen=32 .* subject=CN=ed.example issuer=CN=ed.example ca=- /);
  });

  test("an unknown critical extension is recorded, a non-critical one ignored", () => {
    const crit = pki.leaf("crit", [], { ext: ["1.3.6.1.4.1.99999.1=critical,ASN1:UTF8String:must understand"] });
    const plain = pki.leaf("plain", [], { ext: ["1.3.6.1.4.1.99999.1=ASN1:UTF8String:may ignore"] });
    expect(x.parse(crit.der)).toContain("unknownCritical=1");
    expect(x.parse(plain.der)).toContain("unknownCritical=0");
  });

  test("GeneralizedTime past 2049 (RFC 5280 §4.1.2.5)", () => {
    const long = pki.leaf("long", [], { days: 365 * 40 });
    const [, na] = opensslDates(long);
    expect(na).toBeGreaterThan(Date.UTC(2050, 0, 1) / 1000);
    expect(x.parse(long.der)).toContain(`notAfter=${na} `);
  });
});

describe("hostile certificates", () => {
  test("every truncation is an error, never a trap", () => {
    for (const c of [ca, ec, rsa, ed]) {
      for (let n = 0; n < c.der.length; n++) expect(x.parse(c.der.subarray(0, n))).toMatch(/^error: (malformed|too large) at \d+$/);
    }
  });

  test("a trailing byte after the certificate is malformed", () => {
    expect(x.parse(Uint8Array.from([...ec.der, 0]))).toBe(`error: malformed at ${ec.der.length}`);
  });

  test("indefinite and non-minimal lengths are refused (X.690 §10.1)", () => {
    const indefinite = ec.der.slice();
    indefinite[1] = 0x80;
    expect(x.parse(indefinite)).toBe("error: malformed at 0");
    // 30 82 01 23 re-encoded as 30 83 00 01 23: the same length, not minimal.
    const long = Uint8Array.from([0x30, 0x83, 0x00, ...ec.der.subarray(2)]);
    expect(x.parse(long)).toBe("error: malformed at 0");
  });

  test("deep nesting stops at the depth limit", () => {
    // 40 nested SEQUENCEs where the TBSCertificate should be.
    const inner: number[] = [];
    for (let i = 0; i < 40; i++) inner.unshift(0x30, 2 * (40 - i) - 2);
    const der = Uint8Array.from([0x30, inner.length, ...inner]);
    expect(x.parse(der)).toMatch(/^error: (malformed|too large) at \d+$/);
  });

  test("20,000 random mutations of real certificates: each parses or is refused, none traps", () => {
    // A seeded generator: a failure is reproducible.
    let seed = 0x5eed;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const seen = { parsed: 0, refused: 0 };
    const originals = [ca, ec, rsa, ed].map((c) => c.der);
    for (let i = 0; i < 20_000; i++) {
      const m = originals[i % originals.length].slice();
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) {
        const at = rand(m.length);
        const kind = rand(3);
        if (kind === 0) m[at] ^= 1 << rand(8);
        else if (kind === 1) m[at] = rand(256);
        else m[at] = [0x00, 0x80, 0x81, 0x82, 0x84, 0xff][rand(6)];
      }
      const r = x.parse(m);
      if (r.startsWith("error: ")) seen.refused++;
      else seen.parsed++;
    }
    // Both outcomes happen: flips inside strings and keys still parse.
    expect(seen.refused).toBeGreaterThan(1000);
    expect(seen.parsed).toBeGreaterThan(100);
  });
});
