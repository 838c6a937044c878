// A bounds-checked cursor over peer bytes: every read past the end, or
// past the vector it is in, returns zeros and marks the reader bad, so a
// parser reads straight through and checks `bad` once (decode_error).
// Nothing here traps on any input.

export class Reader {
  pos: i32;
  bad: bool = false;

  constructor(readonly buf: Uint8Array, start: i32 = 0, public end: i32 = -1) {
    this.pos = start;
    if (end < 0 || end > buf.length) this.end = buf.length;
  }

  get remaining(): i32 {
    return this.end - this.pos;
  }

  get atEnd(): bool {
    return this.pos == this.end;
  }

  private take(n: i32): i32 {
    if (n < 0 || n > this.end - this.pos) {
      this.bad = true;
      this.pos = this.end;
      return -1;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): i32 {
    const at = this.take(1);
    return at < 0 ? 0 : <i32>this.buf[at];
  }

  u16(): i32 {
    const at = this.take(2);
    return at < 0 ? 0 : (<i32>this.buf[at] << 8) | this.buf[at + 1];
  }

  u24(): i32 {
    const at = this.take(3);
    return at < 0 ? 0 : (<i32>this.buf[at] << 16) | (<i32>this.buf[at + 1] << 8) | this.buf[at + 2];
  }

  u32(): u32 {
    const hi = <u32>this.u16();
    return (hi << 16) | <u32>this.u16();
  }

  /** The next n bytes, as a view (empty when bad). */
  bytes(n: i32): Uint8Array {
    const at = this.take(n);
    return at < 0 ? this.buf.subarray(0, 0) : this.buf.subarray(at, at + n);
  }

  /** A reader over the next vector, whose length is in `lengthBytes`
   * (1, 2 or 3) bytes; this reader moves past it. */
  vector(lengthBytes: i32): Reader {
    const n = lengthBytes == 1 ? this.u8() : lengthBytes == 2 ? this.u16() : this.u24();
    const at = this.take(n);
    const r = new Reader(this.buf, at < 0 ? 0 : at, at < 0 ? 0 : at + n);
    if (at < 0) r.bad = true;
    return r;
  }

  /** A vector's bytes (a view). */
  opaque(lengthBytes: i32): Uint8Array {
    const r = this.vector(lengthBytes);
    return r.bad ? this.buf.subarray(0, 0) : r.buf.subarray(r.pos, r.end);
  }
}

/** A growable output buffer for building messages. */
export class Writer {
  buf: Uint8Array;
  length: i32 = 0;

  constructor(capacity: i32 = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private room(n: i32): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(max(this.buf.length * 2, this.length + n));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  u8(v: i32): void {
    this.room(1);
    this.buf[this.length++] = <u8>v;
  }

  u16(v: i32): void {
    this.u8(v >> 8);
    this.u8(v);
  }

  u24(v: i32): void {
    this.u8(v >> 16);
    this.u16(v);
  }

  u32(v: u32): void {
    this.u16(<i32>(v >> 16));
    this.u16(<i32>(v & 0xffff));
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Start a vector with a `lengthBytes` length to be filled by `close`. */
  open(lengthBytes: i32): i32 {
    const at = this.length;
    for (let i = 0; i < lengthBytes; i++) this.u8(0);
    return at;
  }

  close(at: i32, lengthBytes: i32): void {
    const n = this.length - at - lengthBytes;
    for (let i = 0; i < lengthBytes; i++) this.buf[at + i] = <u8>(n >> (8 * (lengthBytes - 1 - i)));
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
