// DNS names (RFC 1035 §3.1, §4.1.4) in wire form: length-prefixed labels
// ending with the root's empty label, "\3www\7example\0".
//
// A DnsName holds one uncompressed name (at most 255 bytes, labels at most
// 63) in a buffer of its own that is reused, so reading names allocates
// nothing. `read` follows compression pointers; a pointer must point
// strictly before the label that holds it, which rules out every loop
// (each jump goes backwards, so a chain ends), and into the message.
// Label types 01 and 10 (RFC 6891 §5 deprecated them) are refused.
//
// Names compare without regard to ASCII case (RFC 4343 §3) and keep the
// case they arrived in.
import { WireError } from "./error";

/** RFC 1035 §2.3.4. */
export const NAME_MAX = 255;
export const LABEL_MAX = 63;
const POINTER: u8 = 0xc0;

/** ASCII lower case of one byte (RFC 4343: only A-Z fold). */
@inline export function lowerByte(c: u8): u8 {
  return c - 65 < 26 ? c | 0x20 : c;
}

export class DnsName {
  /** The wire form, `length` bytes of it valid. */
  readonly bytes: Uint8Array = new Uint8Array(NAME_MAX);
  length: i32 = 1; // the root

  /** Why the last read failed. */
  error: WireError = WireError.Ok;

  /** The name at `at` in `msg`, following pointers; the offset just past
   * it in `msg` (past its first pointer), or -1 with `error` set. */
  read(msg: Uint8Array, at: i32): i32 {
    const end = msg.byteLength;
    const out = this.bytes.dataStart;
    let pos = at;
    let len = 0;
    let after = -1; // where the name ends in the message, once known
    let floor = at; // a pointer must go below this
    while (true) {
      if (pos >= end || pos < 0) return this.fail(WireError.Truncated);
      const c = load<u8>(msg.dataStart + <usize>pos);
      if ((c & POINTER) == POINTER) {
        if (pos + 1 >= end) return this.fail(WireError.Truncated);
        const target = (<i32>(c & 0x3f) << 8) | <i32>load<u8>(msg.dataStart + <usize>pos + 1);
        if (after < 0) after = pos + 2;
        if (target >= floor) return this.fail(WireError.Malformed); // forward or loop
        floor = target;
        pos = target;
        continue;
      }
      if ((c & POINTER) != 0) return this.fail(WireError.Unsupported);
      const n = <i32>c;
      if (len + n + 1 > NAME_MAX) return this.fail(WireError.Malformed);
      if (pos + 1 + n > end) return this.fail(WireError.Truncated);
      memory.copy(out + <usize>len, msg.dataStart + <usize>pos, <usize>(n + 1));
      len += n + 1;
      pos += n + 1;
      if (n == 0) break;
    }
    this.length = len;
    this.error = WireError.Ok;
    return after >= 0 ? after : pos;
  }

  private fail(e: WireError): i32 {
    this.error = e;
    return -1;
  }

  /** Set from uncompressed wire bytes (checked); false if they are not a name. */
  setWire(src: Uint8Array, at: i32 = 0): bool {
    const n = wireNameLength(src, at);
    if (n < 0) return false;
    memory.copy(this.bytes.dataStart, src.dataStart + <usize>at, <usize>n);
    this.length = n;
    return true;
  }

  copyFrom(other: DnsName): void {
    memory.copy(this.bytes.dataStart, other.bytes.dataStart, <usize>other.length);
    this.length = other.length;
  }

