// An X.509 v1-v3 certificate (RFC 5280 §4.1) parsed from DER into a
// representation that holds only checked values. The certificate's bytes
// are shared, not copied: keep the buffer alive and unchanged while the
// Certificate is used.
//
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
//   TBSCertificate ::= SEQUENCE { [0] version DEFAULT v1, serialNumber, signature,
//       issuer, validity, subject, subjectPublicKeyInfo, [1] [2] unique IDs, [3] extensions }
import { DerReader, DerStatus, TAG_INTEGER, TAG_NULL, TAG_OID, TAG_SEQUENCE, tagContext, tagContextPrimitive } from "./der";
import { X509Error } from "./error";
import { Extensions } from "./extensions";
import { Name } from "./name";
import {
  OID_EC_PUBLIC_KEY, OID_ECDSA_SHA256, OID_ECDSA_SHA384, OID_ECDSA_SHA512, OID_ED25519, OID_PRIME256V1,
  OID_RSA_ENCRYPTION, OID_SHA256_WITH_RSA, OID_SHA384_WITH_RSA, OID_SHA512_WITH_RSA,
} from "./oid";
import { BAD_TIME, readTime } from "./time";
import { KeyType, SignatureAlgorithm } from "./verifier";

/** Larger than any certificate a server should send; TLS allows 16 MiB. */
export const MAX_CERTIFICATE_LEN: i32 = 32 * 1024;
/** RFC 5280 §4.1.2.2: serial numbers are at most 20 octets. */
const MAX_SERIAL_LEN: i32 = 20;

export class Certificate {
  /** The whole certificate. */
  der: Uint8Array = new Uint8Array(0);
  /** The signed part, tag and length included: what the signature covers. */
  tbs: Uint8Array = new Uint8Array(0);
  /** 1, 2 or 3. */
  version: i32 = 1;
  serial: Uint8Array = new Uint8Array(0);
  signatureAlgorithm: SignatureAlgorithm = SignatureAlgorithm.Unknown;
  issuer: Name = new Name();
  subject: Name = new Name();
  /** Validity, in seconds since the Unix epoch. */
  notBefore: i64 = 0;
  notAfter: i64 = 0;
  /** The whole SubjectPublicKeyInfo, as a SignatureVerifier takes it. */
  spki: Uint8Array = new Uint8Array(0);
  keyType: KeyType = KeyType.Unknown;
  /** The subjectPublicKey bits: an RSAPublicKey, an uncompressed P-256
   * point (65 bytes), or 32 bytes of Ed25519. */
  publicKey: Uint8Array = new Uint8Array(0);
  signature: Uint8Array = new Uint8Array(0);
  extensions: Extensions = new Extensions();

  /** Parse `der`, which must hold exactly one certificate. Returns Ok or
   * the error, `status.offset` saying where; never traps. */
  parse(der: Uint8Array, status: DerStatus = new DerStatus()): X509Error {
    if (der.length > MAX_CERTIFICATE_LEN) {
      status.fail(X509Error.TooLarge, 0);
      return status.error;
    }
    const top = new DerReader(der, 0, der.length, status);
    if (top.expect(TAG_SEQUENCE) && top.finish()) {
      this.der = der;
      const cert = top.enter();
      if (this.readTbs(cert)) {
        const algAt = cert.pos;
        const outer = readSignatureAlgorithm(cert);
        // The two algorithm fields must agree (RFC 5280 §4.1.1.2).
        if (outer != this.signatureAlgorithm) cert.fail(X509Error.Malformed, algAt);
        const sig = cert.readOctetAlignedBits();
        if (sig !== null) this.signature = sig;
        cert.finish();
      }
    }
    return status.error;
  }

  private readTbs(cert: DerReader): bool {
    if (!cert.expect(TAG_SEQUENCE)) return false;
    this.tbs = cert.element();
    const t = cert.enter();
    if (t.optional(tagContext(0))) {
      const v = t.enter();
      const at = v.pos;
      const n = v.readSmallInt();
      // v1 is the DEFAULT and so never written explicitly in DER.
      if (!v.finish() || n < 1 || n > 2) return t.fail(X509Error.Malformed, at);
      this.version = n + 1;
    }
    const serialAt = t.pos;
    if (!t.expect(TAG_INTEGER) || !t.integerShape(serialAt)) return false;
    if (t.len > MAX_SERIAL_LEN + 1) return t.fail(X509Error.TooLarge, serialAt);
    this.serial = t.content();
    this.signatureAlgorithm = readSignatureAlgorithm(t);
    if (!t.ok || !this.issuer.read(t)) return false;
    if (!t.expect(TAG_SEQUENCE)) return false;
    const validity = t.enter();
    this.notBefore = readTime(validity);
    this.notAfter = readTime(validity);
    if (this.notBefore == BAD_TIME || this.notAfter == BAD_TIME || !validity.finish()) return false;
    if (!this.subject.read(t) || !this.readSpki(t)) return false;
    // Unique identifiers (v2 and v3 only): skipped.
    if (this.version >= 2) {
      t.optional(tagContextPrimitive(1));
      t.optional(tagContextPrimitive(2));
    }
    if (this.version == 3 && t.optional(tagContext(3))) {
      if (!this.extensions.read(t.enter())) return false;
    }
    return t.finish();
  }

