// The seam to the cryptography: path validation asks a SignatureVerifier
// whether a key signed a message, and never does the arithmetic itself.
// The TLS binding (the vetted library behind the platform's imports)
// implements it for images; the tests implement it in the Node harness
// with node:crypto.

/** A certificate's public key type (SubjectPublicKeyInfo algorithm). */
export enum KeyType {
  Unknown = 0,
  /** rsaEncryption (RFC 3279 §2.3.1). */
  Rsa,
  /** id-ecPublicKey on prime256v1 (RFC 5480 §2.1.1). */
  EcP256,
  /** id-Ed25519 (RFC 8410 §3). */
  Ed25519,
}

/** A signature algorithm, as certificates name them and as TLS 1.3's
 * CertificateVerify needs them (RFC 8446 §4.2.3). */
export enum SignatureAlgorithm {
  Unknown = 0,
  /** sha256WithRSAEncryption and its SHA-384/512 siblings: PKCS #1 v1.5
   * (RFC 8017 §8.2), in certificates only. */
  RsaPkcs1Sha256,
  RsaPkcs1Sha384,
  RsaPkcs1Sha512,
  /** ecdsa-with-SHA256/384/512: the signature is a DER Ecdsa-Sig-Value
   * (RFC 5758 §3.2). */
  EcdsaSha256,
  EcdsaSha384,
  EcdsaSha512,
  /** Pure Ed25519 (RFC 8032 §5.1). */
  Ed25519,
  /** RSASSA-PSS with an rsaEncryption key, MGF1 and salt of the hash's
   * length: TLS 1.3's rsa_pss_rsae_* (RFC 8446 §4.2.3). */
  RsaPssSha256,
  RsaPssSha384,
  RsaPssSha512,
}

/** The key type an algorithm needs. */
export function keyTypeOf(a: SignatureAlgorithm): KeyType {
  switch (a) {
    case SignatureAlgorithm.RsaPkcs1Sha256:
    case SignatureAlgorithm.RsaPkcs1Sha384:
    case SignatureAlgorithm.RsaPkcs1Sha512:
    case SignatureAlgorithm.RsaPssSha256:
    case SignatureAlgorithm.RsaPssSha384:
    case SignatureAlgorithm.RsaPssSha512:
      return KeyType.Rsa;
    case SignatureAlgorithm.EcdsaSha256:
    case SignatureAlgorithm.EcdsaSha384:
    case SignatureAlgorithm.EcdsaSha512:
      return KeyType.EcP256;
    case SignatureAlgorithm.Ed25519:
      return KeyType.Ed25519;
  }
  return KeyType.Unknown;
}

export abstract class SignatureVerifier {
  /** Whether `signature` over `message` verifies with the key given both
   * as `spki` (the whole DER SubjectPublicKeyInfo) and as `publicKey`
   * (its key bits: an RSAPublicKey, an uncompressed P-256 point, 32 bytes
   * of Ed25519), whichever the implementation takes. False for anything it
   * cannot check: a wrong-sized key or signature is a failed verification. */
  abstract verify(algorithm: SignatureAlgorithm, spki: Uint8Array, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): bool;

  /** Whether this verifier checks `algorithm` at all: path validation
   * reports a certificate signed otherwise as an unsupported algorithm,
   * not as a bad signature. */
  supports(algorithm: SignatureAlgorithm): bool {
    return algorithm != SignatureAlgorithm.Unknown;
  }
}
