// Distinguished names (RFC 5280 §4.1.2.4). A Name is kept as its DER
// bytes: issuer and subject are chained by comparing those bytes, which is
// exact for names a CA copied from its own certificate (the common case;
// RFC 5280 §7.1's case-folding comparison is not done). Its structure is
// checked, and the commonName values kept for messages and for the
// RFC 6125 §6.4.4 fallback.
import {
  DerReader, TAG_IA5_STRING, TAG_OID, TAG_PRINTABLE_STRING, TAG_SEQUENCE, TAG_SET, TAG_UTF8_STRING,
} from "./der";
import { X509Error } from "./error";
import { OID_COMMON_NAME } from "./oid";

/** More attributes than any real name carries. */
export const MAX_NAME_ATTRIBUTES: i32 = 64;

export class Name {
  /** The whole DER Name, tag included. */
  der: Uint8Array = new Uint8Array(0);
  /** commonName values in a string type we can read, in order. */
  commonNames: string[] = [];

  /** Read a Name from `r`; false with r's status set if malformed. */
  read(r: DerReader): bool {
    if (!r.expect(TAG_SEQUENCE)) return false;
    this.der = r.element();
    const rdns = r.enter();
    let count = 0;
    while (rdns.ok && !rdns.atEnd) {
      const setAt = rdns.pos;
      if (!rdns.expect(TAG_SET)) return false;
      if (rdns.len == 0) return r.fail(X509Error.Malformed, setAt);
      const atvs = rdns.enter();
      while (atvs.ok && !atvs.atEnd) {
        if (++count > MAX_NAME_ATTRIBUTES) return r.fail(X509Error.TooLarge, atvs.pos);
        if (!atvs.expect(TAG_SEQUENCE)) return false;
        const atv = atvs.enter();
        if (!atv.expect(TAG_OID)) return false;
        const isCn = atv.contentIs(OID_COMMON_NAME);
        if (!atv.read()) return false;
        if (isCn) {
          const text = readableString(atv);
          if (text !== null) this.commonNames.push(text);
        }
        if (!atv.finish()) return false;
      }
    }
    return r.ok;
  }

  /** "CN=www.example.com" for messages, or the name's size if it has no
   * readable common name. */
  toString(): string {
    const n = this.commonNames.length;
    return n > 0 ? "CN=" + this.commonNames[n - 1] : "(a name of " + this.der.length.toString() + " bytes)";
  }

  equals(o: Name): bool {
    return sameBytes(this.der, o.der);
  }
}

/** The element last read by `r` as text, if it is a UTF8String,
 * PrintableString or IA5String; null for other string types. Bytes
 * outside printable ASCII read as '?': such a name never matches a host
 * name (RFC 6125 compares A-labels) and prints safely. */
export function readableString(r: DerReader): string | null {
  if (r.tag != TAG_UTF8_STRING && r.tag != TAG_PRINTABLE_STRING && r.tag != TAG_IA5_STRING) return null;
  return asciiText(r.content());
}

export function asciiText(b: Uint8Array): string {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[i] >= 0x20 && b[i] < 0x7f ? b[i] : 0x3f;
  return String.UTF8.decode(out.buffer);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
