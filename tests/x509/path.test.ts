// Path validation (RFC 5280 §6.1) and host names (RFC 6125) over real
// chains made by openssl: the good chain for each key type, then each way
// a chain goes wrong, with the reason and the certificate the verdict
// names. Time is an argument: expired and not-yet-valid are the same
// certificates checked at another instant.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { flipSignature, nowSeconds, Pki, X509, type Issued } from "./helpers.ts";

let x: X509;
const pki = new Pki();
// An hour on: the certificates made below are valid by then.
const now = nowSeconds() + 3600;
let root: Issued, inter: Issued, leaf: Issued;

beforeAll(async () => {
  x = await X509.start();
  root = pki.ca("Root", { key: "ec", days: 3650 });
  inter = pki.ca("Intermediate", { key: "rsa", issuer: root, pathLen: 0, days: 365 });
  leaf = pki.leaf("www.example.com", ["DNS:www.example.com", "DNS:*.api.example.com", "IP:10.0.0.2", "IP:fd00::2"],
    { issuer: inter, ext: ["keyUsage=critical,digitalSignature", "extendedKeyUsage=serverAuth"] });
});
afterAll(() => pki.remove());

/** The verdict with `anchors` as the trust anchors. */
function check(chain: Issued[] | Uint8Array[], host: string, anchors: Issued[] = [root], at = now): string {
  expect(x.setAnchors(anchors.map((a) => a.der))).toBe(`ok ${anchors.length}`);
  return x.validate(chain.map((c) => (c instanceof Uint8Array ? c : c.der)), host, at);
}

describe("good paths", () => {
  test("leaf, RSA intermediate, P-256 root: ok for its names and addresses", () => {
    for (const host of ["www.example.com", "WWW.Example.COM", "www.example.com.", "v1.api.example.com", "10.0.0.2", "fd00::2", "[fd00::2]"]) {
      expect(check([leaf, inter], host), host).toBe("ok");
    }
  });

  test("the intermediates in any order, with an unrelated certificate among them", () => {
    const stray = pki.leaf("stray.example", ["DNS:stray.example"]);
    expect(check([leaf, stray, inter], "www.example.com")).toBe("ok");
    expect(check([leaf, inter, root], "www.example.com")).toBe("ok");
  });

  test("each key type as issuer and as leaf: Ed25519, RSA, P-256", () => {
    for (const kind of ["ed25519", "rsa", "ec"] as const) {
      const ca = pki.ca(`CA ${kind}`, { key: kind });
      const l = pki.leaf(`${kind}.example`, [`DNS:${kind}.example`], { key: kind, issuer: ca });
      expect(check([l], `${kind}.example`, [ca]), kind).toBe("ok");
    }
  });

  test("a self-signed certificate trusted as it is (a development certificate)", () => {
    const self = pki.leaf("dev.local", ["DNS:dev.local", "DNS:localhost", "IP:127.0.0.1"]);
    expect(check([self], "localhost", [self])).toBe("ok");
    expect(check([self], "127.0.0.1", [self])).toBe("ok");
  });

  test("without a host name only the path is checked", () => {
    expect(check([leaf, inter], "")).toBe("ok");
  });
});

