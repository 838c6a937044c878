// Connection buffers, from fixed-size pools so that their memory is
// bounded by the pool sizes and reused without garbage:
//
// - SendBuffer: a ring of bytes from SND.UNA on: data sent but not yet
//   acknowledged, then data not yet sent. write() copies in as much as
//   fits and says how much (backpressure: a full buffer never grows);
//   fill() lets a ByteSource (a file read straight from the image's
//   assets) write into the ring itself, with no copy in between.
// - RecvBuffer: the bytes received in order and not yet read, kept
//   contiguous so that the application parses them in place, followed by
//   segments that arrived out of order, stored where they belong; a short
//   list of their ranges (also the SACK blocks, RFC 2018) says what is
//   there. The window offered to the peer is the space left, so the peer
//   can never make it grow.

import { ByteSource } from "../../flow/index";
import { moveWindow, newWindow } from "../../platform/index";

/** Buffers of one size, at most `limit` of them alive; released ones are
 * reused. */
export class BufferPool {
  private readonly free: Uint8Array[] = [];
  /** Buffers handed out and not yet released. */
  inUse: i32 = 0;
  /** Buffers ever allocated (in use or on the free list). */
  allocated: i32 = 0;

  constructor(readonly size: i32, readonly limit: i32) {}

  /** A buffer, or null when `limit` are in use. */
  take(): Uint8Array | null {
    if (this.inUse >= this.limit) return null;
    this.inUse++;
    if (this.free.length > 0) return this.free.pop();
    this.allocated++;
    return new Uint8Array(this.size);
  }

  release(b: Uint8Array): void {
    this.inUse--;
    this.free.push(b);
  }
}

export class SendBuffer {
  /** Index of the first byte (the one at SND.UNA). */
  private head: i32 = 0;
  /** Bytes held. */
  length: i32 = 0;

  /** What fill() hands a ByteSource: a window over the free space. */
  private readonly window: Uint8Array = newWindow();

  constructor(readonly buf: Uint8Array) {}

  get capacity(): i32 { return this.buf.byteLength; }
  get space(): i32 { return this.buf.byteLength - this.length; }

  /** Copy up to `len` bytes from `ptr` in; how many were taken. */
  write(ptr: usize, len: i32): i32 {
    const cap = this.buf.byteLength;
    let n = len < this.space ? len : this.space;
    const total = n;
    let tail = this.head + this.length;
    if (tail >= cap) tail -= cap;
    const first = n < cap - tail ? n : cap - tail;
    memory.copy(this.buf.dataStart + <usize>tail, ptr, first);
    if (n > first) memory.copy(this.buf.dataStart, ptr + <usize>first, n - first);
    this.length += total;
    return total;
  }

  /** Let `src` write up to `max` bytes into the free space, in at most two
   * contiguous pieces; how many it wrote. */
  fill(src: ByteSource, max: i32): i32 {
    const cap = this.buf.byteLength;
    let want = max < this.space ? max : this.space;
    let written = 0;
    while (want > 0) {
      let tail = this.head + this.length;
      if (tail >= cap) tail -= cap;
      const piece = want < cap - tail ? want : cap - tail;
      const n = src.fill(moveWindow(this.window, this.buf, tail, piece));
      if (n <= 0) break;
      const got = n < piece ? n : piece;
      this.length += got;
      written += got;
      want -= got;
      if (got < piece) break;
    }
    return written;
  }

  /** Copy `len` bytes starting `offset` bytes after the head to `dst`. */
  copyOut(offset: i32, dst: usize, len: i32): void {
    const cap = this.buf.byteLength;
    let at = this.head + offset;
    if (at >= cap) at -= cap;
    const first = len < cap - at ? len : cap - at;
    memory.copy(dst, this.buf.dataStart + <usize>at, first);
    if (len > first) memory.copy(dst + <usize>first, this.buf.dataStart, len - first);
  }

  /** Forget the first `n` bytes (acknowledged). */
  drop(n: i32): void {
    if (n > this.length) n = this.length;
    this.length -= n;
    this.head += n;
    if (this.head >= this.buf.byteLength) this.head -= this.buf.byteLength;
    if (this.length == 0) this.head = 0;
  }
}

/** Out-of-order ranges tracked at once; a segment that would need one more
 * is dropped (the peer sends it again). */
export const MAX_RANGES = 8;

export class RecvBuffer {
  /** Unread in-order bytes are [start, end); RCV.NXT is at `end`. */
  start: i32 = 0;
  end: i32 = 0;
  /** Out-of-order ranges, as offsets from RCV.NXT: [lo[i], hi[i]), sorted,
   * disjoint and not touching. */
  readonly lo: StaticArray<i32> = new StaticArray<i32>(MAX_RANGES);
  readonly hi: StaticArray<i32> = new StaticArray<i32>(MAX_RANGES);
  ranges: i32 = 0;
  /** Offset of the most recently stored out-of-order byte (the first SACK
   * block reports the range holding it, RFC 2018 §4). */
  latest: i32 = 0;
  /** Window over the unread bytes, handed to the application. */
  private readonly view: Uint8Array = new Uint8Array(0);

