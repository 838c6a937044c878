// Query strings and form bodies: the query component of a request target
// (RFC 3986 §3.4) read as application/x-www-form-urlencoded pairs (the
// WHATWG URL standard's rules: pairs split on '&', a name split from its
// value at the first '=', '+' is a space, %XX a byte), and the path of a
// target without its query.
//
// Decoded bytes must be UTF-8 (RFC 3629 §4: no overlong forms, no
// surrogates, nothing above U+10FFFF): AssemblyScript's decoder would
// turn invalid bytes into unrelated characters, so they are checked here
// first. A bad %-escape, invalid UTF-8 or too many pairs is an error
// value, never a trap, whatever the input.
//
//   const q = new QueryParams();
//   if (q.parse(req.target) != QueryError.None) { res.sendText(400, queryErrorText(q.error)); return; }
//   const page = q.get("page");   // null when absent

export enum QueryError {
  None = 0,
  /** A '%' not followed by two hex digits. */
  BadEscape = 1,
  /** The decoded bytes are not UTF-8. */
  BadUtf8 = 2,
  /** More pairs than the limit. */
  TooMany = 3,
}

/** What went wrong, for a 400 body or a log line. */
export function queryErrorText(e: QueryError): string {
  switch (e) {
    case QueryError.None: return "no error";
    case QueryError.BadEscape: return "a '%' in the query is not followed by two hex digits (write '%25' for '%')";
    case QueryError.BadUtf8: return "the query's %-escapes decode to bytes that are not UTF-8";
    case QueryError.TooMany: return "the query has more parameters than this server accepts";
  }
  return "unknown query error";
}

/** The name=value pairs of one query or form body, decoded, in order.
 * Reusable: each parse starts afresh. */
export class QueryParams {
  private readonly keys: string[] = [];
  private readonly values: string[] = [];
  /** What the last parse found wrong (None: all pairs are in). */
  error: QueryError = QueryError.None;

  /** At most `maxParams` pairs are taken; a query with more is refused
   * whole (TooMany) rather than cut, so no parameter is silently lost. */
  constructor(readonly maxParams: i32 = 64) {}

  /** The pairs of the query of a request target (after its first '?',
   * before any '#'); a target without '?' has none. */
  parse(target: string): QueryError {
    const q = target.indexOf("?");
    if (q < 0) return this.parseForm(new Uint8Array(0));
    let end = target.indexOf("#", q + 1);
    if (end < 0) end = target.length;
    return this.parseForm(Uint8Array.wrap(String.UTF8.encode(target.substring(q + 1, end))));
  }

  /** The pairs of an application/x-www-form-urlencoded body (the bytes
   * are not kept). On error the pairs read so far are dropped. */
  parseForm(bytes: Uint8Array): QueryError {
    this.clear();
    const p = bytes.dataStart;
    const n = bytes.byteLength;
    let start = 0;
    while (start < n) {
      let end = start;
      let eq = -1;
      for (; end < n; end++) {
        const c = load<u8>(p + <usize>end);
        if (c == 38) break; // '&'
        if (c == 61 && eq < 0) eq = end; // '='
      }
      if (end > start) { // empty pieces ("a&&b") are skipped
        const e = this.add(p, start, eq < 0 ? end : eq, eq < 0 ? end : eq + 1, end);
        if (e != QueryError.None) {
          this.clear();
          this.error = e;
          return e;
        }
      }
      start = end + 1;
    }
    return QueryError.None;
  }

  private add(p: usize, nameAt: i32, nameEnd: i32, valueAt: i32, valueEnd: i32): QueryError {
    if (this.keys.length >= this.maxParams) return QueryError.TooMany;
    const name = decodeBytes(p + <usize>nameAt, nameEnd - nameAt, true);
    if (name === null) return lastDecodeError;
    const value = decodeBytes(p + <usize>valueAt, valueEnd - valueAt, true);
    if (value === null) return lastDecodeError;
    this.keys.push(name);
    this.values.push(value);
    return QueryError.None;
  }

  private clear(): void {
    this.keys.length = 0;
    this.values.length = 0;
    this.error = QueryError.None;
  }

  /** Pairs in all, repeated names counted each time. */
  get count(): i32 {
    return this.keys.length;
  }

  /** The value of the first pair named `name` (exact, case-sensitive),
   * or null; "" for "?name" or "?name=". */
  get(name: string): string | null {
    const i = this.keys.indexOf(name);
    return i < 0 ? null : unchecked(this.values[i]);
  }

  /** Every value of `name`, in order ("?tag=a&tag=b"). */
  getAll(name: string): string[] {
    const out = new Array<string>();
    for (let i = 0; i < this.keys.length; i++) if (unchecked(this.keys[i]) == name) out.push(unchecked(this.values[i]));
    return out;
  }

  has(name: string): bool {
    return this.keys.includes(name);
  }

  /** The distinct names, in order of first appearance. */
  names(): string[] {
    const out = new Array<string>();
    for (let i = 0; i < this.keys.length; i++) {
      const k = unchecked(this.keys[i]);
      if (!out.includes(k)) out.push(k);
    }
    return out;
  }

