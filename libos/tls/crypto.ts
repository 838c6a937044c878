// TLS's primitives: the `morgana` imports named crypto*  (boot/crypto/crypto.c on hvt and
// spt, BearSSL; toolchain/targets/node/crypto.ts on the node target and
// under the test harness, node:crypto). The only file that declares them;
// everything in libos/tls calls these wrappers, which check lengths here
// so that a wrong call is an error in AssemblyScript rather than a trap
// in the binding. README.md says why BearSSL and where the keys live.
import { ed25519Sign, ed25519Verify } from "./ed25519";

@external("morgana", "cryptoHash")
declare function hashImport(alg: i32, input: usize, inputLen: i32, out: usize): i32;
@external("morgana", "cryptoHmac")
declare function hmacImport(alg: i32, key: usize, keyLen: i32, input: usize, inputLen: i32, out: usize): i32;
@external("morgana", "cryptoAeadSeal")
declare function aeadSealImport(suite: i32, key: usize, nonce: usize, aad: usize, aadLen: i32, data: usize, len: i32): i32;
@external("morgana", "cryptoAeadOpen")
declare function aeadOpenImport(suite: i32, key: usize, nonce: usize, aad: usize, aadLen: i32, data: usize, len: i32): i32;
@external("morgana", "cryptoX25519")
declare function x25519Import(scalar: usize, point: usize, out: usize): i32;
@external("morgana", "cryptoP256")
declare function p256Import(scalar: usize, point: usize, out: usize): i32;
@external("morgana", "cryptoSign")
declare function signImport(scheme: i32, key: usize, keyLen: i32, msg: usize, msgLen: i32, sig: usize, sigCap: i32): i32;
@external("morgana", "cryptoVerify")
declare function verifyImport(scheme: i32, key: usize, keyLen: i32, msg: usize, msgLen: i32, sig: usize, sigLen: i32): i32;

/** Hash algorithms (the numbers the imports take). */
export const enum HashAlg {
  Sha256 = 1,
  Sha384 = 2,
}

/** The digest length of `alg`. */
export function hashLength(alg: HashAlg): i32 {
  return alg == HashAlg.Sha384 ? 48 : 32;
}

/** AEAD algorithms (the numbers the imports take). */
export const enum Aead {
  Aes128Gcm = 1,
  Aes256Gcm = 2,
  Chacha20Poly1305 = 3,
}

export const AEAD_TAG_LENGTH = 16;
export const AEAD_NONCE_LENGTH = 12;

export function aeadKeyLength(aead: Aead): i32 {
  return aead == Aead.Aes128Gcm ? 16 : 32;
}

/** TLS SignatureScheme code points (RFC 8446 §4.2.3) the binding knows.
 * Sign: ECDSA P-256 and RSA-PSS; verify: those and RSA PKCS #1 v1.5. */
export const SIG_ECDSA_SECP256R1_SHA256: u16 = 0x0403;
export const SIG_RSA_PSS_RSAE_SHA256: u16 = 0x0804;
export const SIG_RSA_PSS_RSAE_SHA384: u16 = 0x0805;
export const SIG_RSA_PKCS1_SHA256: u16 = 0x0401;
export const SIG_RSA_PKCS1_SHA384: u16 = 0x0501;
/** Pure Ed25519 (RFC 8032), through ed25519.ts: the key is the 32-byte
 * seed to sign, the 32-byte public key to verify. */
export const SIG_ED25519: u16 = 0x0807;

/** The digest of `input`. */
export function hash(alg: HashAlg, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(hashLength(alg));
  hashImport(alg, input.dataStart, input.byteLength, out.dataStart);
  return out;
}

/** HMAC (RFC 2104) of `input` under `key`. */
export function hmac(alg: HashAlg, key: Uint8Array, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(hashLength(alg));
  hmacImport(alg, key.dataStart, key.byteLength, input.dataStart, input.byteLength, out.dataStart);
  return out;
}

