// Certification path validation (RFC 5280 §6.1), for the common cases a
// TLS client meets: the server presents its certificate first and the
// intermediates after it (RFC 8446 §4.4.2), and the path ends at one of
// the trust anchors the image was built with (--tls-ca).
//
// What is checked, in this order, so that the first failure is the one
// reported:
// 1. the path: from the leaf, each issuer found by name among the trust
//    anchors, then among the presented certificates (order does not
//    matter, extras are ignored); at most MAX_PATH certificates;
// 2. on every certificate: no critical extension left unknown (§4.2), no
//    nameConstraints (not applied here, so refused rather than ignored);
// 3. on every issuer, the anchor included: basicConstraints cA
//    (§6.1.4 (k); an X.509 v1 anchor is taken as a CA, as it has no way to
//    say so), keyUsage keyCertSign when keyUsage is present (§6.1.4 (n)),
//    and pathLenConstraint over the CAs below it (§6.1.4 (l), (m));
// 4. on the leaf: keyUsage digitalSignature when present (TLS 1.3 signs
//    with it, RFC 8446 §4.4.3), extendedKeyUsage serverAuth when present
//    (RFC 5280 §4.2.1.12);
// 5. signatures, from the anchor down (§6.1.3 (a)(1));
// 6. validity of every certificate, the anchor's too, against the wall
//    clock (§6.1.3 (a)(2));
// 7. the host name or address (hostname.ts), when one is given.
// Not done: policies (§6.1.3 (d)-(f)), revocation, RFC 4518 string
// preparation beyond ASCII case and spaces (name.ts).
import { civilDate } from "../../platform/clock";
import { Certificate } from "./certificate";
import { DerStatus } from "./der";
import { TrustAnchors } from "./anchors";
import { X509Error, x509ErrorName } from "./error";
import { KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN } from "./extensions";
import { matchesHost, presentedNames } from "./hostname";
import { oidToString } from "./oid";
import { keyTypeOf, KeyType, SignatureVerifier } from "./verifier";

/** Certificates a server may present, and the longest path built. */
export const MAX_CHAIN: i32 = 10;
export const MAX_PATH: i32 = 8;

/** Which certificate a verdict is about: an index into the presented
 * chain (0 = the server's own), or ANCHOR. */
export const ANCHOR: i32 = -1;

export class Verdict {
  error: X509Error = X509Error.Ok;
  /** Index in the presented chain, or ANCHOR. */
  index: i32 = 0;
  /** For Malformed and TooLarge: the offset in that certificate. */
  offset: i32 = 0;
  /** Says what and why, naming the certificate. */
  message: string = "";
  /** The server's certificate, parsed (null if it did not parse): its key
   * verifies the TLS CertificateVerify. */
  leaf: Certificate | null = null;

  get ok(): bool {
    return this.error == X509Error.Ok;
  }

  toString(): string {
    return this.ok ? "ok" : x509ErrorName(this.error) + ": " + this.message;
  }
}

export class PathValidator {
  constructor(readonly anchors: TrustAnchors, readonly verifier: SignatureVerifier) {}

