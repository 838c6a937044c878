// Ed25519 (RFC 8032 §5.1, pure): the `morgana` imports named
// cryptoEd25519* (boot/crypto/ed25519.c on hvt and spt, libsodium;
// toolchain/targets/node/ed25519.ts on node and in the harness,
// node:crypto). Apart from crypto.ts because BearSSL has no Ed25519: an
// image links libsodium only when it imports these (toolchain/link).
// crypto.ts's sign() and verify() take scheme ed25519 (0x0807) here.

@external("morgana", "cryptoEd25519Public")
declare function publicImport(seed: usize, out: usize): i32;
@external("morgana", "cryptoEd25519Sign")
declare function signImport(seed: usize, msg: usize, msgLen: i32, sig: usize): i32;
@external("morgana", "cryptoEd25519Verify")
declare function verifyImport(publicKey: usize, msg: usize, msgLen: i32, sig: usize): i32;

export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** The 32-byte public key of a 32-byte private key (the seed), or null
 * for a key of another length. */
export function ed25519Public(seed: Uint8Array): Uint8Array | null {
  if (seed.byteLength != ED25519_SEED_LENGTH) return null;
  const out = new Uint8Array(ED25519_PUBLIC_LENGTH);
  return publicImport(seed.dataStart, out.dataStart) == 1 ? out : null;
}

/** The 64-byte signature of `msg` under a 32-byte seed, or null for a key
 * of another length. Deterministic (§5.1.6): no entropy is drawn. */
export function ed25519Sign(seed: Uint8Array, msg: Uint8Array): Uint8Array | null {
  if (seed.byteLength != ED25519_SEED_LENGTH) return null;
  const sig = new Uint8Array(ED25519_SIGNATURE_LENGTH);
  return signImport(seed.dataStart, msg.dataStart, msg.byteLength, sig.dataStart) == 1 ? sig : null;
}

/** Whether `sig` is a valid signature of `msg` under the 32-byte public
 * key; wrong lengths are not. */
export function ed25519Verify(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): bool {
  if (publicKey.byteLength != ED25519_PUBLIC_LENGTH || sig.byteLength != ED25519_SIGNATURE_LENGTH) return false;
  return verifyImport(publicKey.dataStart, msg.dataStart, msg.byteLength, sig.dataStart) == 1;
}
