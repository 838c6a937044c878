// Reading and writing TLS's presentation language (RFC 8446 §3): big-endian
// integers and length-prefixed vectors. A Cursor never reads past its end:
// a short read clears `ok` and returns zeros or an empty view, so a parser
// checks `ok` once at the end instead of after every field. A Builder
// grows as it is written and patches vector lengths when they close.

export class Cursor {
  ok: bool = true;

  constructor(readonly b: Uint8Array, public pos: i32 = 0, readonly end: i32 = b.length) {}

  get left(): i32 {
    return this.end - this.pos;
  }

  get atEnd(): bool {
    return this.pos >= this.end;
  }

  private take(n: i32): bool {
    if (n < 0 || this.left < n) {
      this.ok = false;
      this.pos = this.end;
      return false;
    }
    return true;
  }

  u8(): i32 {
    if (!this.take(1)) return 0;
    return this.b[this.pos++];
  }

  u16(): i32 {
    if (!this.take(2)) return 0;
    const v = (<i32>this.b[this.pos] << 8) | this.b[this.pos + 1];
    this.pos += 2;
    return v;
  }

  u24(): i32 {
    if (!this.take(3)) return 0;
    const v = (<i32>this.b[this.pos] << 16) | (<i32>this.b[this.pos + 1] << 8) | this.b[this.pos + 2];
    this.pos += 3;
    return v;
  }

  /** The next `n` bytes, as a view. */
  bytes(n: i32): Uint8Array {
    if (!this.take(n)) return this.b.subarray(0, 0);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A vector with a 1-, 2- or 3-byte length. */
  vector8(): Uint8Array { return this.bytes(this.u8()); }
  vector16(): Uint8Array { return this.bytes(this.u16()); }
  vector24(): Uint8Array { return this.bytes(this.u24()); }
}

export class Builder {
  private buf: Uint8Array = new Uint8Array(256);
  length: i32 = 0;

  private room(n: i32): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(max(this.buf.length * 2, this.length + n));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  u8(v: i32): Builder {
    this.room(1);
    this.buf[this.length++] = <u8>v;
    return this;
  }

  u16(v: i32): Builder {
    return this.u8(v >> 8).u8(v);
  }

  u24(v: i32): Builder {
    return this.u8(v >> 16).u8(v >> 8).u8(v);
  }

  bytes(b: Uint8Array): Builder {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Open a vector with a `width`-byte length; close it with end(). */
  begin(width: i32): i32 {
    for (let i = 0; i < width; i++) this.u8(0);
    return (this.length << 2) | width;
  }

  end(mark: i32): Builder {
    const width = mark & 3, at = mark >> 2;
    const n = this.length - at;
    for (let i = 0; i < width; i++) this.buf[at - 1 - i] = <u8>(n >> (8 * i));
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
