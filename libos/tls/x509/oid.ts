// The object identifiers X.509 validation looks at, as the content bytes
// of their DER encoding (X.690 §8.19), compared byte for byte.

// Keys (RFC 3279 §2.3, RFC 5480 §2.1.1, RFC 8410 §3).
export const OID_RSA_ENCRYPTION: StaticArray<u8> = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
export const OID_EC_PUBLIC_KEY: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
export const OID_PRIME256V1: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
export const OID_ED25519: StaticArray<u8> = [0x2b, 0x65, 0x70];

// Signatures (RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3).
export const OID_SHA256_WITH_RSA: StaticArray<u8> = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
export const OID_SHA384_WITH_RSA: StaticArray<u8> = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
export const OID_SHA512_WITH_RSA: StaticArray<u8> = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
export const OID_ECDSA_SHA256: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
export const OID_ECDSA_SHA384: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
export const OID_ECDSA_SHA512: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];

// Attributes (RFC 5280 Appendix A.1).
export const OID_COMMON_NAME: StaticArray<u8> = [0x55, 0x04, 0x03];

// Extensions (RFC 5280 §4.2.1).
export const OID_SUBJECT_KEY_ID: StaticArray<u8> = [0x55, 0x1d, 0x0e];
export const OID_KEY_USAGE: StaticArray<u8> = [0x55, 0x1d, 0x0f];
export const OID_SUBJECT_ALT_NAME: StaticArray<u8> = [0x55, 0x1d, 0x11];
export const OID_BASIC_CONSTRAINTS: StaticArray<u8> = [0x55, 0x1d, 0x13];
export const OID_NAME_CONSTRAINTS: StaticArray<u8> = [0x55, 0x1d, 0x1e];
export const OID_AUTHORITY_KEY_ID: StaticArray<u8> = [0x55, 0x1d, 0x23];
export const OID_EXT_KEY_USAGE: StaticArray<u8> = [0x55, 0x1d, 0x25];

// Extended key usages (RFC 5280 §4.2.1.12).
export const OID_ANY_EXTENDED_KEY_USAGE: StaticArray<u8> = [0x55, 0x1d, 0x25, 0x00];
export const OID_SERVER_AUTH: StaticArray<u8> = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];

/** Dotted text of an OID's content bytes, for messages ("2.5.29.99");
 * "?" when they are not a valid encoding. */
export function oidToString(b: Uint8Array): string {
  if (b.length == 0) return "?";
  let out = "";
  let v: u64 = 0;
  let first = true;
  for (let i = 0; i < b.length; i++) {
    if (v > (<u64>1 << 56)) return "?";
    v = (v << 7) | <u64>(b[i] & 0x7f);
    if (b[i] & 0x80) continue;
    if (first) {
      // The first subidentifier packs two arcs (X.690 §8.19.4).
      const a: u64 = v < 80 ? v / 40 : 2;
      out = a.toString() + "." + (v - a * 40).toString();
      first = false;
    } else {
      out += "." + v.toString();
    }
    v = 0;
  }
  return b[b.length - 1] & 0x80 ? "?" : out;
}
