// What the TLS client needs around the certificate: the binding as the
// X.509 layer's SignatureVerifier, the signature schemes it can check, the
// signed content of CertificateVerify (RFC 8446 §4.4.3), and the alert
// each reason for refusing a certificate maps to (§6.2).
import { AlertCode } from "./alert";
import {
  SIG_ECDSA_SECP256R1_SHA256, SIG_ED25519, SIG_RSA_PKCS1_SHA256, SIG_RSA_PKCS1_SHA384, SIG_RSA_PSS_RSAE_SHA256, SIG_RSA_PSS_RSAE_SHA384, verify,
} from "./crypto";
import { Builder } from "./cursor";
import { DerReader, KeyType, SignatureAlgorithm, SignatureVerifier, TAG_INTEGER, TAG_SEQUENCE, X509Error } from "./x509/index";

/** Signatures through the crypto binding (BearSSL on hvt and spt,
 * node:crypto on node): what it verifies today, ECDSA P-256 with SHA-256,
 * RSA PKCS #1 v1.5 and RSA-PSS with SHA-256 and SHA-384, and Ed25519
 * (libsodium, boot/crypto/ed25519.c). Certificates
 * signed otherwise are refused as an unsupported algorithm. */
export class BindingVerifier extends SignatureVerifier {
  verify(algorithm: SignatureAlgorithm, spki: Uint8Array, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): bool {
    const scheme = bindingScheme(algorithm);
    if (scheme == 0) return false;
    if (scheme == SIG_ECDSA_SECP256R1_SHA256 || scheme == SIG_ED25519) return verify(scheme, publicKey, message, signature);
    const key = rsaKeyForBinding(publicKey);
    return key !== null && verify(scheme, key, message, signature);
  }

  supports(algorithm: SignatureAlgorithm): bool {
    return bindingScheme(algorithm) != 0;
  }
}

/** The binding's scheme number for an algorithm, 0 for none. */
function bindingScheme(a: SignatureAlgorithm): u16 {
  switch (a) {
    case SignatureAlgorithm.EcdsaSha256: return SIG_ECDSA_SECP256R1_SHA256;
    case SignatureAlgorithm.RsaPkcs1Sha256: return SIG_RSA_PKCS1_SHA256;
    case SignatureAlgorithm.RsaPkcs1Sha384: return SIG_RSA_PKCS1_SHA384;
    case SignatureAlgorithm.RsaPssSha256: return SIG_RSA_PSS_RSAE_SHA256;
    case SignatureAlgorithm.RsaPssSha384: return SIG_RSA_PSS_RSAE_SHA384;
    case SignatureAlgorithm.Ed25519: return SIG_ED25519;
  }
  return 0;
}

/** An RSAPublicKey (RFC 8017 §A.1.1: SEQUENCE { n INTEGER, e INTEGER })
 * as the binding takes it: n then e, each a u16 length and the integer
 * without its sign byte; null if it does not parse. */
function rsaKeyForBinding(der: Uint8Array): Uint8Array | null {
  const r = DerReader.of(der);
  if (!r.expect(TAG_SEQUENCE)) return null;
  const s = r.enter();
  const out = new Builder();
  for (let i = 0; i < 2; i++) {
    if (!s.expect(TAG_INTEGER) || !s.integerShape(s.start)) return null;
    let v = s.content();
    if (v[0] & 0x80) return null; // negative
    if (v.length > 1 && v[0] == 0) v = v.subarray(1);
    out.u16(v.length).bytes(v);
  }
  return s.finish() ? out.finish() : null;
}

