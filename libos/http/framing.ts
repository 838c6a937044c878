// What a request's header fields say about the message around them (RFC
// 9112 §6, §9.3, RFC 9110 §7.2): where its body ends, whether the
// connection stays open, and whether the fields contradict each other in
// the ways that make request smuggling possible, which are refused:
//
// - Transfer-Encoding together with Content-Length (RFC 9112 §6.1: a
//   server may reject it, and we do): 400;
// - Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1): 400;
// - a transfer coding other than exactly "chunked": 501 (§6.1), chunked
//   more than once: 400;
// - Content-Length that is not a number, or several that differ (RFC 9110
//   §8.6 allows identical repeats only): 400;
// - no Host in HTTP/1.1, more than one Host, or one that is not a
//   uri-host with an optional port (RFC 9112 §3.2, RFC 3986 §3.2.2): 400;
// - an expectation other than 100-continue (RFC 9110 §10.1.1): 417.
import { HttpRequest, Version } from "./request";

/** Decide framing and persistence; 0, or the status to answer with. */
export function decideFraming(req: HttpRequest): i32 {
  // Host (RFC 9112 §3.2).
  const host = req.find("host");
  if (host >= 0 && req.find("host", host + 1) >= 0) return 400;
  if (host < 0 && req.version == Version.Http11) return 400;
  if (host >= 0 && !validHost(req.base + <usize>req.valueAt[host], req.valueLen[host])) return 400;

  // Expect (RFC 9110 §10.1.1): 100-continue is the only expectation
  // defined, and a server may answer any other with 417. HTTP/1.0
  // requests' expectations are ignored (a MUST of the same section).
  if (req.version == Version.Http11) {
    for (let i = req.find("expect"); i >= 0; i = req.find("expect", i + 1)) {
      const items = req.value(i).split(",");
      for (let k = 0; k < items.length; k++) {
        const e = items[k].trim().toLowerCase();
        if (e.length > 0 && e != "100-continue") return 417;
      }
    }
  }

  // Transfer-Encoding.
  let te = req.find("transfer-encoding");
  const cl = req.find("content-length");
  if (te >= 0) {
    if (cl >= 0 || req.version == Version.Http10) return 400;
    let chunked = 0;
    for (; te >= 0; te = req.find("transfer-encoding", te + 1)) {
      const e = codings(req, te);
      if (e < 0) return -e;
      chunked += e;
    }
    if (chunked != 1) return chunked == 0 ? 501 : 400;
    req.chunked = true;
  } else if (cl >= 0) {
    let length: i64 = -1;
    for (let i = cl; i >= 0; i = req.find("content-length", i + 1)) {
      const e = lengths(req, i, length);
      if (e < 0) return 400;
      length = e;
    }
    req.contentLength = length;
  }

  // Persistence (RFC 9112 §9.3).
  if (req.version == Version.Http11) req.keepAlive = !req.hasToken("connection", "close");
  else req.keepAlive = req.hasToken("connection", "keep-alive") && !req.hasToken("connection", "close");
  return 0;
}

/** Host = uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2): an
 * IP literal in brackets, or a reg-name / IPv4 address of unreserved
 * characters, percent escapes and sub-delims; then digits after a colon.
 * Empty is allowed (a target without authority, RFC 9112 §3.2). "a b",
 * "a/b" and "x, y" are not hosts: 400, as the RFC asks. */
function validHost(p: usize, len: i32): bool {
  let i = 0;
  if (len > 0 && load<u8>(p) == 91) { // '['
    i = 1;
    while (i < len && load<u8>(p + <usize>i) != 93) {
      const c = <u32>load<u8>(p + <usize>i);
      if (!(hexDigit(c) || c == 58 || c == 46)) return false; // hex, ':', '.'
      i++;
    }
    if (i >= len) return false;
    i++;
  } else {
    while (i < len && load<u8>(p + <usize>i) != 58) {
      const c = <u32>load<u8>(p + <usize>i);
      if (c == 37) { // pct-encoded
        if (i + 2 >= len || !hexDigit(<u32>load<u8>(p + <usize>(i + 1))) || !hexDigit(<u32>load<u8>(p + <usize>(i + 2)))) return false;
        i += 3;
        continue;
      }
      if (!regNameChar(c)) return false;
      i++;
    }
  }
  if (i == len) return true;
  if (load<u8>(p + <usize>i) != 58) return false;
  for (i++; i < len; i++) if (<u32>load<u8>(p + <usize>i) - 48 > 9) return false;
  return true;
}

@inline function hexDigit(c: u32): bool {
  return c - 48 < 10 || (c | 0x20) - 97 < 6;
}

/** RFC 3986 unreserved and sub-delims. */
function regNameChar(c: u32): bool {
  return (c | 0x20) - 97 < 26 || c - 48 < 10 || c == 45 || c == 46 || c == 95 || c == 126 ||
    c == 33 || c == 36 || (c >= 38 && c <= 44) || c == 59 || c == 61;
}

/** The codings in Transfer-Encoding field `i`: how many are "chunked"
 * (the only one we know, and it must come last), or -status. */
function codings(req: HttpRequest, i: i32): i32 {
  const p = req.base + <usize>req.valueAt[i];
  const len = req.valueLen[i];
  let chunked = 0;
  let start = 0;
  while (start <= len) {
    let end = start;
    while (end < len && load<u8>(p + <usize>end) != 44) end++;
    let a = start;
    let b = end;
    while (a < b && (load<u8>(p + <usize>a) == 32 || load<u8>(p + <usize>a) == 9)) a++;
    while (b > a && (load<u8>(p + <usize>(b - 1)) == 32 || load<u8>(p + <usize>(b - 1)) == 9)) b--;
    if (b > a) {
      if (chunked > 0) return -400; // something after chunked (RFC 9112 §6.1)
      if (!isChunked(p + <usize>a, b - a)) return -501;
      chunked++;
    }
    start = end + 1;
  }
  return chunked;
}

function isChunked(p: usize, n: i32): bool {
  const word = "chunked";
  if (n != word.length) return false;
  for (let i = 0; i < n; i++) {
    let c = <u32>load<u8>(p + <usize>i);
    if (c - 65 < 26) c |= 0x20;
    if (c != <u32>word.charCodeAt(i)) return false;
  }
  return true;
}

/** The length in Content-Length field `i` (a list of equal numbers is
 * one), agreeing with `prior` (-1: none yet); -1 when invalid. */
function lengths(req: HttpRequest, i: i32, prior: i64): i64 {
  const p = req.base + <usize>req.valueAt[i];
  const len = req.valueLen[i];
  let value = prior;
  let start = 0;
  while (start <= len) {
    let end = start;
    while (end < len && load<u8>(p + <usize>end) != 44) end++;
    let a = start;
    let b = end;
    while (a < b && (load<u8>(p + <usize>a) == 32 || load<u8>(p + <usize>a) == 9)) a++;
    while (b > a && (load<u8>(p + <usize>(b - 1)) == 32 || load<u8>(p + <usize>(b - 1)) == 9)) b--;
    // 1*DIGIT, at most 15 digits (no overflow, and far above any limit).
    if (b == a || b - a > 15) return -1;
    let n: i64 = 0;
    for (let k = a; k < b; k++) {
      const d = <i32>load<u8>(p + <usize>k) - 48;
      if (<u32>d > 9) return -1;
      n = n * 10 + d;
    }
    if (value >= 0 && value != n) return -1;
    value = n;
    start = end + 1;
  }
  return value;
}
