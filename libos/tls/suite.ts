// The TLS 1.3 cipher suites (RFC 8446 §B.4): each names an AEAD and the
// hash of its key schedule.
import { Aead, HashAlg, aeadKeyLength, hashLength } from "./crypto";

export const TLS_AES_128_GCM_SHA256: u16 = 0x1301;
export const TLS_AES_256_GCM_SHA384: u16 = 0x1302;
export const TLS_CHACHA20_POLY1305_SHA256: u16 = 0x1303;

export class CipherSuite {
  constructor(readonly id: u16, readonly aead: Aead, readonly hash: HashAlg) {}

  get keyLength(): i32 {
    return aeadKeyLength(this.aead);
  }

  get hashLength(): i32 {
    return hashLength(this.hash);
  }
}

const AES_128_GCM_SHA256 = new CipherSuite(TLS_AES_128_GCM_SHA256, Aead.Aes128Gcm, HashAlg.Sha256);
const AES_256_GCM_SHA384 = new CipherSuite(TLS_AES_256_GCM_SHA384, Aead.Aes256Gcm, HashAlg.Sha384);
const CHACHA20_POLY1305_SHA256 = new CipherSuite(TLS_CHACHA20_POLY1305_SHA256, Aead.Chacha20Poly1305, HashAlg.Sha256);

/** The suite with this code point, or null for one not supported. */
export function suiteById(id: u16): CipherSuite | null {
  if (id == TLS_AES_128_GCM_SHA256) return AES_128_GCM_SHA256;
  if (id == TLS_AES_256_GCM_SHA384) return AES_256_GCM_SHA384;
  if (id == TLS_CHACHA20_POLY1305_SHA256) return CHACHA20_POLY1305_SHA256;
  return null;
}