/** SignatureScheme code points (§4.2.3) this client knows. */
export const SCHEME_ECDSA_SECP256R1_SHA256: u16 = 0x0403;
export const SCHEME_RSA_PSS_RSAE_SHA256: u16 = 0x0804;
export const SCHEME_RSA_PSS_RSAE_SHA384: u16 = 0x0805;
export const SCHEME_RSA_PSS_RSAE_SHA512: u16 = 0x0806;
export const SCHEME_ED25519: u16 = 0x0807;
/** For signatures in certificates only, never CertificateVerify (§4.2.3). */
export const SCHEME_RSA_PKCS1_SHA256: u16 = 0x0401;
export const SCHEME_RSA_PKCS1_SHA384: u16 = 0x0501;
const SCHEMES: u16[] = [SCHEME_ECDSA_SECP256R1_SHA256, SCHEME_ED25519, SCHEME_RSA_PSS_RSAE_SHA256, SCHEME_RSA_PSS_RSAE_SHA384,
  SCHEME_RSA_PSS_RSAE_SHA512, SCHEME_RSA_PKCS1_SHA256, SCHEME_RSA_PKCS1_SHA384];

/** The algorithm of a scheme, Unknown for one not known here. */
export function schemeAlgorithm(scheme: u16): SignatureAlgorithm {
  switch (scheme) {
    case SCHEME_ECDSA_SECP256R1_SHA256: return SignatureAlgorithm.EcdsaSha256;
    case SCHEME_RSA_PSS_RSAE_SHA256: return SignatureAlgorithm.RsaPssSha256;
    case SCHEME_RSA_PSS_RSAE_SHA384: return SignatureAlgorithm.RsaPssSha384;
    case SCHEME_RSA_PSS_RSAE_SHA512: return SignatureAlgorithm.RsaPssSha512;
    case SCHEME_ED25519: return SignatureAlgorithm.Ed25519;
    case SCHEME_RSA_PKCS1_SHA256: return SignatureAlgorithm.RsaPkcs1Sha256;
    case SCHEME_RSA_PKCS1_SHA384: return SignatureAlgorithm.RsaPkcs1Sha384;
  }
  return SignatureAlgorithm.Unknown;
}

/** The schemes to offer: those the verifier checks. */
export function offeredSchemes(v: SignatureVerifier): u16[] {
  const out: u16[] = [];
  for (let i = 0; i < SCHEMES.length; i++) if (v.supports(schemeAlgorithm(SCHEMES[i]))) out.push(SCHEMES[i]);
  return out;
}

/** What the server signs in CertificateVerify (§4.4.3): 64 spaces, the
 * context string, a zero byte, then the transcript hash. */
export function certificateVerifyContent(transcriptHash: Uint8Array): Uint8Array {
  const label = String.UTF8.encode("TLS 1.3, server CertificateVerify");
  const out = new Uint8Array(64 + label.byteLength + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(Uint8Array.wrap(label), 64);
  out.set(transcriptHash, 64 + label.byteLength + 1);
  return out;
}

/** The alert for a refused certificate (§6.2). */
export function certificateAlert(e: X509Error): AlertCode {
  switch (e) {
    case X509Error.Expired:
    case X509Error.NotYetValid:
      return AlertCode.CertificateExpired;
    case X509Error.UnknownIssuer:
      return AlertCode.UnknownCa;
    case X509Error.UnsupportedAlgorithm:
      return AlertCode.UnsupportedCertificate;
    case X509Error.EmptyChain:
      return AlertCode.DecodeError; // §4.4.2.4
    case X509Error.WrongName:
      return AlertCode.CertificateUnknown;
  }
  return AlertCode.BadCertificate;
}

/** The key type a scheme's CertificateVerify needs; Unknown for a
 * scheme TLS 1.3 does not allow there (rsa_pkcs1_*, §4.4.3). */
export function schemeKeyType(scheme: u16): KeyType {
  if (scheme == SCHEME_ECDSA_SECP256R1_SHA256) return KeyType.EcP256;
  if (scheme == SCHEME_ED25519) return KeyType.Ed25519;
  return scheme >= SCHEME_RSA_PSS_RSAE_SHA256 && scheme <= SCHEME_RSA_PSS_RSAE_SHA512 ? KeyType.Rsa : KeyType.Unknown;
}
