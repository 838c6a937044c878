// HTTPS extras of the website: a handler for port 80 that sends every
// request to the HTTPS site (301, RFC 9110 §15.4.2), and one that adds
// Strict-Transport-Security (RFC 6797 §6.1) to the HTTPS answers.
import { HttpHandler, HttpRequest, HttpResponse } from "../../libos/http/index";

/** Whether a Host value is a plain host name or address, maybe with a port
 * (RFC 9110 §7.2), so it is safe to put in a Location. */
function plainHost(host: string): bool {
  if (host.length == 0 || host.length > 255) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const ok = (c >= 48 && c <= 58) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 46 || c == 91 || c == 93;
    if (!ok) return false;
  }
  return true;
}

/** The host without its port (an IPv6 literal keeps its brackets). */
function withoutPort(host: string): string {
  const close = host.lastIndexOf("]");
  const colon = host.lastIndexOf(":");
  return colon > close ? host.substring(0, colon) : host;
}

export class RedirectToHttps extends HttpHandler {
  constructor(readonly httpsPort: i32) { super(); }

  handle(req: HttpRequest, res: HttpResponse): void {
    const host = req.header("host");
    const target = req.target;
    if (host === null || !plainHost(host) || !target.startsWith("/")) {
      res.sendText(400, "400 Bad Request\n");
      return;
    }
    const port = this.httpsPort == 443 ? "" : ":" + this.httpsPort.toString();
    const location = "https://" + withoutPort(host) + port + target;
    if (location.length + 64 > res.fields.buf.byteLength - res.fields.length) {
      res.sendText(414, "414 URI Too Long\n");
      return;
    }
    res.header("Location", location);
    res.sendText(301, "301 Moved Permanently\n");
  }
}

export class WithHsts extends HttpHandler {
  constructor(readonly inner: HttpHandler, readonly maxAge: i64) { super(); }

  handle(req: HttpRequest, res: HttpResponse): void {
    res.header("Strict-Transport-Security", "max-age=" + this.maxAge.toString());
    this.inner.handle(req, res);
  }
}

/** X-Content-Type-Options: nosniff (Fetch standard §3.5) on the HTTPS
 * answers: every file goes out with the type its name gives (mime.ts), so
 * a browser must not guess another, say run an uploaded text file as a
 * script. testssl.sh rates a site with no such security header MEDIUM. */
export class WithNoSniff extends HttpHandler {
  constructor(readonly inner: HttpHandler) { super(); }

  handle(req: HttpRequest, res: HttpResponse): void {
    res.header("X-Content-Type-Options", "nosniff");
    this.inner.handle(req, res);
  }
}
