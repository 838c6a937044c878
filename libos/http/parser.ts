// The request line and header section (RFC 9112 §2 to §5), parsed from the
// bytes received so far, strictly:
//
// - lines end in CRLF; a bare LF is accepted as the end of a line (RFC
//   9112 §2.2 allows it), a bare CR anywhere is an error;
// - empty lines before the request line are skipped (§2.2);
// - request-line = method SP request-target SP HTTP-version, single
//   spaces, a token method, a target of visible ASCII (§3);
// - field-name ":" OWS field-value OWS: no space before the colon (§5.1,
//   400), no obsolete line folding (§5.2, 400), no control characters in
//   values but HTAB (RFC 9110 §5.5);
// - the limits of HttpConfig: 414 for the request line, 431 for the
//   header section or the number of fields; 505 for an HTTP version other
//   than 1.x;
// - an unfinished request line that can no longer become a valid one (a
//   TLS ClientHello, binary garbage) is 400 at once, not incomplete: a
//   caller that parses what has come need not wait for a line end.
// The result is a status: 0 complete, -1 incomplete (wait for more), or
// the error status to answer with.
import { HttpConfig } from "./config";
import { HttpRequest, Version } from "./request";

export const COMPLETE = 0;
export const INCOMPLETE = -1;

/** RFC 9110 §5.6.2 tchar. */
const TCHAR = tcharTable();

function tcharTable(): StaticArray<u8> {
  const t = new StaticArray<u8>(256);
  const extra = "!#$%&'*+-.^_`|~";
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = 1;
  for (let c = 97; c <= 122; c++) t[c] = 1;
  for (let i = 0; i < extra.length; i++) t[extra.charCodeAt(i)] = 1;
  return t;
}

@inline function isTchar(c: u8): bool {
  return unchecked(TCHAR[c]) != 0;
}

/** Where the header section ends (the offset after its empty line) in
 * [p, p + len), looking from `from`; -1 when not there yet. */
export function findHeadEnd(p: usize, len: i32, from: i32): i32 {
  let i = from > 0 ? from : 0;
  while (i < len) {
    if (load<u8>(p + <usize>i) == 10) {
      // LF LF, or LF CR LF
      if (i + 1 < len && load<u8>(p + <usize>(i + 1)) == 10) return i + 2;
      if (i + 2 < len && load<u8>(p + <usize>(i + 1)) == 13 && load<u8>(p + <usize>(i + 2)) == 10) return i + 3;
    }
    i++;
  }
  return -1;
}

/** Parse a request from [p, p + len): COMPLETE (with `req` filled),
 * INCOMPLETE, or an error status. */
export function parseRequest(p: usize, len: i32, req: HttpRequest, config: HttpConfig): i32 {
  req.reset(p);
  // Skip empty lines before the request line (RFC 9112 §2.2).
  let i = 0;
  while (i < len) {
    const c = load<u8>(p + <usize>i);
    if (c == 10) i++;
    else if (c == 13 && i + 1 < len && load<u8>(p + <usize>(i + 1)) == 10) i += 2;
    else break;
    if (i > config.maxRequestLine) return 400;
  }
  const lineStart = i;
  // The request line.
  let eol = lineEnd(p, len, lineStart);
  if (eol == INCOMPLETE) {
    if (!couldBeRequestLine(p, lineStart, len)) return 400;
    return len - lineStart > config.maxRequestLine ? 414 : INCOMPLETE;
  }
  if (eol < 0) return 400;
  const next = nextLine(p, eol);
  if (next - lineStart > config.maxRequestLine) return 414;
  const e = requestLine(p, lineStart, eol, req);
  if (e != COMPLETE) return e;
  // Header fields.
  i = next;
  const headStart = next;
  while (true) {
    if (i >= len) return i - headStart > config.maxHeaderBytes ? 431 : INCOMPLETE;
    const c = load<u8>(p + <usize>i);
    if (c == 32 || c == 9) return 400; // obs-fold (RFC 9112 §5.2)
    eol = lineEnd(p, len, i);
    if (eol == INCOMPLETE) return len - headStart > config.maxHeaderBytes ? 431 : INCOMPLETE;
    if (eol < 0) return 400;
    const after = nextLine(p, eol);
    if (after - headStart > config.maxHeaderBytes) return 431;
    if (eol == i) {
      req.headLen = after;
      return COMPLETE;
    }
    if (req.count >= req.maxHeaders) return 431;
    const fe = field(p, i, eol, req);
    if (fe != COMPLETE) return fe;
    i = after;
  }
}

