// A bounded-use byte queue: bytes appended at the end, consumed from the
// front, compacted when the front is consumed. For a TLS connection's
// pending ciphertext, its decrypted application data and its partial
// handshake messages.
export class ByteQueue {
  private buf: Uint8Array;
  private start: i32 = 0;
  private end: i32 = 0;

  constructor(capacity: i32 = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  get length(): i32 {
    return this.end - this.start;
  }

  /** Room at the end for n more bytes (compacting, then growing). */
  reserve(n: i32): Uint8Array {
    if (this.end + n > this.buf.length) {
      const len = this.length;
      if (len + n <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(max(this.buf.length * 2, len + n));
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
      }
      this.start = 0;
      this.end = len;
    }
    return this.buf.subarray(this.end, this.end + n);
  }

  /** Count n bytes written into what reserve() returned. */
  commit(n: i32): void {
    this.end += n;
  }

  push(bytes: Uint8Array): void {
    this.reserve(bytes.length).set(bytes);
    this.commit(bytes.length);
  }

  /** The queued bytes, in place; valid until the next change. */
  view(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  consume(n: i32): void {
    this.start += min(max(n, 0), this.length);
    if (this.start == this.end) {
      this.start = 0;
      this.end = 0;
    }
  }

  /** Drop everything and give the memory back. */
  release(): void {
    this.buf = new Uint8Array(0);
    this.start = 0;
    this.end = 0;
  }
}
