/**
 * A cursor over WebAssembly binary bytes (spec §5.1, §5.2): fixed-width
 * values, LEB128 integers with the spec's length and unused-bit limits, and
 * names. Every read checks the bounds first; a malformed input raises
 * MalformedError, which carries the spec suite's wording and the offset.
 */

export class MalformedError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export class Reader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string): never {
    throw new MalformedError(message, this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail("unexpected end");
    return this.bytes[this.pos++];
  }

  take(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail("unexpected end");
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u32le(): number {
    const b = this.take(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  u64le(): bigint {
    const lo = BigInt(this.u32le());
    const hi = BigInt(this.u32le());
    return (hi << 32n) | lo;
  }

  /** LEB128 of at most `bits` bits (§5.2.2): at most ceil(bits/7) bytes;
   * in the last byte, the bits beyond `bits` must be zero (unsigned) or
   * copies of the sign bit (signed). */
  private leb(bits: number, signed: boolean): bigint {
    const maxBytes = Math.ceil(bits / 7);
    let result = 0n;
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail("integer representation too long");
      const b = this.u8();
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) !== 0) continue;
      const used = bits - 7 * i; // value bits in this last byte
      if (i === maxBytes - 1 && used < 7) {
        const rest = signed ? (b & 0x7f) >> (used - 1) : b >> used;
        const allowed = signed ? [0, 0x7f >> (used - 1)] : [0];
        if (!allowed.includes(rest)) this.fail("integer too large");
      }
      if (signed && b & 0x40) result -= 1n << BigInt(7 * (i + 1));
      return result;
    }
  }

  /** u32, the most common immediate: numbers only unless it is long. */
  u32(): number {
    const b = this.u8();
    if (b < 0x80) return b;
    this.pos--;
    return Number(this.leb(32, false));
  }

  /** A signed 32-bit LEB as its unsigned bit pattern. */
  i32(): number {
    return Number(BigInt.asUintN(32, this.leb(32, true)));
  }

  /** A signed 64-bit LEB as its unsigned bit pattern. */
  i64(): bigint {
    return BigInt.asUintN(64, this.leb(64, true));
  }

  /** s33, the block type index form (§5.4.1). */
  s33(): bigint {
    return this.leb(33, true);
  }

  name(): string {
    const len = this.u32();
    const bytes = this.take(len);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      this.fail("malformed UTF-8 encoding");
    }
  }
}
