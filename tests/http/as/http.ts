// Entry for tests/http/*.test.ts: the stack, TCP and an HTTP server on the
// harness's "service" device, serving either the website's handler over
// the harness's assets or a small test handler, with the hooks the TCP
// conversation helpers call (tests/tcp/helpers.ts).
import { Limits } from "../../../libos/net/index";
import { Stack } from "../../../libos/stack/index";
import { TcpLayer, TcpConfig } from "../../../libos/net/tcp/index";
import { HttpConfig, HttpHandler, HttpRequest, HttpResponse, HttpServer } from "../../../libos/http/index";
import { Flow, FlowHandler, PipeEnd, pipePair } from "../../../libos/flow/index";
import { IpAddress, IpEndpoint } from "../../../libos/wire/index";
import { MILLISECOND, Timer, step, memoryLimit } from "../../../libos/platform/index";
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

/** Answers later: "/later/N" after N ms of the fake clock, "/never"
 * never; anything else at once. The answer names the target, so that
 * the order of pipelined answers shows. */
class Later extends Timer {
  constructor(readonly res: HttpResponse, readonly text: string) { super(); }
  fire(time: i64): void {
    if (!this.res.abandoned) this.res.sendText(200, this.text);
  }
}

class Async extends HttpHandler {
  handle(req: HttpRequest, res: HttpResponse): void {
    const target = req.target; // copied: req is valid only during handle
    if (target == "/never") return;
    if (target.startsWith("/later/")) {
      const ms = I64.parseInt(target.substring(7), 10);
      new Later(res, "answered " + target + "\n").armAfter(ms * MILLISECOND);
      return;
    }
    res.sendText(200, "answered " + target + "\n");
  }
}

function handlerOf(kind: i32): HttpHandler {
  if (kind == 0) return new WebsiteHandler(Site.load());
  if (kind == 1) return new Describe();
  return new Async();
}

/** kind 0: the website over the harness's assets; 1: Describe; 2: Async. */
export function boot(kind: i32): void {
  stack = Stack.fromBootArguments("service", new Limits());
  tcp = new TcpLayer(stack!.ip, cfg());
  stack!.useTcp(tcp!);
  server = new HttpServer(handlerOf(kind), httpConfig);
  tcp!.listen(80, server!);
}

// ---- the same server over an in-memory pipe (no TCP, no stack)
let client: PipeEnd | null = null;
let clientGot = "";
let clientClosed = false;

class Client extends FlowHandler {
  readable(f: Flow): void {
    const d = f.received();
    clientGot += String.UTF8.decode(d.slice().buffer);
    f.consume(d.byteLength);
  }
  peerClosed(f: Flow): void { clientClosed = true; }
  closed(f: Flow, reason: i32): void { clientClosed = true; }
}

/** An HttpServer of `kind` serving one end of a pipe of `capacity` bytes
 * each way; the test writes and reads the other end. */
export function bootPipe(kind: i32, capacity: i32): void {
  server = new HttpServer(handlerOf(kind), httpConfig);
  const ends = pipePair(capacity, new IpEndpoint(IpAddress.v4(0x0a000002), 40000), new IpEndpoint(IpAddress.v4(0x0a000001), 80));
  client = ends[0];
  client!.handler = new Client();
  server!.serve(ends[1]);
}

/** Write the input bytes from the pipe's client end; how many it took. */
export function pipeWrite(): i32 {
  return client!.write(inputBytes());
}

/** What the client end received so far (and forget it). */
export function pipeTake(): string {
  const s = clientGot;
  clientGot = "";
  return s;
}

export function pipeClosed(): bool { return clientClosed; }
export function pipeShutdown(): void { client!.shutdown(); }

export function stepNow(): void { step(false); }

export function counters(): string {
  return "tcp" + tcp!.counters.list() + "\nhttp" + server!.counters.list() + "\n";
}

export function layerInfo(): string {
  const t = tcp!;
  return "active=" + t.active.toString() + " timeWait=" + t.timeWait.toString() +
    " rcvPoolInUse=" + t.rcvPool.inUse.toString() + " sndPoolInUse=" + t.sndPool.inUse.toString() +
    " open=" + server!.counters.open.toString();
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
