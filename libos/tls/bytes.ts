// Byte helpers for libos/tls: joining, comparing secrets in constant time,
// wiping them.

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Whether a and b are equal, in time that depends only on their lengths
 * (Finished and binder values, RFC 8446 §4.4.4). */
export function equalSecret(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  let diff: u32 = 0;
  for (let i = 0; i < a.length; i++) diff |= <u32>(unchecked(a[i]) ^ unchecked(b[i]));
  return diff == 0;
}

/** Overwrite a secret that is no longer needed. */
export function wipe(b: Uint8Array): void {
  b.fill(0);
}
