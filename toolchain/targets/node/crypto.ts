/**
 * The crypto* imports of module `morgana` (boot/crypto/crypto.c) on the node target and
 * under the test harness, from node:crypto (OpenSSL), with the same
 * contract as BearSSL's binding: same numbers, same in-place AEAD with
 * the tag after the data, -1 for an unknown algorithm, 0 for a failed
 * check. Every range goes through `bytes`, the checked view of memory.
 */
import {
  constants, createCipheriv, createDecipheriv, createECDH, createHash, createHmac, createPrivateKey, createPublicKey,
  diffieHellman, sign, verify, type CipherGCMTypes, type KeyObject,
} from "node:crypto";
import type { GuestBytes } from "./imports.ts";

const hashes: Record<number, string> = { 1: "sha256", 2: "sha384" };
const aeads: Record<number, { name: string; keyLen: number }> = {
  1: { name: "aes-128-gcm", keyLen: 16 },
  2: { name: "aes-256-gcm", keyLen: 32 },
  3: { name: "chacha20-poly1305", keyLen: 32 },
};
const TAG = 16;
const NONCE = 12;
const ECDSA_P256_SHA256 = 0x0403;
/** RSA schemes: hash, PSS or PKCS #1 v1.5. */
const RSA_SCHEMES: Record<number, { hash: string; pss: boolean }> = {
  0x0804: { hash: "sha256", pss: true },
  0x0805: { hash: "sha384", pss: true },
  0x0401: { hash: "sha256", pss: false },
  0x0501: { hash: "sha384", pss: false },
};
const RSA_MAX_BYTES = 512;

/** The u16-length-prefixed integers of an RSA key (boot/crypto/crypto.c's
 * form): exactly `want` of them, or null. */
function rsaFields(k: Uint8Array, want: number): Buffer[] | null {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < want; i++) {
    if (k.length - at < 2) return null;
    const n = (k[at] << 8) | k[at + 1];
    at += 2;
    if (n === 0 || n > RSA_MAX_BYTES || k.length - at < n) return null;
    out.push(Buffer.from(k.subarray(at, at + n)));
    at += n;
  }
  return at === k.length ? out : null;
}

const unsigned = (b: Buffer) => b64url(b.subarray(b.findIndex((x) => x !== 0)));

function rsaKey(k: Uint8Array, priv: boolean): KeyObject | null {
  const f = rsaFields(k, priv ? 8 : 2);
  if (!f) return null;
  const [n, e, d, p, q, dp, dq, qi] = f.map(unsigned);
  return priv
    ? createPrivateKey({ key: { kty: "RSA", n, e, d, p, q, dp, dq, qi }, format: "jwk" })
    : createPublicKey({ key: { kty: "RSA", n, e }, format: "jwk" });
}

// DER prefixes of an X25519 key in PKCS #8 and SPKI (RFC 8410), before the 32 key bytes.
const X25519_PKCS8 = Buffer.from("302e020100300506032b656e04220420", "hex");
const X25519_SPKI = Buffer.from("302a300506032b656e032100", "hex");

const b64url = (b: Uint8Array) => Buffer.from(b).toString("base64url");

/** A P-256 private key object from its 32-byte scalar. */
function p256PrivateKey(d: Uint8Array) {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(d));
  const q = ecdh.getPublicKey();
  return createPrivateKey({ key: { kty: "EC", crv: "P-256", d: b64url(d), x: b64url(q.subarray(1, 33)), y: b64url(q.subarray(33)) }, format: "jwk" });
}

