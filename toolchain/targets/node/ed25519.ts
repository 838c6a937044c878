/**
 * The cryptoEd25519* imports of module `morgana` (boot/crypto/ed25519.c,
 * libsodium) on the node target and under the test harness, from
 * node:crypto (OpenSSL), with the same contract: keys are the 32-byte
 * RFC 8032 seed and public key, signatures 64 bytes, 1 for done or
 * valid, 0 for invalid. Every range goes through `bytes`, the checked
 * view of memory.
 */
import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import type { GuestBytes } from "./imports.ts";

// DER prefixes of an Ed25519 key in PKCS #8 and SPKI (RFC 8410 §7, §4), before the 32 key bytes.
const ED25519_PKCS8 = Buffer.from("302e020100300506032b657004220420", "hex");
const ED25519_SPKI = Buffer.from("302a300506032b6570032100", "hex");

const privateKey = (seed: Uint8Array) => createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: "der", type: "pkcs8" });

export function ed25519Imports(bytes: GuestBytes) {
  return {
    cryptoEd25519Public: (seed: number, out: number) => {
      const spki = createPublicKey(privateKey(bytes(seed, 32))).export({ format: "der", type: "spki" });
      bytes(out, 32).set(spki.subarray(-32));
      return 1;
    },
    cryptoEd25519Sign: (seed: number, msg: number, msgLen: number, sig: number) => {
      const k = privateKey(bytes(seed, 32)), m = bytes(msg, msgLen), s = bytes(sig, 64);
      s.set(sign(null, m, k));
      return 1;
    },
    cryptoEd25519Verify: (pub: number, msg: number, msgLen: number, sig: number) => {
      const k = bytes(pub, 32), m = bytes(msg, msgLen), s = bytes(sig, 64);
      try {
        const publicKey = createPublicKey({ key: Buffer.concat([ED25519_SPKI, k]), format: "der", type: "spki" });
        return verify(null, m, publicKey, s) ? 1 : 0;
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw e;
        return 0; // a public key that is not a point
      }
    },
  };
}
