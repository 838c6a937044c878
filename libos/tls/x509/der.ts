// A bounded reader of DER (ITU-T X.690 §8, §10): one tag-length-value at a
// time, each checked against the end of its enclosing element before
// anything is read, so no input can make it read out of bounds or trap.
// Only what X.509 uses is accepted: low tag numbers (< 31), definite
// lengths in their shortest form (§10.1), at most 4 length bytes, and a
// nesting depth of at most DER_MAX_DEPTH. The first error is kept, with
// the offset of the element that caused it, in a DerStatus shared by a
// reader and the readers of its children.
import { X509Error } from "./error";

export const TAG_BOOLEAN: i32 = 0x01;
export const TAG_INTEGER: i32 = 0x02;
export const TAG_BIT_STRING: i32 = 0x03;
export const TAG_OCTET_STRING: i32 = 0x04;
export const TAG_NULL: i32 = 0x05;
export const TAG_OID: i32 = 0x06;
export const TAG_UTF8_STRING: i32 = 0x0c;
export const TAG_PRINTABLE_STRING: i32 = 0x13;
export const TAG_IA5_STRING: i32 = 0x16;
export const TAG_UTC_TIME: i32 = 0x17;
export const TAG_GENERALIZED_TIME: i32 = 0x18;
export const TAG_SEQUENCE: i32 = 0x30;
export const TAG_SET: i32 = 0x31;

/** [n] EXPLICIT or constructed IMPLICIT: context class, constructed. */
export function tagContext(n: i32): i32 {
  return 0xa0 | n;
}
/** [n] IMPLICIT over a primitive type: context class, primitive. */
export function tagContextPrimitive(n: i32): i32 {
  return 0x80 | n;
}

/** Deeper than any certificate goes (a Name inside an extension inside
 * the TBSCertificate is 7 levels). */
export const DER_MAX_DEPTH: i32 = 12;

/** The first error seen, shared by a reader and its children. */
export class DerStatus {
  error: X509Error = X509Error.Ok;
  /** Offset in the buffer of the element at fault. */
  offset: i32 = 0;

  get ok(): bool {
    return this.error == X509Error.Ok;
  }

  /** Record an error (the first one wins); always false, to return. */
  fail(e: X509Error, offset: i32): bool {
    if (this.error == X509Error.Ok) {
      this.error = e;
      this.offset = offset;
    }
    return false;
  }
}

export class DerReader {
  /** The element last read: its tag, where its tag starts, where its
   * content starts, and the content's length. */
  tag: i32 = -1;
  start: i32 = 0;
  body: i32 = 0;
  len: i32 = 0;

  constructor(
    readonly buf: Uint8Array,
    public pos: i32,
    readonly end: i32,
    readonly status: DerStatus = new DerStatus(),
    readonly depth: i32 = 0,
  ) {}

  /** A reader over all of `buf`. */
  static of(buf: Uint8Array): DerReader {
    return new DerReader(buf, 0, buf.length);
  }

  get atEnd(): bool {
    return this.pos >= this.end;
  }

  get ok(): bool {
    return this.status.ok;
  }

  fail(e: X509Error, offset: i32): bool {
    return this.status.fail(e, offset);
  }

  /** The tag of the next element, or -1 at the end. */
  peek(): i32 {
    return this.pos < this.end ? <i32>this.buf[this.pos] : -1;
  }

  /** Read the next element's header; the reader then stands after it. */
  read(): bool {
    if (!this.status.ok) return false;
    const at = this.pos;
    if (this.end - at < 2) return this.fail(X509Error.Malformed, at);
    const tag = <i32>this.buf[at];
    if ((tag & 0x1f) == 0x1f) return this.fail(X509Error.Malformed, at);
    let p = at + 1;
    let len = <i32>this.buf[p++];
    if (len >= 0x80) {
      const n = len & 0x7f;
      // 0x80 is the indefinite form (BER only); more than 4 bytes cannot
      // be a length that fits the buffer.
      if (n == 0 || n > 4 || this.end - p < n) return this.fail(X509Error.Malformed, at);
      if (this.buf[p] == 0) return this.fail(X509Error.Malformed, at);
      let v: u32 = 0;
      for (let i = 0; i < n; i++) v = (v << 8) | this.buf[p++];
      // The long form only for lengths that need it (X.690 §10.1).
      if (v < 0x80 || v > <u32>(this.end - p)) return this.fail(X509Error.Malformed, at);
      len = <i32>v;
    }
    if (len > this.end - p) return this.fail(X509Error.Malformed, at);
    this.tag = tag;
    this.start = at;
    this.body = p;
    this.len = len;
    this.pos = p + len;
    return true;
  }