describe("each rejection names its reason and its certificate", () => {
  test("expired: one second after notAfter", () => {
    const v = check([leaf, inter], "www.example.com", [root], now + 31 * 86_400);
    expect(v).toMatch(/^expired: certificate 0 \(CN=www\.example\.com\) expired at 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC; the clock says /);
    // The intermediate lives a year: past it, it is the one named.
    expect(check([leaf, inter], "www.example.com", [root], now + 400 * 86_400)).toMatch(/^expired: certificate 0 /);
    expect(check([leaf, inter], "", [root], now + 3651 * 86_400)).toMatch(/^expired: certificate 0 /);
  });

  test("not yet valid: a day before notBefore, with a hint about the clock", () => {
    expect(check([leaf, inter], "www.example.com", [root], now - 86_400))
      .toMatch(/^not yet valid: certificate 0 \(CN=www\.example\.com\) is not valid before .* \(is the wall clock right\?\)$/);
  });

  test("wrong name: lists what the certificate names", () => {
    expect(check([leaf, inter], "example.com")).toBe(
      "wrong name: certificate 0 (CN=www.example.com) is not for example.com: it names www.example.com, *.api.example.com, 10.0.0.2, fd00::2");
    for (const host of ["a.b.api.example.com", "api.example.com", "10.0.0.3", "fd00::3", "www.example.co"]) {
      expect(check([leaf, inter], host), host).toMatch(/^wrong name: /);
    }
  });

  test("unknown CA: another root, or the intermediate missing", () => {
    const other = pki.ca("Other Root");
    expect(check([leaf, inter], "www.example.com", [other])).toBe(
      "unknown issuer: certificate 1 (CN=Intermediate) was issued by CN=Root, which is neither a trust anchor (--tls-ca) nor among the certificates the server sent");
    expect(check([leaf], "www.example.com")).toMatch(/^unknown issuer: certificate 0 \(CN=www\.example\.com\) was issued by CN=Intermediate,/);
    const self = pki.leaf("self.example", ["DNS:self.example"]);
    expect(check([self], "self.example")).toMatch(/^unknown issuer: certificate 0 /);
  });

  test("bad signature: one byte flipped in the leaf's or the intermediate's signature", () => {
    expect(check([flipSignature(leaf.der), inter.der], "www.example.com")).toBe(
      "bad signature: the signature on certificate 0 (CN=www.example.com) does not verify with the key of its issuer CN=Intermediate");
    expect(check([leaf.der, flipSignature(inter.der)], "www.example.com")).toMatch(/^bad signature: the signature on certificate 1 \(CN=Intermediate\)/);
  });

  test("bad signature: a certificate signed by another key under the issuer's name", () => {
    const impostor = pki.ca("Root", { key: "ec" }); // same name, other key
    const forged = pki.leaf("forged.example", ["DNS:forged.example"], { issuer: impostor });
    expect(check([forged], "forged.example")).toMatch(/^bad signature: the signature on certificate 0 \(CN=forged\.example\)/);
  });

  test("not a CA: an issuer without basicConstraints, or with cA FALSE", () => {
    const notCa = pki.leaf("plain.example", ["DNS:plain.example"], { issuer: root });
    const under = pki.leaf("under.example", ["DNS:under.example"], { issuer: notCa });
    expect(check([under, notCa], "under.example")).toBe(
      "not a CA: certificate 1 (CN=plain.example) issued a certificate but is not a CA (no basicConstraints cA)");
    const caFalse = pki.cert("cafalse", { issuer: root, ext: ["basicConstraints=critical,CA:FALSE"] });
    const under2 = pki.leaf("under2.example", ["DNS:under2.example"], { issuer: caFalse });
    expect(check([under2, caFalse], "under2.example")).toMatch(/^not a CA: certificate 1 /);
  });

  test("path too long: pathLenConstraint 0 with another CA below", () => {
    const sub = pki.ca("Sub", { issuer: inter });
    const deep = pki.leaf("deep.example", ["DNS:deep.example"], { issuer: sub });
    expect(check([deep, sub, inter], "deep.example")).toBe(
      "path too long: certificate 2 (CN=Intermediate) allows 0 CA certificate(s) below it (pathLenConstraint) and the path has 1");
    // The anchor's own constraint counts too.
    const strictRoot = pki.ca("Strict Root", { pathLen: 0 });
    const mid = pki.ca("Mid", { issuer: strictRoot });
    const low = pki.leaf("low.example", ["DNS:low.example"], { issuer: mid });
    expect(check([low, mid], "low.example", [strictRoot])).toMatch(/^path too long: trust anchor \(CN=Strict Root\) allows 0 /);
  });

  test("key usage: a CA without keyCertSign, a leaf without digitalSignature or serverAuth", () => {
    const noSign = pki.cert("nosign", { issuer: root, ext: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,cRLSign"] });
    const l1 = pki.leaf("l1.example", ["DNS:l1.example"], { issuer: noSign });
    expect(check([l1, noSign], "l1.example")).toMatch(/^key usage: certificate 1 \(CN=nosign\) issued a certificate but its keyUsage lacks keyCertSign$/);
    const encOnly = pki.leaf("enc.example", ["DNS:enc.example"], { issuer: root, ext: ["keyUsage=critical,keyEncipherment"] });
    expect(check([encOnly], "enc.example")).toMatch(/^key usage: certificate 0 .* lacks digitalSignature/);
    const client = pki.leaf("client.example", ["DNS:client.example"], { issuer: root, ext: ["extendedKeyUsage=clientAuth"] });
    expect(check([client], "client.example")).toMatch(/^key usage: certificate 0 .* lacks serverAuth/);
  });

  test("an unknown critical extension refuses the path; a non-critical one does not", () => {
    const crit = pki.leaf("crit.example", ["DNS:crit.example"], { issuer: root, ext: ["1.3.6.1.4.1.99999.7=critical,ASN1:NULL"] });
    expect(check([crit], "crit.example")).toBe(
      "unknown critical extension: certificate 0 (CN=crit.example) has a critical extension 1.3.6.1.4.1.99999.7 that this validator does not understand (RFC 5280 §4.2)");
    const soft = pki.leaf("soft.example", ["DNS:soft.example"], { issuer: root, ext: ["1.3.6.1.4.1.99999.7=ASN1:NULL"] });
    expect(check([soft], "soft.example")).toBe("ok");
  });

  test("name constraints on an issuer are refused, not ignored", () => {
    const nc = pki.cert("constrained", { issuer: root, ext: ["basicConstraints=critical,CA:TRUE", "nameConstraints=critical,permitted;DNS:.example.com"] });
    const l = pki.leaf("nc.example.com", ["DNS:nc.example.com"], { issuer: nc });
    expect(check([l, nc], "nc.example.com")).toMatch(/^name constraints: certificate 1 \(CN=constrained\) carries nameConstraints/);
  });

  test("no certificate, garbage, and too many certificates", () => {
    expect(check([] as Uint8Array[], "x")).toBe("empty chain: the server sent no certificate");
    expect(check([leaf.der, Uint8Array.of(0x30, 0x05, 0x01)], "www.example.com")).toBe("malformed: certificate 1 is malformed at offset 0");
    expect(check(Array(11).fill(leaf.der), "www.example.com")).toMatch(/^too large: the server sent 11 certificates; at most 10/);
  });
});

describe("names chained as RFC 5280 §7.1 compares them", () => {
  test("an issuer written in another case and spacing names the same CA; openssl agrees", () => {
    const key = pki.key("shared", "ec");
    const anchor = pki.ca("Case Root", { keyFile: key, cn: "Case  Root Example" });
    const sameKeyOtherSpelling = pki.ca("CASE ROOT", { keyFile: key, cn: " CASE ROOT   example " });
    const l = pki.leaf("folded.example", ["DNS:folded.example"], { issuer: sameKeyOtherSpelling });
    expect(check([l], "folded.example", [anchor])).toBe("ok");
    expect(pki.openssl("verify", "-CAfile", anchor.cert, l.cert)).toContain(": OK");
    // A different word is a different name.
    const other = pki.ca("Case Roots", { keyFile: key, cn: "Case Roots Example" });
    const l2 = pki.leaf("other.example", ["DNS:other.example"], { issuer: other });
    expect(check([l2], "other.example", [anchor])).toMatch(/^unknown issuer: /);
  });
});

describe("host names (RFC 6125 §6.4)", () => {
  const cases: [string, string, boolean][] = [
    ["www.example.com", "www.example.com", true],
    ["WWW.EXAMPLE.COM", "www.example.com", true],
    ["www.example.com.", "www.example.com", true],
    ["*.example.com", "www.example.com", true],
    ["*.example.com", "WWW.EXAMPLE.COM", true],
    ["*.example.com", "example.com", false], // one label, never none
    ["*.example.com", "a.b.example.com", false], // never two
    ["*.example.com", ".example.com", false],
    ["*.com", "example.com", false], // at least two labels after the wildcard
    ["*", "localhost", false],
    ["f*.example.com", "foo.example.com", false], // no partial wildcards
    ["*oo.example.com", "foo.example.com", false],
    ["www.*.example.com", "www.a.example.com", false], // only leftmost
    ["*.*.example.com", "a.b.example.com", false],
    ["www.example.com", "*.example.com", false], // the reference is never a pattern
    ["www.example.com", "www.example.com.evil", false],
    ["xn--bcher-kva.example", "XN--BCHER-KVA.example", true],
    ["", "", false],
  ];
  test.each(cases)("%s against %s", (pattern, host, expected) => {
    expect(x.nameMatches(pattern, host)).toBe(expected);
  });

  test("the common name is used only when there is no dNSName", () => {
    const cnOnly = pki.cert("cn.example", { issuer: root });
    expect(check([cnOnly], "cn.example")).toBe("ok");
    const withSan = pki.leaf("cn2.example", ["DNS:other.example"], { issuer: root });
    expect(check([withSan], "cn2.example")).toMatch(/^wrong name: .* it names other\.example$/);
  });

  test("an address matches only an iPAddress entry, never a dNSName or the common name", () => {
    const dnsIp = pki.leaf("10.0.0.9", ["DNS:10.0.0.9"], { issuer: root });
    expect(check([dnsIp], "10.0.0.9")).toMatch(/^wrong name: /);
    const cnIp = pki.cert("10.0.0.8", { issuer: root });
    expect(check([cnIp], "10.0.0.8")).toMatch(/^wrong name: /);
  });
});

describe("trust anchors", () => {
  test("a bundle of several certificates; a broken bundle names the offset", () => {
    expect(x.setAnchors([root.der, inter.der])).toBe("ok 2");
    expect(x.setAnchors([root.der, root.der.subarray(0, 40)])).toBe(`error: malformed at ${root.der.length}`);
  });
});