/** Encrypts data[0, len) in place and writes the tag at data[len, len + 16):
 * `data` must have room for it. False when the lengths do not fit. */
export function aeadSeal(aead: Aead, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array, len: i32): bool {
  if (key.byteLength != aeadKeyLength(aead) || nonce.byteLength != AEAD_NONCE_LENGTH) return false;
  if (len < 0 || len > data.byteLength - AEAD_TAG_LENGTH) return false;
  return aeadSealImport(aead, key.dataStart, nonce.dataStart, aad.dataStart, aad.byteLength, data.dataStart, len) == 0;
}

/** data holds `len` bytes of ciphertext then the 16-byte tag; decrypts in
 * place. True when authentic; when not, the bytes are zeroed. */
export function aeadOpen(aead: Aead, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array, len: i32): bool {
  if (key.byteLength != aeadKeyLength(aead) || nonce.byteLength != AEAD_NONCE_LENGTH) return false;
  if (len < 0 || len > data.byteLength - AEAD_TAG_LENGTH) return false;
  return aeadOpenImport(aead, key.dataStart, nonce.dataStart, aad.dataStart, aad.byteLength, data.dataStart, len) == 1;
}

/** X25519 (RFC 7748) of a 32-byte scalar and a peer's 32-byte public key
 * into `out`; false for a bad length or an all-zero result (RFC 8446 §7.4.2). */
export function x25519(scalar: Uint8Array, peer: Uint8Array, out: Uint8Array): bool {
  if (scalar.byteLength != 32 || peer.byteLength != 32 || out.byteLength != 32) return false;
  return x25519Import(scalar.dataStart, peer.dataStart, out.dataStart) == 1;
}

/** The X25519 public key of a 32-byte scalar. */
export function x25519Public(scalar: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  if (scalar.byteLength == 32) x25519Import(scalar.dataStart, 0, out.dataStart);
  return out;
}

/** The P-256 ECDH secret (the X coordinate, 32 bytes) of a 32-byte scalar
 * and a peer's 65-byte uncompressed point; false when the point is not on
 * the curve or a length is wrong. */
export function p256(scalar: Uint8Array, peer: Uint8Array, out: Uint8Array): bool {
  if (scalar.byteLength != 32 || peer.byteLength != 65 || out.byteLength != 32) return false;
  return p256Import(scalar.dataStart, peer.dataStart, out.dataStart) == 1;
}

/** The uncompressed P-256 public key (65 bytes) of a 32-byte scalar, or
 * null when the scalar is zero or not below the group order. */
export function p256Public(scalar: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(65);
  if (scalar.byteLength != 32) return null;
  return p256Import(scalar.dataStart, 0, out.dataStart) == 1 ? out : null;
}

/** The signature of `msg` under `key` with `scheme`, or null (unknown
 * scheme or a bad key). ecdsa_secp256r1_sha256 keys are the 32-byte
 * scalar; RSA private keys are n, e, d, p, q, dp, dq, qi, each a u16
 * big-endian length then the integer (public keys: n, e). */
export function sign(scheme: u16, key: Uint8Array, msg: Uint8Array): Uint8Array | null {
  if (scheme == SIG_ED25519) return ed25519Sign(key, msg);
  const sig = new Uint8Array(512);
  const n = signImport(scheme, key.dataStart, key.byteLength, msg.dataStart, msg.byteLength, sig.dataStart, sig.byteLength);
  return n <= 0 ? null : sig.slice(0, n);
}

/** Whether `sig` is a valid `scheme` signature of `msg` under the public
 * key (ecdsa_secp256r1_sha256: the 65-byte uncompressed point). */
export function verify(scheme: u16, key: Uint8Array, msg: Uint8Array, sig: Uint8Array): bool {
  if (scheme == SIG_ED25519) return ed25519Verify(key, msg, sig);
  return verifyImport(scheme, key.dataStart, key.byteLength, msg.dataStart, msg.byteLength, sig.dataStart, sig.byteLength) == 1;
}
