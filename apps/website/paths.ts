// Request targets to asset names. The path is percent-decoded first and
// normalised after (RFC 3986 §5.2.4 remove_dot_segments), so that no
// spelling of ".." (%2e%2e, ..%2f, a/../../b) can climb above the site's
// root: a ".." at the root stays at the root. A name never starts with
// '/', so the site's index asset ("/site-index") cannot be asked for.

/** A target resolved: the asset name to look up, and whether the path
 * named a directory (ended with '/'). */
export class Resolved {
  constructor(readonly name: string, readonly directory: bool, readonly path: string) {}
}

/** The asset a request target names, or null for a target that is not a
 * path (400): not origin or absolute form, a bad percent escape, a NUL or
 * other control character once decoded. */
export function resolveTarget(target: string): Resolved | null {
  const plain = plainPath(target);
  if (plain >= 0) {
    // The common case, with no allocation but the name itself.
    const directory = target.charCodeAt(target.length - 1) == 47;
    const name = target.length == 1 ? "" : directory ? target.substring(1, target.length - 1) : target.substring(1);
    return new Resolved(name, directory, target);
  }
  let t = target;
  // Absolute form (RFC 9112 §3.2.2): a server must accept it.
  const lowerT = t.length >= 8 ? t.substring(0, 8).toLowerCase() : t.toLowerCase();
  if (lowerT.startsWith("http://") || lowerT.startsWith("https://")) {
    const from = t.indexOf("//") + 2;
    const slash = t.indexOf("/", from);
    t = slash < 0 ? "/" : t.substring(slash);
  }
  if (!t.startsWith("/")) return null;
  let end = t.length;
  const q = t.indexOf("?");
  if (q >= 0) end = q;
  const h = t.indexOf("#");
  if (h >= 0 && h < end) end = h;
  const rawPath = t.substring(0, end);
  const decoded = percentDecode(rawPath);
  if (decoded === null) return null;
  const parts = decoded.split("/");
  const out: string[] = [];
  let directory = decoded.endsWith("/");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.length == 0 || p == ".") {
      if (i == parts.length - 1) directory = true;
      continue;
    }
    if (p == "..") {
      if (out.length > 0) out.pop();
      if (i == parts.length - 1) directory = true;
      continue;
    }
    out.push(p);
  }
  const name = out.join("/");
  return new Resolved(name, directory || name.length == 0, rawPath);
}

/** %XX escapes decoded (as UTF-8 bytes); null for a bad escape, invalid
 * UTF-8 or a control character. */
export function percentDecode(s: string): string | null {
  if (s.indexOf("%") < 0) {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 32) return null;
    return s;
  }
  const bytes = new Uint8Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c == 37) { // '%'
      if (i + 2 >= s.length) return null;
      const hi = hex(s.charCodeAt(i + 1));
      const lo = hex(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return null;
      c = (hi << 4) | lo;
      i += 2;
    }
    if (c < 32 || c == 127 || c > 255) return null;
    bytes[n++] = <u8>c;
  }
  const text = String.UTF8.decodeUnsafe(bytes.dataStart, n, false);
  // Invalid UTF-8 decodes to U+FFFD: refuse it rather than guess.
  if (text.indexOf("\uFFFD") >= 0) return null;
  return text;
}

function hex(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** 0 when `t` is a plain path: '/', then letters, digits and - _ . ~ in
 * segments that are neither empty nor start with '.', separated by single
 * '/', and nothing else (no escapes, query, dot segments): its name is the
 * path itself. -1 otherwise. */
function plainPath(t: string): i32 {
  const n = t.length;
  if (n == 0 || t.charCodeAt(0) != 47) return -1;
  let segmentStart = true;
  for (let i = 1; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c == 47) {
      if (segmentStart) return -1; // "//"
      segmentStart = true;
      continue;
    }
    if (segmentStart && c == 46) return -1; // ".", "..", ".hidden": the slow path decides
    segmentStart = false;
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 95 || c == 46 || c == 126;
    if (!ok) return -1;
  }
  return 0;
}
