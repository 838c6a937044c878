// Distinguished names (RFC 5280 §4.1.2.4). A Name is kept as its DER
// bytes; its structure is checked, and the commonName values kept for
// messages and for the RFC 6125 §6.4.4 fallback. Issuer and subject are
// chained by comparing names (RFC 5280 §7.1): equal bytes, or else the
// same attributes in the same order whose string values are equal after
// folding ASCII case and insignificant spaces (RFC 4518 §2.6.1, for the
// ASCII repertoire; other characters must match exactly).
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
    return sameBytes(this.der, o.der) || sameFolded(this.der, o.der);
  }
}

/** RFC 5280 §7.1 beyond equal bytes: both names walked together. */
function sameFolded(a: Uint8Array, b: Uint8Array): bool {
  const ra = DerReader.of(a), rb = DerReader.of(b);
  if (!ra.expect(TAG_SEQUENCE) || !rb.expect(TAG_SEQUENCE)) return false;
  const sa = ra.enter(), sb = rb.enter();
  while (!sa.atEnd && !sb.atEnd) {
    if (!sa.expect(TAG_SET) || !sb.expect(TAG_SET)) return false;
    const ta = sa.enter(), tb = sb.enter();
    while (!ta.atEnd && !tb.atEnd) {
      if (!ta.expect(TAG_SEQUENCE) || !tb.expect(TAG_SEQUENCE)) return false;
      const va = ta.enter(), vb = tb.enter();
      if (!va.expect(TAG_OID) || !vb.expect(TAG_OID) || !sameBytes(va.content(), vb.content())) return false;
      if (!va.read() || !vb.read()) return false;
      const strings = isString(va.tag) && isString(vb.tag);
      if (strings ? !sameFoldedText(va.content(), vb.content()) : !sameBytes(va.element(), vb.element())) return false;
    }
    if (!ta.atEnd || !tb.atEnd) return false;
  }
  return sa.atEnd && sb.atEnd && sa.ok && sb.ok;
}

function isString(tag: i32): bool {
  return tag == TAG_UTF8_STRING || tag == TAG_PRINTABLE_STRING || tag == TAG_IA5_STRING;
}

/** Equal after trimming, collapsing runs of spaces, and folding ASCII case. */
function sameFoldedText(a: Uint8Array, b: Uint8Array): bool {
  let i = 0, j = 0;
  // Each turn moves i or j on, so the loop ends within a.length + b.length turns.
  while (true) {
    i = skipSpaces(a, i, i == 0);
    j = skipSpaces(b, j, j == 0);
    const endA = i >= a.length, endB = j >= b.length;
    if (endA || endB) return endA && endB;
    let x = <i32>a[i], y = <i32>b[j];
    if (x == 0x20 || y == 0x20) {
      // One space stands for a run; a trailing run counts for nothing.
      if (x != y) return false;
      i++;
      j++;
      continue;
    }
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x != y) return false;
    i++;
    j++;
  }
  return false;
}

/** Past the spaces at `at`: all of them at the start or before the end,
 * all but one inside. */
function skipSpaces(s: Uint8Array, at: i32, leading: bool): i32 {
  let k = at;
  while (k < s.length && s[k] == 0x20) k++;
  if (leading || k >= s.length || k == at) return k;
  return k - 1;
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
