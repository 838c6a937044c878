// What the TLS client needs around the certificate: the binding as the
// X.509 layer's SignatureVerifier, the signature schemes it can check, the
// signed content of CertificateVerify (RFC 8446 §4.4.3), and the alert
// each reason for refusing a certificate maps to (§6.2).
import { AlertCode } from "./alert";
import { SIG_ECDSA_SECP256R1_SHA256, verify } from "./crypto";
import { KeyType, SignatureAlgorithm, SignatureVerifier, X509Error } from "./x509/index";

/** Signatures through the crypto binding (BearSSL on hvt and spt,
 * node:crypto on node): ECDSA P-256 with SHA-256, the one the binding
 * verifies today. Certificates signed otherwise are refused as an
 * unsupported algorithm. */
export class BindingVerifier extends SignatureVerifier {
  verify(algorithm: SignatureAlgorithm, spki: Uint8Array, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): bool {
    if (algorithm != SignatureAlgorithm.EcdsaSha256) return false;
    return verify(SIG_ECDSA_SECP256R1_SHA256, publicKey, message, signature);
  }

  supports(algorithm: SignatureAlgorithm): bool {
    return algorithm == SignatureAlgorithm.EcdsaSha256;
  }
}

/** SignatureScheme code points (§4.2.3) this client knows. */
export const SCHEME_ECDSA_SECP256R1_SHA256: u16 = 0x0403;
export const SCHEME_RSA_PSS_RSAE_SHA256: u16 = 0x0804;
export const SCHEME_RSA_PSS_RSAE_SHA384: u16 = 0x0805;
export const SCHEME_RSA_PSS_RSAE_SHA512: u16 = 0x0806;
export const SCHEME_ED25519: u16 = 0x0807;
const SCHEMES: u16[] = [SCHEME_ECDSA_SECP256R1_SHA256, SCHEME_ED25519, SCHEME_RSA_PSS_RSAE_SHA256, SCHEME_RSA_PSS_RSAE_SHA384, SCHEME_RSA_PSS_RSAE_SHA512];

/** The algorithm of a scheme, Unknown for one not known here. */
export function schemeAlgorithm(scheme: u16): SignatureAlgorithm {
  switch (scheme) {
    case SCHEME_ECDSA_SECP256R1_SHA256: return SignatureAlgorithm.EcdsaSha256;
    case SCHEME_RSA_PSS_RSAE_SHA256: return SignatureAlgorithm.RsaPssSha256;
    case SCHEME_RSA_PSS_RSAE_SHA384: return SignatureAlgorithm.RsaPssSha384;
    case SCHEME_RSA_PSS_RSAE_SHA512: return SignatureAlgorithm.RsaPssSha512;
    case SCHEME_ED25519: return SignatureAlgorithm.Ed25519;
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

/** The key type a scheme's signature needs. */
export function schemeKeyType(scheme: u16): KeyType {
  if (scheme == SCHEME_ECDSA_SECP256R1_SHA256) return KeyType.EcP256;
  if (scheme == SCHEME_ED25519) return KeyType.Ed25519;
  return scheme >= SCHEME_RSA_PSS_RSAE_SHA256 && scheme <= SCHEME_RSA_PSS_RSAE_SHA512 ? KeyType.Rsa : KeyType.Unknown;
}