  /** SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }. */
  private readSpki(t: DerReader): bool {
    if (!t.expect(TAG_SEQUENCE)) return false;
    this.spki = t.element();
    const s = t.enter();
    const algAt = s.pos;
    if (!s.expect(TAG_SEQUENCE)) return false;
    const alg = s.enter();
    if (!alg.expect(TAG_OID)) return false;
    if (alg.contentIs(OID_RSA_ENCRYPTION)) {
      // Parameters NULL (RFC 3279 §2.3.1).
      if (!alg.expect(TAG_NULL) || alg.len != 0) return false;
      this.keyType = KeyType.Rsa;
    } else if (alg.contentIs(OID_EC_PUBLIC_KEY)) {
      if (!alg.expect(TAG_OID)) return false;
      if (alg.contentIs(OID_PRIME256V1)) this.keyType = KeyType.EcP256;
    } else if (alg.contentIs(OID_ED25519)) {
      this.keyType = KeyType.Ed25519;
    }
    // An unknown key type still parses: only a path through it fails.
    if (this.keyType == KeyType.Unknown) alg.pos = alg.end;
    if (!alg.finish()) return false;
    const key = s.readOctetAlignedBits();
    if (key === null) return false;
    this.publicKey = key;
    const bad = (this.keyType == KeyType.EcP256 && (key.length != 65 || key[0] != 4)) ||
      (this.keyType == KeyType.Ed25519 && key.length != 32);
    if (bad) return s.fail(X509Error.Malformed, algAt);
    return s.finish();
  }

  /** Issued by its own subject (RFC 5280 §6.1: "self-issued"). */
  get selfIssued(): bool {
    return this.issuer.equals(this.subject);
  }

  /** The subject, for messages. */
  toString(): string {
    return this.subject.toString();
  }
}

/** AlgorithmIdentifier of a signature; Unknown for one not verified here
 * (the certificate still parses; a path that needs it fails). */
function readSignatureAlgorithm(r: DerReader): SignatureAlgorithm {
  if (!r.expect(TAG_SEQUENCE)) return SignatureAlgorithm.Unknown;
  const a = r.enter();
  if (!a.expect(TAG_OID)) return SignatureAlgorithm.Unknown;
  let alg = SignatureAlgorithm.Unknown;
  let rsa = false;
  if (a.contentIs(OID_SHA256_WITH_RSA)) { alg = SignatureAlgorithm.RsaPkcs1Sha256; rsa = true; }
  else if (a.contentIs(OID_SHA384_WITH_RSA)) { alg = SignatureAlgorithm.RsaPkcs1Sha384; rsa = true; }
  else if (a.contentIs(OID_SHA512_WITH_RSA)) { alg = SignatureAlgorithm.RsaPkcs1Sha512; rsa = true; }
  else if (a.contentIs(OID_ECDSA_SHA256)) alg = SignatureAlgorithm.EcdsaSha256;
  else if (a.contentIs(OID_ECDSA_SHA384)) alg = SignatureAlgorithm.EcdsaSha384;
  else if (a.contentIs(OID_ECDSA_SHA512)) alg = SignatureAlgorithm.EcdsaSha512;
  else if (a.contentIs(OID_ED25519)) alg = SignatureAlgorithm.Ed25519;
  if (alg == SignatureAlgorithm.Unknown) {
    a.pos = a.end;
  } else if (rsa && a.peek() == TAG_NULL) {
    // RSA takes NULL parameters (RFC 4055 §5); ECDSA and Ed25519 none
    // (RFC 5758 §3.2, RFC 8410 §3).
    if (!a.read() || a.len != 0) a.fail(X509Error.Malformed, a.start);
  }
  a.finish();
  return alg;
}
