// Serving the site's files (RFC 9110): GET and HEAD only (405 for other
// methods we know of, 501 for the rest); index.html for directories, a
// redirect to add the '/' a directory needs, 404 (with 404.html when the
// site has one); the gzip variant when the client accepts gzip (RFC 9110
// §12.5.3), with Vary (§12.5.5); validators ETag and Last-Modified, and
// the conditional requests If-None-Match / If-Modified-Since (304,
// §13.1.2, §13.1.3, evaluated in §13.2.2's order) and If-Match /
// If-Unmodified-Since (412, §13.1.1, §13.1.4);
// single byte ranges (RFC 9110 §14: 206, 416, If-Range). Bodies come
// straight from the assets into the TCP send buffer.
import { Asset } from "../../libos/platform/index";
import { BodySource, HttpHandler, HttpRequest, HttpResponse, parseHttpDate } from "../../libos/http/index";
import { directoryLocation, resolveTarget } from "./paths";
import { Site, SiteFile } from "./site";

/** An asset range as a response body, read as the flow has room. */
class AssetSource extends BodySource {
  constructor(readonly asset: Asset, public offset: i32) { super(); }
  fill(into: Uint8Array): i32 {
    const n = this.asset.read(this.offset, into);
    this.offset += n;
    return n;
  }
}

/** Room a redirect needs besides its Location value: "Location: ", CRLF,
 * and the Content-Type field of its short body. */
const LOCATION_SLACK = 64;