  /** Read the next element and require its tag. */
  expect(tag: i32): bool {
    const at = this.pos;
    if (!this.read()) return false;
    if (this.tag != tag) return this.fail(X509Error.Malformed, at);
    return true;
  }

  /** Read the next element if it has this tag; false (and no error) if
   * another tag or the end comes next. */
  optional(tag: i32): bool {
    return this.peek() == tag && this.read();
  }

  /** A reader over the content of the element last read. */
  enter(): DerReader {
    const r = new DerReader(this.buf, this.body, this.body + this.len, this.status, this.depth + 1);
    if (r.depth > DER_MAX_DEPTH) this.fail(X509Error.TooLarge, this.start);
    return r;
  }

  /** Require that nothing follows inside this element. */
  finish(): bool {
    if (!this.status.ok) return false;
    return this.pos == this.end || this.fail(X509Error.Malformed, this.pos);
  }

  /** The content of the element last read (shares the buffer). */
  content(): Uint8Array {
    return this.buf.subarray(this.body, this.body + this.len);
  }

  /** The element last read, tag and length included. */
  element(): Uint8Array {
    return this.buf.subarray(this.start, this.body + this.len);
  }

  /** Whether the element last read has exactly these content bytes. */
  contentIs(bytes: StaticArray<u8>): bool {
    if (this.len != bytes.length) return false;
    for (let i = 0; i < this.len; i++) {
      if (this.buf[this.body + i] != bytes[i]) return false;
    }
    return true;
  }

  /** A BOOLEAN's value (DER: 0x00 or 0xff only, §11.1). */
  readBoolean(): i32 {
    const at = this.pos;
    if (!this.expect(TAG_BOOLEAN)) return -1;
    if (this.len != 1) { this.fail(X509Error.Malformed, at); return -1; }
    const v = this.buf[this.body];
    if (v != 0 && v != 0xff) { this.fail(X509Error.Malformed, at); return -1; }
    return v == 0 ? 0 : 1;
  }

  /** A small non-negative INTEGER (at most 0x7fffffff), or -1. */
  readSmallInt(): i32 {
    const at = this.pos;
    if (!this.expect(TAG_INTEGER)) return -1;
    if (!this.integerShape(at)) return -1;
    if (this.buf[this.body] & 0x80) { this.fail(X509Error.Malformed, at); return -1; }
    if (this.len > 4) { this.fail(X509Error.TooLarge, at); return -1; }
    let v: u32 = 0;
    for (let i = 0; i < this.len; i++) v = (v << 8) | this.buf[this.body + i];
    return <i32>v;
  }

  /** An INTEGER's content must be non-empty and minimal (X.690 §8.3.2). */
  integerShape(at: i32): bool {
    if (this.len == 0) return this.fail(X509Error.Malformed, at);
    if (this.len > 1) {
      const a = this.buf[this.body], b = this.buf[this.body + 1];
      if ((a == 0 && (b & 0x80) == 0) || (a == 0xff && (b & 0x80) != 0)) return this.fail(X509Error.Malformed, at);
    }
    return true;
  }

  /** A BIT STRING whose bit count is a whole number of bytes: its bytes
   * after the unused-bits octet (key and signature values). */
  readOctetAlignedBits(): Uint8Array | null {
    const at = this.pos;
    if (!this.expect(TAG_BIT_STRING)) return null;
    if (this.len < 1 || this.buf[this.body] != 0) { this.fail(X509Error.Malformed, at); return null; }
    return this.buf.subarray(this.body + 1, this.body + this.len);
  }
}