  /** Set from presentation form ("www.example.com", a final dot allowed,
   * "." the root; \X and \DDD escapes, RFC 1035 §5.1); false if invalid. */
  setText(text: string): bool {
    const out = this.bytes;
    let len = 0;
    let labelStart = 0;
    let labelLen = 0;
    if (text == ".") { out[0] = 0; this.length = 1; return true; }
    const n = text.length;
    for (let i = 0; i <= n; i++) {
      if (i == n || text.charCodeAt(i) == 46) {
        if (i == n && labelLen == 0 && n > 0 && len > 0) break; // final dot
        if (labelLen == 0) return false; // empty label
        out[labelStart] = <u8>labelLen;
        labelLen = 0;
        continue;
      }
      if (labelLen == 0) { labelStart = len; len++; }
      let c = text.charCodeAt(i);
      if (c == 92) { // backslash
        if (i + 1 >= n) return false;
        const d = text.charCodeAt(i + 1);
        if (d >= 48 && d <= 57) {
          if (i + 3 >= n) return false; // \DDD needs three digits
          let v = 0;
          for (let k = 1; k <= 3; k++) {
            const e = text.charCodeAt(i + k);
            if (e < 48 || e > 57) return false;
            v = v * 10 + (e - 48);
          }
          if (v > 255) return false;
          c = v;
          i += 3;
        } else {
          c = d;
          i += 1;
        }
      } else if (c > 0x7f) {
        return false;
      }
      if (++labelLen > LABEL_MAX || len + 2 > NAME_MAX) return false;
      out[len++] = <u8>c;
    }
    out[len++] = 0;
    this.length = len;
    return true;
  }

  /** Presentation form with a final dot; "." for the root. */
  toString(): string {
    return nameToText(this.bytes, 0);
  }

  /** Same name, ignoring ASCII case. */
  equals(other: DnsName): bool {
    return this.length == other.length &&
      equalIgnoringCase(this.bytes.dataStart, other.bytes.dataStart, this.length);
  }

  /** Number of labels, the root not counted. */
  get labels(): i32 {
    let count = 0;
    let i = 0;
    const b = this.bytes;
    while (b[i] != 0) { count++; i += <i32>b[i] + 1; }
    return count;
  }

  /** Lower-case the name in place (for lookups keyed by canonical form). */
  lowercase(): void {
    const p = this.bytes.dataStart;
    for (let i = 0; i < this.length; i++) store<u8>(p + <usize>i, lowerByte(load<u8>(p + <usize>i)));
  }

  /** Whether this name is `zone` or below it. */
  isWithin(zone: DnsName): bool {
    const off = this.length - zone.length;
    if (off < 0) return false;
    // The suffix must start at a label boundary.
    let i = 0;
    const b = this.bytes;
    while (i < off) i += <i32>b[i] + 1;
    return i == off && equalIgnoringCase(b.dataStart + <usize>off, zone.bytes.dataStart, zone.length);
  }
}

/** Length of the uncompressed name at `at` in `b`, or -1 if it is not one
 * (runs past the buffer, a pointer, a label over 63 or a name over 255). */
export function wireNameLength(b: Uint8Array, at: i32): i32 {
  let i = at;
  const end = b.byteLength;
  while (true) {
    if (i >= end || i < 0) return -1;
    const n = <i32>b[i];
    if (n > LABEL_MAX) return -1;
    i += n + 1;
    if (i - at > NAME_MAX) return -1;
    if (n == 0) return i - at;
  }
}

export function equalIgnoringCase(a: usize, b: usize, len: i32): bool {
  for (let i = 0; i < len; i++) {
    if (lowerByte(load<u8>(a + <usize>i)) != lowerByte(load<u8>(b + <usize>i))) return false;
  }
  return true;
}

/** The uncompressed name at `at` of `b` in presentation form: letters,
 * digits, '-' and '_' as they are, '.' and '\' escaped with '\', other
 * bytes as \DDD (RFC 4343 §2.1). */
export function nameToText(b: Uint8Array, at: i32): string {
  let s = "";
  let i = at;
  if (b[i] == 0) return ".";
  while (i < b.byteLength && b[i] != 0) {
    const n = <i32>b[i];
    for (let k = 1; k <= n; k++) s += escapeByte(b[i + k], false);
    s += ".";
    i += n + 1;
  }
  return s;
}

/** One byte of a label or character string in presentation form. */
export function escapeByte(c: u8, inQuotes: bool): string {
  if (c == 46 && !inQuotes) return "\\.";
  if (c == 92) return "\\\\";
  if (c == 34 && inQuotes) return "\\\"";
  if (c == 59 && !inQuotes) return "\\;";
  if (c < 33 && !(c == 32 && inQuotes) || c > 126) {
    return "\\" + (<u32>c).toString().padStart(3, "0");
  }
  return String.fromCharCode(c);
}
