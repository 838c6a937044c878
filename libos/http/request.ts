// A parsed request (RFC 9112 §3, §5): the request line and the header
// fields as offsets into the bytes they were parsed from, so that parsing
// copies and allocates nothing; strings are made only when asked for. The
// bytes (the TCP receive buffer) are valid while the handler runs: a
// handler that keeps anything copies it.

/** Lower-case ASCII letter of `c`. */
@inline export function lower(c: u32): u32 {
  return c - 65 < 26 ? c | 0x20 : c;
}

export enum Version { Http10 = 0, Http11 = 1 }

export class HttpRequest {
  /** Where the parsed bytes start. */
  base: usize = 0;
  methodAt: i32 = 0;
  methodLen: i32 = 0;
  targetAt: i32 = 0;
  targetLen: i32 = 0;
  version: Version = Version.Http11;
  /** Bytes of the request line and header section, the empty line included. */
  headLen: i32 = 0;
  /** Header fields, in order: name and value offsets and lengths. The
   * value has its surrounding whitespace removed. */
  readonly nameAt: StaticArray<i32>;
  readonly nameLen: StaticArray<i32>;
  readonly valueAt: StaticArray<i32>;
  readonly valueLen: StaticArray<i32>;
  count: i32 = 0;
  /** Framing decided by the server (RFC 9112 §6.3). */
  contentLength: i64 = 0;
  chunked: bool = false;
  /** The connection stays open after the response. */
  keepAlive: bool = true;
  /** The request body, when there is one (null otherwise). */
  body: Uint8Array | null = null;

  constructor(readonly maxHeaders: i32) {
    this.nameAt = new StaticArray<i32>(maxHeaders);
    this.nameLen = new StaticArray<i32>(maxHeaders);
    this.valueAt = new StaticArray<i32>(maxHeaders);
    this.valueLen = new StaticArray<i32>(maxHeaders);
  }

  reset(base: usize): void {
    this.base = base;
    this.count = 0;
    this.headLen = 0;
    this.contentLength = 0;
    this.chunked = false;
    this.keepAlive = true;
    this.body = null;
  }

  get method(): string {
    return String.UTF8.decodeUnsafe(this.base + <usize>this.methodAt, this.methodLen);
  }

  /** The request target as sent (origin form: path and query). */
  get target(): string {
    return String.UTF8.decodeUnsafe(this.base + <usize>this.targetAt, this.targetLen);
  }

  /** Whether the method is exactly `m` (methods are case-sensitive,
   * RFC 9110 §9.1). */
  isMethod(m: string): bool {
    return this.methodLen == m.length && equalsAscii(this.base + <usize>this.methodAt, m, false);
  }

  /** Index of the first field named `name` (case-insensitive, given in
   * lower case) at or after `from`, or -1. */
  find(name: string, from: i32 = 0): i32 {
    const n = name.length;
    for (let i = from; i < this.count; i++) {
      if (unchecked(this.nameLen[i]) == n && equalsAscii(this.base + <usize>unchecked(this.nameAt[i]), name, true)) return i;
    }
    return -1;
  }

  /** The value of field `i`. */
  value(i: i32): string {
    return String.UTF8.decodeUnsafe(this.base + <usize>unchecked(this.valueAt[i]), unchecked(this.valueLen[i]));
  }

  /** The value of the first field named `name` (lower case), or null. */
  header(name: string): string | null {
    const i = this.find(name);
    return i < 0 ? null : this.value(i);
  }

  /** Whether field `i`'s value, a comma-separated list, holds `token`
   * (case-insensitive, given in lower case), e.g. Connection: close. */
  valueHasToken(i: i32, token: string): bool {
    const p = this.base + <usize>unchecked(this.valueAt[i]);
    const len = unchecked(this.valueLen[i]);
    let start = 0;
    while (start <= len) {
      let end = start;
      while (end < len && load<u8>(p + <usize>end) != 44) end++; // ','
      let a = start;
      let b = end;
      while (a < b && isOws(load<u8>(p + <usize>a))) a++;
      while (b > a && isOws(load<u8>(p + <usize>(b - 1)))) b--;
      if (b - a == token.length && equalsAscii(p + <usize>a, token, true)) return true;
      start = end + 1;
    }
    return false;
  }

  /** Whether any field named `name` lists `token`. */
  hasToken(name: string, token: string): bool {
    for (let i = this.find(name); i >= 0; i = this.find(name, i + 1)) {
      if (this.valueHasToken(i, token)) return true;
    }
    return false;
  }
}

@inline export function isOws(c: u8): bool {
  return c == 32 || c == 9;
}

/** Whether the bytes at `p` spell `s` (ASCII); `fold`: compare the bytes
 * in lower case against `s`, which is lower case. */
export function equalsAscii(p: usize, s: string, fold: bool): bool {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = <u32>load<u8>(p + <usize>i);
    if (fold) c = lower(c);
    if (c != <u32>s.charCodeAt(i)) return false;
  }
  return true;
}