export function cryptoImports(bytes: GuestBytes) {
  const aead = (seal: boolean) => (suite: number, key: number, nonce: number, aad: number, aadLen: number, data: number, len: number) => {
    const a = aeads[suite];
    if (!a) return -1;
    const k = bytes(key, a.keyLen), n = bytes(nonce, NONCE), ad = bytes(aad, aadLen), d = bytes(data, len + TAG);
    const opts = { authTagLength: TAG };
    if (seal) {
      const c = createCipheriv(a.name as CipherGCMTypes, k, n, opts);
      c.setAAD(ad, { plaintextLength: len });
      const out = Buffer.concat([c.update(d.subarray(0, len)), c.final()]);
      d.set(out, 0);
      d.set(c.getAuthTag(), len);
      return 0;
    }
    const c = createDecipheriv(a.name as CipherGCMTypes, k, n, opts);
    c.setAAD(ad, { plaintextLength: len });
    c.setAuthTag(Buffer.from(d.subarray(len, len + TAG)));
    try {
      const out = Buffer.concat([c.update(d.subarray(0, len)), c.final()]);
      d.set(out, 0);
      return 1;
    } catch {
      d.fill(0, 0, len);
      return 0;
    }
  };
  return {
    cryptoHash: (alg: number, input: number, inputLen: number, out: number) => {
      const h = hashes[alg];
      if (!h) return -1;
      const digest = createHash(h).update(bytes(input, inputLen)).digest();
      bytes(out, digest.length).set(digest);
      return digest.length;
    },
    cryptoHmac: (alg: number, key: number, keyLen: number, input: number, inputLen: number, out: number) => {
      const h = hashes[alg];
      if (!h) return -1;
      const mac = createHmac(h, bytes(key, keyLen)).update(bytes(input, inputLen)).digest();
      bytes(out, mac.length).set(mac);
      return mac.length;
    },
    cryptoAeadSeal: aead(true),
    cryptoAeadOpen: aead(false),
    cryptoX25519: (scalar: number, point: number, out: number) => {
      const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8, bytes(scalar, 32)]), format: "der", type: "pkcs8" });
      const dst = bytes(out, 32);
      if (point === 0) {
        dst.set(createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32));
        return 1;
      }
      const publicKey = createPublicKey({ key: Buffer.concat([X25519_SPKI, bytes(point, 32)]), format: "der", type: "spki" });
      try {
        dst.set(diffieHellman({ privateKey, publicKey }));
      } catch {
        return 0; // OpenSSL refuses an all-zero secret (RFC 7748 §6.1)
      }
      return dst.some((b) => b !== 0) ? 1 : 0;
    },
    cryptoP256: (scalar: number, point: number, out: number) => {
      const ecdh = createECDH("prime256v1");
      try {
        ecdh.setPrivateKey(Buffer.from(bytes(scalar, 32)));
        if (point === 0) {
          bytes(out, 65).set(ecdh.getPublicKey());
        } else {
          const peer = Buffer.from(bytes(point, 65));
          const dst = bytes(out, 32);
          dst.set(ecdh.computeSecret(peer));
        }
        return 1;
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw e;
        return 0; // a zero or too large scalar, a point off the curve
      }
    },
    cryptoSign: (scheme: number, key: number, keyLen: number, msg: number, msgLen: number, sig: number, sigCap: number) => {
      const k = bytes(key, keyLen), m = bytes(msg, msgLen), s = bytes(sig, sigCap);
      const rsa = RSA_SCHEMES[scheme];
      if (rsa?.pss) {
        let privateKey: KeyObject | null = null;
        try {
          privateKey = rsaKey(k, true);
        } catch {
          return -1;
        }
        if (!privateKey) return -1;
        const out = sign(rsa.hash, m, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: rsa.hash === "sha256" ? 32 : 48 });
        if (out.length > sigCap) return -1;
        s.set(out);
        return out.length;
      }
      if (scheme !== ECDSA_P256_SHA256 || keyLen !== 32) return -1;
      const out = sign("sha256", m, { key: p256PrivateKey(k), dsaEncoding: "der" });
      if (out.length > sigCap) return -1;
      s.set(out);
      return out.length;
    },
    cryptoVerify: (scheme: number, key: number, keyLen: number, msg: number, msgLen: number, sig: number, sigLen: number) => {
      const k = bytes(key, keyLen), m = bytes(msg, msgLen), s = bytes(sig, sigLen);
      const rsa = RSA_SCHEMES[scheme];
      if (rsa) {
        try {
          const publicKey = rsaKey(k, false);
          if (!publicKey) return 0;
          const padding = rsa.pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
          return verify(rsa.hash, m, { key: publicKey, padding, saltLength: rsa.hash === "sha256" ? 32 : 48 }, s) ? 1 : 0;
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) throw e;
          return 0;
        }
      }
      if (scheme !== ECDSA_P256_SHA256) return -1;
      if (keyLen !== 65) return 0;
      try {
        const publicKey = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64url(k.subarray(1, 33)), y: b64url(k.subarray(33)) }, format: "jwk" });
        return verify("sha256", m, { key: publicKey, dsaEncoding: "der" }, s) ? 1 : 0;
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw e;
        return 0;
      }
    },
  };
}