  /** Validate the presented `chain` (DER, leaf first) at `now` (seconds
   * since the epoch) for `host` ("" to skip the name check). */
  validate(chain: Uint8Array[], host: string, now: i64): Verdict {
    const v = new Verdict();
    if (chain.length == 0) return fail(v, X509Error.EmptyChain, 0, "the server sent no certificate");
    if (chain.length > MAX_CHAIN) {
      return fail(v, X509Error.TooLarge, 0, "the server sent " + chain.length.toString() + " certificates; at most " + MAX_CHAIN.toString() + " are read");
    }
    const certs: Certificate[] = [];
    for (let i = 0; i < chain.length; i++) {
      const c = new Certificate();
      const status = new DerStatus();
      if (c.parse(chain[i], status) != X509Error.Ok) {
        v.offset = status.offset;
        return fail(v, status.error, i, "certificate " + i.toString() + " is " + x509ErrorName(status.error) + " at offset " + status.offset.toString());
      }
      certs.push(c);
    }
    v.leaf = certs[0];
    // 1. The path: indices into certs, and the anchor that ends it.
    const path: i32[] = [];
    let anchor: Certificate | null = null;
    let cur = 0;
    for (;;) {
      anchor = this.sameAnchor(certs[cur]);
      if (anchor !== null) break;
      path.push(cur);
      if (path.length > MAX_PATH) return fail(v, X509Error.TooLarge, cur, "the path is longer than " + MAX_PATH.toString() + " certificates");
      anchor = this.anchorFor(certs[cur]);
      if (anchor !== null) break;
      const next = issuerAmong(certs, certs[cur], path);
      if (next < 0) {
        return fail(v, X509Error.UnknownIssuer, cur, describe(certs[cur], cur) + " was issued by " + certs[cur].issuer.toString() +
          ", which is neither a trust anchor (--tls-ca) nor among the certificates the server sent");
      }
      cur = next;
    }
    const top = anchor!;
    // 2-4. Extensions, issuers, leaf.
    for (let i = 0; i <= path.length; i++) {
      const c = i < path.length ? certs[path[i]] : top;
      const index = i < path.length ? path[i] : ANCHOR;
      if (!this.checkExtensions(v, c, index)) return v;
      if (i > 0 && !this.checkIssuer(v, c, index, certs, path, i)) return v;
    }
    if (!this.checkLeaf(v, path.length > 0 ? certs[0] : top, path.length > 0 ? 0 : ANCHOR)) return v;
    // 5. Signatures, from the anchor down.
    for (let i = path.length - 1; i >= 0; i--) {
      const issuer = i + 1 < path.length ? certs[path[i + 1]] : top;
      if (!this.checkSignature(v, certs[path[i]], path[i], issuer)) return v;
    }
    // 6. Validity.
    for (let i = 0; i <= path.length; i++) {
      const c = i < path.length ? certs[path[i]] : top;
      if (!checkValidity(v, c, i < path.length ? path[i] : ANCHOR, now)) return v;
    }
    // 7. The name.
    const leaf = path.length > 0 ? certs[0] : top;
    if (host.length > 0 && !matchesHost(leaf, host)) {
      return fail(v, X509Error.WrongName, 0, describe(leaf, 0) + " is not for " + host + ": it names " + presentedNames(leaf));
    }
    return v;
  }

  /** The anchor that is this very certificate (a server sending its root,
   * or a self-signed certificate trusted as it is). */
  private sameAnchor(c: Certificate): Certificate | null {
    const a = this.anchors.certs;
    for (let i = 0; i < a.length; i++) {
      if (a[i].der.length == c.der.length && a[i].subject.equals(c.subject) && sameDer(a[i], c)) return a[i];
    }
    return null;
  }

  /** The anchor named as the issuer of `c`; among several of that name
   * (a CA's key rollover), the one whose signature verifies. */
  private anchorFor(c: Certificate): Certificate | null {
    const a = this.anchors.certs;
    let first: Certificate | null = null;
    for (let i = 0; i < a.length; i++) {
      if (!a[i].subject.equals(c.issuer)) continue;
      if (first === null) first = a[i];
      if (keyTypeOf(c.signatureAlgorithm) == a[i].keyType &&
        this.verifier.verify(c.signatureAlgorithm, a[i].spki, a[i].publicKey, c.tbs, c.signature)) return a[i];
    }
    return first;
  }

  private checkExtensions(v: Verdict, c: Certificate, index: i32): bool {
    const unknown = c.extensions.unknownCritical;
    if (unknown !== null) {
      return failed(v, X509Error.UnknownCriticalExtension, index, describe(c, index) + " has a critical extension " +
        oidToString(unknown) + " that this validator does not understand (RFC 5280 §4.2)");
    }
    if (c.extensions.hasNameConstraints) {
      return failed(v, X509Error.NameConstraints, index, describe(c, index) +
        " carries nameConstraints, which this validator does not apply, so it refuses the path");
    }
    return true;
  }

