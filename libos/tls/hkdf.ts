// HKDF (RFC 5869) over the binding's HMAC, and TLS 1.3's labelled forms
// (RFC 8446 §7.1): HKDF-Expand-Label and Derive-Secret.
import { HashAlg, hash, hashLength, hmac } from "./crypto";

/** HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM) (RFC 5869 §2.2). */
export function hkdfExtract(alg: HashAlg, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(alg, salt, ikm);
}

/** HKDF-Expand(PRK, info, L) (RFC 5869 §2.3): T(i) = HMAC(PRK, T(i-1) | info | i).
 * L is at most 255 hash lengths; TLS never asks for more than one. */
export function hkdfExpand(alg: HashAlg, prk: Uint8Array, info: Uint8Array, length: i32): Uint8Array {
  const h = hashLength(alg);
  const out = new Uint8Array(length);
  let t = new Uint8Array(0);
  let done = 0;
  for (let i = 1; done < length && i <= 255; i++) {
    const input = new Uint8Array(t.length + info.length + 1);
    input.set(t);
    input.set(info, t.length);
    input[input.length - 1] = <u8>i;
    t = hmac(alg, prk, input);
    const n = min(h, length - done);
    out.set(t.subarray(0, n), done);
    done += n;
  }
  return out;
}

/**
 * HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 §7.1): the
 * info is the HkdfLabel struct: uint16 length, opaque label<7..255> =
 * "tls13 " + Label, opaque context<0..255>.
 */
export function expandLabel(alg: HashAlg, secret: Uint8Array, label: string, context: Uint8Array, length: i32): Uint8Array {
  const name = Uint8Array.wrap(String.UTF8.encode("tls13 " + label));
  const info = new Uint8Array(2 + 1 + name.length + 1 + context.length);
  info[0] = <u8>(length >> 8);
  info[1] = <u8>length;
  info[2] = <u8>name.length;
  info.set(name, 3);
  info[3 + name.length] = <u8>context.length;
  info.set(context, 4 + name.length);
  return hkdfExpand(alg, secret, info, length);
}

/** Derive-Secret(Secret, Label, Messages) (§7.1), given Transcript-Hash(Messages). */
export function deriveSecret(alg: HashAlg, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return expandLabel(alg, secret, label, transcriptHash, hashLength(alg));
}

/** The hash of no bytes, the context of Derive-Secret(., "derived", ""). */
export function emptyHash(alg: HashAlg): Uint8Array {
  return hash(alg, new Uint8Array(0));
}
