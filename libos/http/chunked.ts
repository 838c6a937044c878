// The chunked transfer coding of request bodies (RFC 9112 §7.1), decoded
// as the bytes arrive: chunk sizes in hex, extensions skipped, data
// copied out (at most `maxBody` bytes: beyond, 413), trailer fields
// skipped (at most `maxTrailer` bytes: beyond, 431). A malformed coding is
// 400.
const SIZE = 0;
const EXT = 1;
const SIZE_LF = 2;
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER = 6;
const TRAILER_LF = 7;
const DONE = 8;

export class ChunkedDecoder {
  private state: i32 = SIZE;
  /** A digit of the size was seen (leading zeros count only here). */
  private digits: i32 = 0;
  private remaining: i64 = 0;
  /** Bytes of the current trailer line (0: at a line start). */
  private lineLen: i32 = 0;
  private trailerBytes: i32 = 0;
  /** The decoded body. */
  body: Uint8Array;
  length: i32 = 0;
  /** 0 while decoding goes well, else the status to answer with. */
  error: i32 = 0;

  constructor(readonly maxBody: i32, readonly maxTrailer: i32) {
    this.body = new Uint8Array(maxBody < 4096 ? maxBody : 4096);
  }

  get done(): bool { return this.state == DONE; }

  /** Decode from [p, p + len); how many bytes were taken (it stops at the
   * end of the body, or at an error). */
  feed(p: usize, len: i32): i32 {
    let i = 0;
    while (i < len && this.state != DONE && this.error == 0) {
      const c = load<u8>(p + <usize>i);
      switch (this.state) {
        case SIZE: {
          const h = hexValue(c);
          if (h >= 0) {
            // RFC 9112 §7.1 puts no bound on the digits: leading zeros are
            // any number of them; a value past 15 hex digits is 413.
            this.digits = 1;
            if (this.remaining >= <i64>1 << 56) return this.fail(413, i);
            this.remaining = (this.remaining << 4) | <i64>h;
          } else if (this.digits == 0) {
            return this.fail(400, i);
          } else if (c == 59 || c == 32 || c == 9) { // ';' or BWS before it
            this.state = EXT;
          } else if (c == 13) {
            this.state = SIZE_LF;
          } else if (c == 10) {
            this.sizeDone();
          } else {
            return this.fail(400, i);
          }
          i++;
          break;
        }
        case EXT: {
          if (c == 13) this.state = SIZE_LF;
          else if (c == 10) this.sizeDone();
          else if (c < 32 && c != 9 || c == 127) return this.fail(400, i);
          i++;
          break;
        }
        case SIZE_LF: {
          if (c != 10) return this.fail(400, i);
          this.sizeDone();
          i++;
          break;
        }
        case DATA: {
          let n = len - i;
          if (<i64>n > this.remaining) n = <i32>this.remaining;
          if (!this.append(p + <usize>i, n)) return this.fail(413, i);
          this.remaining -= n;
          i += n;
          if (this.remaining == 0) this.state = DATA_CR;
          break;
        }
        case DATA_CR: {
          if (c == 13) this.state = DATA_LF;
          else if (c == 10) this.state = SIZE;
          else return this.fail(400, i);
          i++;
          break;
        }
        case DATA_LF: {
          if (c != 10) return this.fail(400, i);
          this.state = SIZE;
          i++;
          break;
        }
        case TRAILER: {
          if (++this.trailerBytes > this.maxTrailer) return this.fail(431, i);
          if (c == 13) {
            this.state = TRAILER_LF;
          } else if (c == 10) {
            if (this.lineLen == 0) this.state = DONE;
            this.lineLen = 0;
          } else {
            this.lineLen++;
          }
          i++;
          break;
        }
        case TRAILER_LF: {
          if (c != 10) return this.fail(400, i);
          if (this.lineLen == 0) this.state = DONE;
          else this.state = TRAILER;
          this.lineLen = 0;
          i++;
          break;
        }
      }
    }
    return i;
  }

  private sizeDone(): void {
    this.digits = 0;
    this.state = this.remaining == 0 ? TRAILER : DATA;
  }

  private fail(status: i32, at: i32): i32 {
    this.error = status;
    return at;
  }

  private append(p: usize, n: i32): bool {
    const need = this.length + n;
    if (need > this.maxBody) return false;
    if (need > this.body.byteLength) {
      let cap = this.body.byteLength * 2;
      if (cap < need) cap = need;
      if (cap > this.maxBody) cap = this.maxBody;
      const b = new Uint8Array(cap);
      memory.copy(b.dataStart, this.body.dataStart, this.length);
      this.body = b;
    }
    memory.copy(this.body.dataStart + <usize>this.length, p, n);
    this.length = need;
    return true;
  }
}

function hexValue(c: u8): i32 {
  if (c >= 48 && c <= 57) return <i32>c - 48;
  if (c >= 97 && c <= 102) return <i32>c - 87;
  if (c >= 65 && c <= 70) return <i32>c - 55;
  return -1;
}