  /** The issuer at position `at` of the path (`at` >= 1). */
  private checkIssuer(v: Verdict, c: Certificate, index: i32, certs: Certificate[], path: i32[], at: i32): bool {
    const ext = c.extensions;
    const v1Anchor = index == ANCHOR && c.version == 1;
    if (!v1Anchor && !ext.isCa) {
      return failed(v, X509Error.NotCa, index, describe(c, index) + " issued a certificate but is not a CA (no basicConstraints cA)");
    }
    if (ext.hasKeyUsage && (ext.keyUsage & KU_KEY_CERT_SIGN) == 0) {
      return failed(v, X509Error.KeyUsage, index, describe(c, index) + " issued a certificate but its keyUsage lacks keyCertSign");
    }
    if (ext.pathLen >= 0) {
      // CAs between this one and the leaf, self-issued ones not counted.
      let below = 0;
      for (let j = 1; j < at; j++) if (!certs[path[j]].selfIssued) below++;
      if (below > ext.pathLen) {
        return failed(v, X509Error.PathLenExceeded, index, describe(c, index) + " allows " + ext.pathLen.toString() +
          " CA certificate(s) below it (pathLenConstraint) and the path has " + below.toString());
      }
    }
    return true;
  }

  private checkLeaf(v: Verdict, c: Certificate, index: i32): bool {
    const ext = c.extensions;
    if (ext.hasKeyUsage && (ext.keyUsage & KU_DIGITAL_SIGNATURE) == 0) {
      return failed(v, X509Error.KeyUsage, index, describe(c, index) + " may not sign (keyUsage lacks digitalSignature), which TLS 1.3 needs");
    }
    if (ext.hasExtKeyUsage && !ext.serverAuth) {
      return failed(v, X509Error.KeyUsage, index, describe(c, index) + " is not for TLS servers (extendedKeyUsage lacks serverAuth)");
    }
    return true;
  }

  private checkSignature(v: Verdict, c: Certificate, index: i32, issuer: Certificate): bool {
    const alg = c.signatureAlgorithm;
    if (!this.verifier.supports(alg) || issuer.keyType == KeyType.Unknown) {
      return failed(v, X509Error.UnsupportedAlgorithm, index, describe(c, index) +
        " uses a signature or key algorithm this image cannot verify");
    }
    if (keyTypeOf(alg) != issuer.keyType || !this.verifier.verify(alg, issuer.spki, issuer.publicKey, c.tbs, c.signature)) {
      return failed(v, X509Error.BadSignature, index, "the signature on " + describe(c, index) +
        " does not verify with the key of its issuer " + issuer.subject.toString());
    }
    return true;
  }
}

function checkValidity(v: Verdict, c: Certificate, index: i32, now: i64): bool {
  if (now < c.notBefore) {
    return failed(v, X509Error.NotYetValid, index, describe(c, index) + " is not valid before " + utc(c.notBefore) +
      " and the clock says " + utc(now) + " (is the wall clock right?)");
  }
  if (now > c.notAfter) {
    return failed(v, X509Error.Expired, index, describe(c, index) + " expired at " + utc(c.notAfter) + "; the clock says " + utc(now));
  }
  return true;
}

/** The presented certificate that issued `c`, not already on the path. */
function issuerAmong(certs: Certificate[], c: Certificate, path: i32[]): i32 {
  for (let i = 0; i < certs.length; i++) {
    if (path.includes(i)) continue;
    if (certs[i].subject.equals(c.issuer)) return i;
  }
  return -1;
}

function sameDer(a: Certificate, b: Certificate): bool {
  for (let i = 0; i < a.der.length; i++) if (a.der[i] != b.der[i]) return false;
  return true;
}

function describe(c: Certificate, index: i32): string {
  return (index == ANCHOR ? "trust anchor" : "certificate " + index.toString()) + " (" + c.subject.toString() + ")";
}

function fail(v: Verdict, e: X509Error, index: i32, message: string): Verdict {
  failed(v, e, index, message);
  return v;
}

function failed(v: Verdict, e: X509Error, index: i32, message: string): bool {
  v.error = e;
  v.index = index;
  v.message = message;
  return false;
}

/** Seconds since the epoch as "2024-02-29 23:59:59 UTC". */
function utc(s: i64): string {
  let days = s / 86_400;
  let sod = s % 86_400;
  if (sod < 0) { sod += 86_400; days -= 1; }
  const d = civilDate(days);
  return (d / 10_000).toString() + "-" + two(d / 100 % 100) + "-" + two(d % 100) + " " +
    two(sod / 3600) + ":" + two(sod / 60 % 60) + ":" + two(sod % 60) + " UTC";
}

function two(n: i64): string {
  return n.toString().padStart(2, "0");
}