/** Methods RFC 9110 §9.3 defines: 405 rather than 501 for them. */
const KNOWN_METHODS: string[] = ["POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

export class WebsiteHandler extends HttpHandler {
  /** `gzip`: whether the site's precompressed variants may be sent (the
   * HTTPS side sends them only when asked: main.ts, --https-gzip). */
  constructor(readonly site: Site, readonly gzip: bool = true) { super(); }

  handle(req: HttpRequest, res: HttpResponse): void {
    const get = req.isMethod("GET");
    if (!get && !req.isMethod("HEAD")) {
      const m = req.method;
      if (KNOWN_METHODS.includes(m)) {
        res.header("Allow", "GET, HEAD");
        res.sendText(405, "405 Method Not Allowed\n");
      } else {
        res.sendText(501, "501 Not Implemented\n");
      }
      return;
    }
    const r = resolveTarget(req.target);
    if (r === null) {
      res.sendText(400, "400 Bad Request\n");
      return;
    }
    const name = r.directory ? (r.name.length == 0 ? "index.html" : r.name + "/index.html") : r.name;
    const file = this.site.find(name);
    if (file === null) {
      // A directory asked for without its '/': send the client there, so
      // that relative links in its index.html resolve.
      if (!r.directory && this.site.find(r.name + "/index.html") !== null) {
        const location = directoryLocation(r);
        // A Location longer than the response's room for fields would
        // make the whole answer a 500: say the target is too long instead.
        if (location.length + LOCATION_SLACK > res.fields.buf.byteLength - res.fields.length) {
          res.sendText(414, "414 URI Too Long\n");
          return;
        }
        res.header("Location", location);
        res.sendText(301, "301 Moved Permanently\n");
        return;
      }
      this.notFound(res);
      return;
    }
    this.serve(req, res, file, get);
  }

  private notFound(res: HttpResponse): void {
    const nf = this.site.notFound;
    if (nf === null) {
      res.sendText(404, "404 Not Found\n");
      return;
    }
    res.header("Content-Type", nf.type);
    res.send(404, new AssetSource(nf.asset, 0), nf.size);
  }

  private serve(req: HttpRequest, res: HttpResponse, file: SiteFile, get: bool): void {
    let rep = file;
    const gz = this.gzip ? file.gz : null;
    if (gz !== null && acceptsGzip(req)) rep = gz;
    // Validators on every answer about the file, 304 included (RFC 9110
    // §15.4.5); its Content-Type and Content-Encoding only with its bytes
    // (describe()): a 304 should not carry them (§15.4.5), and a 416's
    // body is text of its own (one Content-Type, §8.3).
    res.header("ETag", rep.etag);
    if (rep.mtime >= 0) res.header("Last-Modified", rep.lastModified);
    res.header("Accept-Ranges", "bytes");
    if (gz !== null) res.header("Vary", "Accept-Encoding");

    // RFC 9110 §13.2.2: If-Match (else If-Unmodified-Since), then
    // If-None-Match (else If-Modified-Since), then Range.
    const ifMatch = req.header("if-match");
    if (ifMatch !== null) {
      if (!matchesEtag(ifMatch, rep.etag, false)) {
        res.sendEmpty(412);
        return;
      }
    } else if (rep.mtime >= 0) {
      // §13.1.4: modified since the date given (one that does not parse
      // is ignored).
      const ius = req.header("if-unmodified-since");
      if (ius !== null) {
        const t = parseHttpDate(ius);
        if (t >= 0 && rep.mtime > t) {
          res.sendEmpty(412);
          return;
        }
      }
    }
    const inm = req.header("if-none-match");
    if (inm !== null) {
      if (matchesEtag(inm, rep.etag, true)) {
        res.sendEmpty(304);
        return;
      }
    } else if (rep.mtime >= 0) {
      const ims = req.header("if-modified-since");
      if (ims !== null) {
        const t = parseHttpDate(ims);
        if (t >= 0 && rep.mtime <= t) {
          res.sendEmpty(304);
          return;
        }
      }
    }

    const size = rep.size;
    const range = get ? req.header("range") : null;
    if (range !== null && ifRangeHolds(req, rep)) {
      const r = parseRange(range, size);
      if (r == UNSATISFIABLE) {
        res.header("Content-Range", "bytes */" + size.toString());
        res.sendText(416, "416 Range Not Satisfiable\n");
        return;
      }
      if (r != IGNORE) {
        const first = <i32>(r >> 32);
        const last = <i32>(r & 0xffff_ffff);
        res.header("Content-Range", "bytes " + first.toString() + "-" + last.toString() + "/" + size.toString());
        describe(res, file, rep);
        res.send(206, new AssetSource(rep.asset, first), <i64>(last - first + 1));
        return;
      }
    }
    describe(res, file, rep);
    res.send(200, new AssetSource(rep.asset, 0), size);
  }
}

/** The fields that describe the bytes sent: `rep`, `file` or its gzip variant. */
function describe(res: HttpResponse, file: SiteFile, rep: SiteFile): void {
  res.header("Content-Type", file.type);
  if (rep !== file) res.header("Content-Encoding", "gzip");
}

/** Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3): listed (or
 * "*") with a weight above 0, not refused by name. */
export function acceptsGzip(req: HttpRequest): bool {
  let gzip = -1.0;
  let star = -1.0;
  for (let i = req.find("accept-encoding"); i >= 0; i = req.find("accept-encoding", i + 1)) {
    const items = req.value(i).split(",");
    for (let k = 0; k < items.length; k++) {
      const parts = items[k].split(";");
      const coding = parts[0].trim().toLowerCase();
      let q = 1.0;
      for (let p = 1; p < parts.length; p++) {
        const param = parts[p].trim().toLowerCase();
        if (param.startsWith("q=")) q = parseFloat(param.substring(2));
        if (isNaN(q)) q = 0;
      }
      if (coding == "gzip" || coding == "x-gzip") gzip = q;
      else if (coding == "*") star = q;
    }
  }
  if (gzip >= 0) return gzip > 0;
  return star > 0;
}

/** Whether an If-Match or If-None-Match list holds `etag`: "*" matches
 * any; `weak` compares without W/ (RFC 9110 §8.8.3.2). */
export function matchesEtag(list: string, etag: string, weak: bool): bool {
  const l = list.trim();
  if (l == "*") return true;
  let i = 0;
  while (i < l.length) {
    while (i < l.length && (l.charAt(i) == " " || l.charAt(i) == "\t" || l.charAt(i) == ",")) i++;
    if (i >= l.length) break;
    let isWeak = false;
    if (l.startsWith("W/", i)) {
      isWeak = true;
      i += 2;
    }
    if (i >= l.length || l.charAt(i) != "\"") return false; // malformed: no match
    const end = l.indexOf("\"", i + 1);
    if (end < 0) return false;
    const tag = l.substring(i, end + 1);
    if (tag == etag && (weak || !isWeak)) return true;
    i = end + 1;
  }
  return false;
}

/** If-Range (RFC 9110 §13.1.5): the range applies only if the validator
 * is current (strong comparison; a date must equal Last-Modified). */
function ifRangeHolds(req: HttpRequest, rep: SiteFile): bool {
  const v = req.header("if-range");
  if (v === null) return true;
  const s = v.trim();
  if (s.startsWith("\"")) return s == rep.etag;
  if (s.startsWith("W/")) return false;
  const t = parseHttpDate(s);
  return t >= 0 && rep.mtime >= 0 && t == rep.mtime;
}

const IGNORE: i64 = -1;
const UNSATISFIABLE: i64 = -2;

/** One byte range of a `size`-byte body (RFC 9110 §14.1.2) as first << 32
 * | last; IGNORE for anything but a single valid range (a server may
 * ignore Range, §14.2), UNSATISFIABLE when it starts past the end. */
export function parseRange(value: string, size: i32): i64 {
  const v = value.trim();
  if (!v.toLowerCase().startsWith("bytes=")) return IGNORE;
  const spec = v.substring(6).trim();
  if (spec.indexOf(",") >= 0) return IGNORE;
  const dash = spec.indexOf("-");
  if (dash < 0) return IGNORE;
  const a = spec.substring(0, dash).trim();
  const b = spec.substring(dash + 1).trim();
  if (a.length == 0) {
    // Suffix: the last N bytes.
    const n = decimal(b);
    if (n < 0) return IGNORE;
    if (n == 0 || size == 0) return UNSATISFIABLE;
    const first = n >= <i64>size ? 0 : <i64>size - n;
    return (first << 32) | <i64>(size - 1);
  }
  const first = decimal(a);
  if (first < 0) return IGNORE;
  let last: i64 = <i64>size - 1;
  if (b.length > 0) {
    const l = decimal(b);
    if (l < 0 || l < first) return IGNORE;
    if (l < last) last = l;
  }
  if (first >= <i64>size) return UNSATISFIABLE;
  return (first << 32) | last;
}

function decimal(s: string): i64 {
  if (s.length == 0 || s.length > 15) return -1;
  let n: i64 = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (<u32>d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