  /** Name and value of pair `i` (0 ≤ i < count), in order. */
  nameAt(i: i32): string { return this.keys[i]; }
  valueAt(i: i32): string { return this.values[i]; }
}

/** The path of a request target, without query or fragment: origin form
 * as is ("/a/b?x" → "/a/b"); absolute form (RFC 9112 §3.2.2, which a
 * server must accept) without scheme and authority ("http://h/a?x" →
 * "/a", "http://h" → "/"); anything else ("*", authority form) up to its
 * '?' or '#'. */
export function pathOf(target: string): string {
  let from = 0;
  if (!target.startsWith("/")) {
    const authority = schemeEnd(target);
    if (authority > 0) {
      from = authority;
      while (from < target.length && !isPathEnd(target.charCodeAt(from)) && target.charCodeAt(from) != 47) from++;
      if (from == target.length || isPathEnd(target.charCodeAt(from))) return "/";
    }
  }
  let end = from;
  while (end < target.length && !isPathEnd(target.charCodeAt(end))) end++;
  return from == 0 && end == target.length ? target : target.substring(from, end);
}

/** '?' or '#'. */
@inline function isPathEnd(c: i32): bool {
  return c == 63 || c == 35;
}

/** Where the authority begins when `t` starts with "scheme://" (RFC 3986
 * §3.1: a letter, then letters, digits, '+', '-', '.'), else 0. */
function schemeEnd(t: string): i32 {
  for (let i = 0; i < t.length; i++) {
    const c = <u32>t.charCodeAt(i);
    const letter = (c | 0x20) - 97 < 26;
    if (letter || (i > 0 && (c - 48 < 10 || c == 43 || c == 45 || c == 46))) continue;
    return i > 0 && c == 58 && t.startsWith("//", i + 1) ? i + 3 : 0;
  }
  return 0;
}

/** `s` with %XX escapes decoded, and '+' as a space when `form`; null
 * for a bad escape or bytes that are not UTF-8 (lone surrogates in `s`
 * included). Path segments are decoded without `form`: a '+' in a path
 * is a plus (RFC 3986 §2.2). */
export function decodeComponent(s: string, form: bool = false): string | null {
  let plain = true;
  for (let i = 0; i < s.length && plain; i++) {
    const c = s.charCodeAt(i);
    plain = c != 37 && c < 128 && !(form && c == 43);
  }
  if (plain) return s;
  const bytes = String.UTF8.encode(s);
  return decodeBytes(changetype<usize>(bytes), bytes.byteLength, form);
}

/** Why the last decodeBytes returned null. */
let lastDecodeError = QueryError.None;
/** Decoded bytes, grown as needed and reused: a decode allocates only
 * its string. */
let scratch = new Uint8Array(256);

function decodeBytes(p: usize, n: i32, form: bool): string | null {
  if (scratch.byteLength < n) scratch = new Uint8Array(n);
  const out = scratch.dataStart;
  let len = 0;
  for (let i = 0; i < n; i++) {
    let c = <u32>load<u8>(p + <usize>i);
    if (c == 37) { // '%'
      const hi = i + 2 < n ? hexDigit(load<u8>(p + <usize>(i + 1))) : -1;
      const lo = i + 2 < n ? hexDigit(load<u8>(p + <usize>(i + 2))) : -1;
      if (hi < 0 || lo < 0) {
        lastDecodeError = QueryError.BadEscape;
        return null;
      }
      c = <u32>(hi << 4 | lo);
      i += 2;
    } else if (c == 43 && form) {
      c = 32; // '+'
    }
    store<u8>(out + <usize>len, <u8>c);
    len++;
  }
  if (!validUtf8(out, len)) {
    lastDecodeError = QueryError.BadUtf8;
    return null;
  }
  return String.UTF8.decodeUnsafe(out, len);
}

function hexDigit(c: u32): i32 {
  if (c - 48 < 10) return <i32>c - 48;
  const l = c | 0x20;
  return l - 97 < 6 ? <i32>l - 87 : -1;
}

/** Whether `n` bytes at `p` are well-formed UTF-8 (RFC 3629 §4). */
export function validUtf8(p: usize, n: i32): bool {
  let i = 0;
  while (i < n) {
    const b = <u32>load<u8>(p + <usize>i);
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: i32;
    // The second byte's range rules out overlong forms (E0, F0),
    // surrogates (ED) and code points above U+10FFFF (F4).
    let lo: u32 = 0x80;
    let hi: u32 = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b == 0xe0) lo = 0xa0;
      else if (b == 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b == 0xf0) lo = 0x90;
      else if (b == 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= n) return false;
    const b1 = <u32>load<u8>(p + <usize>(i + 1));
    if (b1 < lo || b1 > hi) return false;
    for (let k = 2; k <= need; k++) {
      const bk = <u32>load<u8>(p + <usize>(i + k));
      if (bk < 0x80 || bk > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}
