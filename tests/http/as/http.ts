// Entry for tests/http/*.test.ts: the stack, TCP and an HTTP server on the
// harness's "service" device, serving either the website's handler over
// the harness's assets or a small test handler, with the hooks the TCP
// conversation helpers call (tests/tcp/helpers.ts).
import { Stack, Limits } from "../../../libos/net/index";
import { TcpLayer, TcpConfig } from "../../../libos/net/tcp/index";
import { HttpConfig, HttpHandler, HttpRequest, HttpResponse, HttpServer } from "../../../libos/http/index";
import { step, memoryLimit } from "../../../libos/platform/index";
import { WebsiteHandler } from "../../../apps/website/handler";
import { Site } from "../../../apps/website/site";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";

let config: TcpConfig | null = null;
const httpConfig = new HttpConfig();
let stack: Stack | null = null;
let tcp: TcpLayer | null = null;
let server: HttpServer | null = null;

function cfg(): TcpConfig {
  if (config === null) config = TcpConfig.forMemory(memoryLimit());
  return config!;
}

/** TCP and HTTP limits, before boot(); false for an unknown name. */
export function setConfig(name: string, value: i64): bool {
  const c = cfg();
  const h = httpConfig;
  if (name == "rcvBuf") c.rcvBuf = <i32>value;
  else if (name == "sndBuf") c.sndBuf = <i32>value;
  else if (name == "maxConnections") c.maxConnections = <i32>value;
  else if (name == "maxRequestLine") h.maxRequestLine = <i32>value;
  else if (name == "maxHeaderBytes") h.maxHeaderBytes = <i32>value;
  else if (name == "maxHeaders") h.maxHeaders = <i32>value;
  else if (name == "maxBody") h.maxBody = <i32>value;
  else if (name == "requestTimeout") h.requestTimeout = value;
  else if (name == "idleTimeout") h.idleTimeout = value;
  else if (name == "sendTimeout") h.sendTimeout = value;
  else if (name == "maxRequests") h.maxRequests = <i32>value;
  else return false;
  return true;
}

/** Describes each request: "METHOD TARGET vVERSION body=N" plus the
 * fields it was asked to show, as a text/plain body. */
class Describe extends HttpHandler {
  handle(req: HttpRequest, res: HttpResponse): void {
    let text = req.method + " " + req.target + " v" + (req.version == 0 ? "1.0" : "1.1");
    const body = req.body;
    text += " body=" + (body === null ? "0" : body.byteLength.toString());
    if (body !== null && body.byteLength <= 64) text += " [" + String.UTF8.decode(body.slice().buffer) + "]";
    for (let i = 0; i < req.count; i++) text += "\n" + String.UTF8.decodeUnsafe(req.base + <usize>req.nameAt[i], req.nameLen[i]) + "=" + req.value(i);
    res.sendText(200, text + "\n");
  }
}

/** kind 0: the website over the harness's assets; 1: Describe. */
export function boot(kind: i32): void {
  stack = Stack.fromBootArguments("service", new Limits());
  tcp = new TcpLayer(stack!.ipv4, cfg());
  const handler: HttpHandler = kind == 0 ? new WebsiteHandler(Site.load()) : new Describe();
  server = new HttpServer(handler, httpConfig);
  server!.listen(tcp!, 80);
}

export function stepNow(): void { step(false); }

export function counters(): string {
  return "tcp" + tcp!.counters.list() + "\nhttp" + server!.counters.list() + "\n";
}

export function layerInfo(): string {
  const t = tcp!;
  return "active=" + t.active.toString() + " timeWait=" + t.timeWait.toString() +
    " rcvPoolInUse=" + t.rcvPool.inUse.toString() + " sndPoolInUse=" + t.sndPool.inUse.toString() +
    " open=" + server!.open.toString();
}

export function events_(): string { return ""; }

// ---- the parser alone
import { HttpRequest, parseRequest, decideFraming, ChunkedDecoder } from "../../../libos/http/index";
import { inputBytes } from "../../harness/as/io";

/** Parse the input bytes as one request: "STATUS" for an error or
 * "incomplete", else "ok METHOD TARGET VERSION head=N fields=N
 * length=N chunked=B keepalive=B" and one "name=value" line per field. */
export function parse(): string {
  const b = inputBytes();
  const req = new HttpRequest(httpConfig.maxHeaders);
  const st = parseRequest(b.dataStart, b.byteLength, req, httpConfig);
  if (st == -1) return "incomplete";
  if (st != 0) return st.toString();
  const fr = decideFraming(req);
  if (fr != 0) return fr.toString();
  let s = "ok " + req.method + " " + req.target + " " + (req.version == 0 ? "1.0" : "1.1") + " head=" +
    req.headLen.toString() + " fields=" + req.count.toString() + " length=" + req.contentLength.toString() +
    " chunked=" + (req.chunked ? "1" : "0") + " keepalive=" + (req.keepAlive ? "1" : "0");
  for (let i = 0; i < req.count; i++) {
    s += "\n" + String.UTF8.decodeUnsafe(req.base + <usize>req.nameAt[i], req.nameLen[i]) + "=" + req.value(i);
  }
  return s;
}

/** Decode the input bytes as a chunked body, fed `piece` bytes at a time:
 * "STATUS" on error, "more" when incomplete, else "done N used=N BODY". */
export function dechunk(piece: i32): string {
  const b = inputBytes();
  const d = new ChunkedDecoder(httpConfig.maxBody, httpConfig.maxHeaderBytes);
  let at = 0;
  while (at < b.byteLength && !d.done && d.error == 0) {
    const n = min(piece, b.byteLength - at);
    const used = d.feed(b.dataStart + <usize>at, n);
    at += used;
    if (used < n && !d.done && d.error == 0) return "stuck";
  }
  if (d.error != 0) return d.error.toString();
  if (!d.done) return "more";
  return "done " + d.length.toString() + " used=" + at.toString() + " " + String.UTF8.decodeUnsafe(d.body.dataStart, d.length);
}

// ---- HTTP dates (RFC 9110 §5.6.7)
import { formatHttpDate, parseHttpDate } from "../../../libos/http/date";

/** `seconds` since the epoch as IMF-fixdate. */
export function httpDate(seconds: i64): string { return formatHttpDate(seconds); }

/** The seconds an HTTP date names, or -1; RFC 850 years placed relative
 * to `nowSeconds`. */
export function readHttpDate(s: string, nowSeconds: i64): i64 { return parseHttpDate(s, nowSeconds); }
