// Writing DNS messages: a cursor over a buffer with a size limit, and name
// compression (RFC 1035 §4.1.4).
//
// Every write checks the limit first and returns false, writing nothing,
// when it would pass it; `mark()`/`rollback()` undo a partly written
// record, so a message can be filled record by record until one does not
// fit (truncation, RFC 2181 §9). Compression remembers where each label of
// the names written so far starts (up to 64 places; the offset must fit
// the 14-bit pointer) and writes a pointer for the longest suffix of a new
// name seen before. Only names written completely are matched: a label of
// the name being written has nothing behind it yet (the buffer still holds
// an earlier message's bytes there), so a match against it could point a
// name at itself. Allocates nothing after construction.
import { lowerByte } from "./dnsname";

const TABLE_SIZE = 64;
const POINTER_MAX = 0x3fff;

export class DnsWriter {
  buf: Uint8Array = new Uint8Array(0);
  pos: i32 = 0;
  limit: i32 = 0;
  private readonly table: StaticArray<i32> = new StaticArray<i32>(TABLE_SIZE);
  private entries: i32 = 0;

  /** Start a message at offset 0 of `buf`, at most `limit` bytes long. */
  reset(buf: Uint8Array, limit: i32): void {
    this.buf = buf;
    this.pos = 0;
    this.limit = min(limit, buf.byteLength);
    this.entries = 0;
  }

  @inline room(n: i32): bool {
    return this.pos + n <= this.limit;
  }

  mark(): i32 {
    return this.pos;
  }

  /** Forget everything written from `at` on, compression entries too. */
  rollback(at: i32): void {
    this.pos = at;
    while (this.entries > 0 && unchecked(this.table[this.entries - 1]) >= at) this.entries--;
  }

  u8(v: u8): bool {
    if (!this.room(1)) return false;
    store<u8>(this.buf.dataStart + <usize>this.pos, v);
    this.pos += 1;
    return true;
  }

  u16(v: u16): bool {
    if (!this.room(2)) return false;
    store<u16>(this.buf.dataStart + <usize>this.pos, bswap<u16>(v));
    this.pos += 2;
    return true;
  }

  u32(v: u32): bool {
    if (!this.room(4)) return false;
    store<u32>(this.buf.dataStart + <usize>this.pos, bswap<u32>(v));
    this.pos += 4;
    return true;
  }

  /** `len` bytes from `src` at `at`. */
  bytes(src: Uint8Array, at: i32, len: i32): bool {
    if (!this.room(len)) return false;
    memory.copy(this.buf.dataStart + <usize>this.pos, src.dataStart + <usize>at, <usize>len);
    this.pos += len;
    return true;
  }

  /** Overwrite a u16 already written (counts, RDLENGTH). */
  patch16(at: i32, v: u16): void {
    store<u16>(this.buf.dataStart + <usize>at, bswap<u16>(v));
  }

  /** The uncompressed name at `at` of `src`; compressed against the names
   * written before when `compress`, and remembered for later names either
   * way. False (nothing written) if it does not fit. */
  name(src: Uint8Array, at: i32, compress: bool = true): bool {
    const start = this.pos;
    let i = at;
    while (true) {
      const n = <i32>src[i];
      if (n == 0) {
        if (!this.u8(0)) { this.rollback(start); return false; }
        return true;
      }
      if (compress) {
        const found = this.find(src, i, start);
        if (found >= 0) {
          if (!this.u16(<u16>(0xc000 | found))) { this.rollback(start); return false; }
          return true;
        }
      }
      if (!this.room(n + 1)) { this.rollback(start); return false; }
      if (this.pos <= POINTER_MAX && this.entries < TABLE_SIZE) {
        unchecked(this.table[this.entries++] = this.pos);
      }
      this.bytes(src, i, n + 1);
      i += n + 1;
    }
  }

  /** Where the suffix of `src` starting at `at` was written before
   * `before` (the start of the name being written), or -1. */
  private find(src: Uint8Array, at: i32, before: i32): i32 {
    for (let e = 0; e < this.entries; e++) {
      const off = unchecked(this.table[e]);
      if (off >= before) break; // entries are in order of offset
      if (this.sameName(off, src, at)) return off;
    }
    return -1;
  }

  // Compare the (maybe compressed) name at `off` of the output with the
  // uncompressed one at `at` of `src`, ignoring case. Pointers in the
  // output were written by us and point backwards, so this ends.
  private sameName(off: i32, src: Uint8Array, at: i32): bool {
    const out = this.buf.dataStart;
    const s = src.dataStart;
    let o = off;
    let i = at;
    while (true) {
      let n = <i32>load<u8>(out + <usize>o);
      while ((n & 0xc0) == 0xc0) {
        o = ((n & 0x3f) << 8) | <i32>load<u8>(out + <usize>o + 1);
        n = <i32>load<u8>(out + <usize>o);
      }
      if (n != <i32>load<u8>(s + <usize>i)) return false;
      if (n == 0) return true;
      for (let k = 1; k <= n; k++) {
        if (lowerByte(load<u8>(out + <usize>(o + k))) != lowerByte(load<u8>(s + <usize>(i + k)))) return false;
      }
      o += n + 1;
      i += n + 1;
    }
  }
}