  constructor(readonly buf: Uint8Array) {}

  get capacity(): i32 { return this.buf.byteLength; }
  /** Bytes received in order and not yet read. */
  get unread(): i32 { return this.end - this.start; }
  /** Sequence space the peer may fill beyond RCV.NXT. */
  get window(): i32 { return this.buf.byteLength - (this.end - this.start); }

  /** Store `len` bytes from `ptr`, which belong `offset` bytes past
   * RCV.NXT (the caller trimmed them to the window: offset >= 0,
   * offset + len <= window). Returns how far RCV.NXT advances (0 for an
   * out-of-order segment), or -1 if an out-of-order segment could not be
   * recorded (too many ranges). */
  insert(offset: i32, ptr: usize, len: i32): i32 {
    if (len <= 0) return 0;
    if (this.end + offset + len > this.buf.byteLength) this.compact();
    this.copyNew(offset, ptr, len);
    if (offset > 0) return this.addRange(offset, offset + len) ? 0 : -1;
    // In order: take it and every range it now reaches.
    let advance = len;
    let drop = 0;
    while (drop < this.ranges && unchecked(this.lo[drop]) <= advance) {
      const h = unchecked(this.hi[drop]);
      if (h > advance) advance = h;
      drop++;
    }
    this.shift(drop, advance);
    this.end += advance;
    return advance;
  }

  /** The unread bytes, in place; valid until the next insert or consume. */
  received(): Uint8Array {
    return moveWindow(this.view, this.buf, this.start, this.end - this.start);
  }

  /** Forget the first `n` unread bytes. */
  consume(n: i32): void {
    if (n > this.end - this.start) n = this.end - this.start;
    this.start += n;
    if (this.start == this.end && this.ranges == 0) {
      this.start = 0;
      this.end = 0;
    }
  }

  /** Move the unread and out-of-order bytes to the front. */
  private compact(): void {
    if (this.start == 0) return;
    const top = this.ranges > 0 ? this.end + unchecked(this.hi[this.ranges - 1]) : this.end;
    memory.copy(this.buf.dataStart, this.buf.dataStart + <usize>this.start, top - this.start);
    this.end -= this.start;
    this.start = 0;
  }

  /** Copy the bytes of [offset, offset + len) that no out-of-order range
   * holds yet: where copies overlap, the first one stays (as Linux keeps
   * it), so a later segment cannot rewrite data already taken in. */
  private copyNew(offset: i32, ptr: usize, len: i32): void {
    const base = this.buf.dataStart + <usize>this.end;
    const stop = offset + len;
    let at = offset;
    for (let i = 0; i < this.ranges && at < stop; i++) {
      const l = unchecked(this.lo[i]);
      const h = unchecked(this.hi[i]);
      if (h <= at) continue;
      if (l >= stop) break;
      if (l > at) memory.copy(base + <usize>at, ptr + <usize>(at - offset), l - at);
      at = h;
    }
    if (at < stop) memory.copy(base + <usize>at, ptr + <usize>(at - offset), stop - at);
  }

  /** Remove the first `drop` ranges and move the rest `by` bytes closer. */
  private shift(drop: i32, by: i32): void {
    const n = this.ranges - drop;
    for (let i = 0; i < n; i++) {
      unchecked(this.lo[i] = this.lo[i + drop] - by);
      unchecked(this.hi[i] = this.hi[i + drop] - by);
    }
    this.ranges = n;
    this.latest -= by;
  }

  private addRange(l: i32, h: i32): bool {
    this.latest = l;
    // First range ending at or after l (touching counts).
    let i = 0;
    while (i < this.ranges && unchecked(this.hi[i]) < l) i++;
    // Ranges i..j-1 touch or overlap [l, h): merge them.
    let j = i;
    while (j < this.ranges && unchecked(this.lo[j]) <= h) {
      if (unchecked(this.lo[j]) < l) l = unchecked(this.lo[j]);
      if (unchecked(this.hi[j]) > h) h = unchecked(this.hi[j]);
      j++;
    }
    const merged = j - i;
    if (merged == 0) {
      if (this.ranges == MAX_RANGES) return false;
      for (let k = this.ranges; k > i; k--) {
        unchecked(this.lo[k] = this.lo[k - 1]);
        unchecked(this.hi[k] = this.hi[k - 1]);
      }
      this.ranges++;
    } else if (merged > 1) {
      const gone = merged - 1;
      for (let k = i + 1; k + gone < this.ranges; k++) {
        unchecked(this.lo[k] = this.lo[k + gone]);
        unchecked(this.hi[k] = this.hi[k + gone]);
      }
      this.ranges -= gone;
    }
    unchecked(this.lo[i] = l);
    unchecked(this.hi[i] = h);
    return true;
  }
}