/** The offset of the LF or CRLF ending the line at `from`: INCOMPLETE if
 * none yet, -2 for a bare CR (an error). */
function lineEnd(p: usize, len: i32, from: i32): i32 {
  for (let i = from; i < len; i++) {
    const c = load<u8>(p + <usize>i);
    if (c == 10) return i;
    if (c == 13) {
      if (i + 1 >= len) return INCOMPLETE;
      return load<u8>(p + <usize>(i + 1)) == 10 ? i : -2;
    }
  }
  return INCOMPLETE;
}

/** The offset after the line end at `eol` (LF or CRLF). */
@inline function nextLine(p: usize, eol: i32): i32 {
  return load<u8>(p + <usize>eol) == 13 ? eol + 2 : eol + 1;
}

/** Whether the bytes [start, len), a request line without its end yet,
 * can still become a valid one: a token method, one space, a target of
 * visible ASCII, one space, then as much of "HTTP/d.d" as has come. A
 * TLS ClientHello (0x16 0x03 …) fails at its first byte. */
function couldBeRequestLine(p: usize, start: i32, len: i32): bool {
  if (len > start && load<u8>(p + <usize>(len - 1)) == 13) len--; // a CR whose LF is still to come
  let i = start;
  while (i < len && isTchar(load<u8>(p + <usize>i))) i++;
  if (i == len) return true;
  if (i == start || load<u8>(p + <usize>i) != 32) return false;
  const t = ++i;
  while (i < len && load<u8>(p + <usize>i) != 32) {
    const c = load<u8>(p + <usize>i);
    if (c < 32 || c >= 127) return false;
    i++;
  }
  if (i == len) return true;
  if (i == t) return false;
  i++;
  const version = "HTTP/1.1";
  for (let k = 0; i < len; k++, i++) {
    if (k >= version.length) return false;
    const c = load<u8>(p + <usize>i);
    const want = version.charCodeAt(k);
    if (k == 5 || k == 7 ? <u32>c - 48 > 9 : c != want) return false;
  }
  return true;
}

function requestLine(p: usize, start: i32, end: i32, req: HttpRequest): i32 {
  let i = start;
  while (i < end && isTchar(load<u8>(p + <usize>i))) i++;
  if (i == start || i >= end || load<u8>(p + <usize>i) != 32) return 400;
  req.methodAt = start;
  req.methodLen = i - start;
  i++;
  const t = i;
  while (i < end) {
    const c = load<u8>(p + <usize>i);
    if (c == 32) break;
    if (c <= 32 || c >= 127) return 400; // visible ASCII only
    i++;
  }
  if (i == t || i >= end) return 400;
  req.targetAt = t;
  req.targetLen = i - t;
  i++;
  // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3), then the end.
  if (end - i != 8) return 400;
  if (load<u32>(p + <usize>i) != 0x50545448 || load<u8>(p + <usize>(i + 4)) != 47) return 400; // "HTTP/"
  const major = <i32>load<u8>(p + <usize>(i + 5)) - 48;
  const dot = load<u8>(p + <usize>(i + 6));
  const minor = <i32>load<u8>(p + <usize>(i + 7)) - 48;
  if (<u32>major > 9 || dot != 46 || <u32>minor > 9) return 400;
  if (major != 1) return 505;
  req.version = minor == 0 ? Version.Http10 : Version.Http11;
  return COMPLETE;
}

function field(p: usize, start: i32, end: i32, req: HttpRequest): i32 {
  let i = start;
  while (i < end && isTchar(load<u8>(p + <usize>i))) i++;
  // A name, then the colon at once (whitespace before it: 400, §5.1).
  if (i == start || i >= end || load<u8>(p + <usize>i) != 58) return 400;
  const nameEnd = i;
  i++;
  while (i < end && (load<u8>(p + <usize>i) == 32 || load<u8>(p + <usize>i) == 9)) i++;
  const vStart = i;
  let vEnd = i;
  for (; i < end; i++) {
    const c = load<u8>(p + <usize>i);
    if ((c < 32 && c != 9) || c == 127) return 400;
    if (c != 32 && c != 9) vEnd = i + 1;
  }
  const n = req.count;
  unchecked(req.nameAt[n] = start);
  unchecked(req.nameLen[n] = nameEnd - start);
  unchecked(req.valueAt[n] = vStart);
  unchecked(req.valueLen[n] = vEnd - vStart);
  req.count = n + 1;
  return COMPLETE;
}

export { Version };
