// Entry for tests/http/kit.test.ts: query strings, the router and the
// JSON writer (libos/http/query.ts, router.ts, json.ts), called directly
// and, for the router, behind a real HttpServer on the harness's TCP.
import { Limits } from "../../../libos/net/index";
import { Stack } from "../../../libos/stack/index";
import { TcpConfig, TcpLayer } from "../../../libos/net/tcp/index";
import {
  HttpConfig, HttpHandler, HttpRequest, HttpResponse, HttpServer, BytesSource, parseRequest,
  QueryParams, QueryError, queryErrorText, pathOf, RouteHandler, RouteParams, Router, JsonWriter, jsonErrorText,
} from "../../../libos/http/index";
import { memoryLimit, step } from "../../../libos/platform/index";
import { inputBytes, setOutput } from "../../harness/as/io";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";

// ---- query strings

/** `s` prefixed by its length, so that any text reads back unambiguously. */
function framed(s: string): string {
  return s.length.toString() + ":" + s;
}

/** "E<code>" on error, else "N<count>" then each pair, framed. */
function describe(q: QueryParams, e: i32): string {
  if (e != 0) return "E" + e.toString();
  let out = "N" + q.count.toString();
  for (let i = 0; i < q.count; i++) out += framed(q.nameAt(i)) + framed(q.valueAt(i));
  return out;
}

const params = new QueryParams(8);

export function query(target: string): string {
  return describe(params, params.parse(target));
}

/** Every record of the input (u16 length, then bytes) parsed as a form
 * body; the descriptions, each framed. */
export function queryForms(): string {
  const b = inputBytes();
  let out = "";
  for (let at = 0; at + 2 <= b.byteLength;) {
    const n = <i32>b[at] | <i32>b[at + 1] << 8;
    const rec = b.subarray(at + 2, at + 2 + n);
    out += framed(describe(params, params.parseForm(rec)));
    at += 2 + n;
  }
  return out;
}

/** Each string in `targets` (separated by U+FFFF, which the test never
 * puts inside one) through parse(); the descriptions, framed. */
export function queryTargets(targets: string): string {
  const list = targets.split("\uFFFF");
  let out = "";
  for (let i = 0; i < list.length; i++) out += framed(describe(params, params.parse(list[i])));
  return out;
}

/** The query's lookups: get, getAll, has and names, one per line. */
export function queryLookups(target: string, name: string): string {
  params.parse(target);
  const v = params.get(name);
  return (v === null ? "null" : "=" + v) + "\n" + params.getAll(name).join(",") + "\n" +
    (params.has(name) ? "has" : "not") + "\n" + params.names().join(",");
}

export function path(target: string): string {
  return pathOf(target);
}

// ---- the router

class Say extends RouteHandler {
  constructor(readonly what: string) { super(); }
  handle(req: HttpRequest, res: HttpResponse, params: RouteParams): void {
    let text = this.what;
    for (let i = 0; i < params.count; i++) text += " " + params.nameAt(i) + "=" + params.valueAt(i);
    res.header("X-Route", this.what);
    res.sendText(this.what == "add" ? 201 : 200, text + "\n");
  }
}

/** Answers a form body's pairs, or 400 with the reason it was refused. */
class FormEcho extends RouteHandler {
  handle(req: HttpRequest, res: HttpResponse, params: RouteParams): void {
    const body = req.body;
    const form = new QueryParams();
    const e = form.parseForm(body === null ? new Uint8Array(0) : body);
    if (e != QueryError.None) {
      res.sendText(400, queryErrorText(e) + "\n");
      return;
    }
    let text = "form";
    for (let i = 0; i < form.count; i++) text += " " + form.nameAt(i) + "=" + form.valueAt(i);
    res.sendText(200, text + "\n");
  }
}

class Fallback extends HttpHandler {
  handle(req: HttpRequest, res: HttpResponse): void {
    res.sendText(200, "fallback " + req.target + "\n");
  }
}

/** The test's routes; `withFallback` sends unknown paths to Fallback. */
function makeRouter(withFallback: bool): Router {
  const r = new Router();
  r.get("/", new Say("root"))
    .get("/users", new Say("list"))
    .post("/users", new Say("add"))
    .get("/users/me", new Say("me"))
    .get("/users/:id", new Say("show"))
    .put("/users/:id", new Say("replace"))
    .delete("/users/:id", new Say("remove"))
    .route("PATCH", "/users/:id", new Say("patch"))
    .get("/users/:id/posts/:post", new Say("post"))
    .get("/files/*", new Say("files"))
    .route("HEAD", "/probe", new Say("probe-head"))
    .get("/probe", new Say("probe-get"))
    .get("/a+b", new Say("plus"))
    .post("/form", new FormEcho());
  if (withFallback) r.fallback = new Fallback();
  return r;
}

const routers: Router[] = [makeRouter(false), makeRouter(true)];

/** Adds one route to a fresh router: a bad pattern stops the image. */
export function addRoute(method: string, pattern: string): void {
  new Router().route(method, pattern, new Say("x"));
}
const httpConfig = new HttpConfig();
const req = new HttpRequest(httpConfig.maxHeaders);
const res = new HttpResponse(2048);

/** The input bytes parsed as a request and handed to router `which`:
 * "STATUS" and the application's fields and body, as the server would
 * get them; "parse STATUS" when the request itself is refused. */
export function route(which: i32): string {
  const b = inputBytes();
  const st = parseRequest(b.dataStart, b.byteLength, req, httpConfig);
  if (st != 0) return "parse " + st.toString();
  res.reset();
  routers[which].handle(req, res);
  let out = res.status.toString() + "\n" + String.UTF8.decodeUnsafe(res.fields.buf.dataStart, res.fields.length);
  const body = res.body;
  if (body instanceof BytesSource) out += "\n" + String.UTF8.decode((<BytesSource>body).bytes.slice().buffer);
  return out;
}

// ---- the router behind a real server (tests/tcp/helpers.ts boots it)

let tcp: TcpLayer | null = null;

export function boot(withFallback: i32): void {
  const stack = Stack.fromBootArguments("service", new Limits());
  tcp = new TcpLayer(stack.ip, TcpConfig.forMemory(memoryLimit()));
  stack.useTcp(tcp!);
  tcp!.listen(80, new HttpServer(makeRouter(withFallback != 0), httpConfig));
}

export function stepNow(): void { step(false); }

// ---- the JSON writer

/** A string value alone, as JSON. */
export function jsonString(s: string): string {
  return new JsonWriter().string(s).toString();
}

export function jsonFloat(v: f64): string {
  return new JsonWriter().number(v).toString();
}

export function jsonInt(v: i64): string {
  return new JsonWriter().number(v).toString();
}

export function jsonU64(v: u64): string {
  return new JsonWriter().number(v).toString();
}

/** Runs a script of writer calls, one per line: { } [ ] (begin/end),
 * "k NAME", "s TEXT", "i INT", "f FLOAT", "t", "F" (false), "n" (null).
 * Answers "ok TEXT" or "error CODE MESSAGE"; the bytes of toBytes() are
 * left for h.output(). */
export function jsonScript(script: string, maxBytes: i32): string {
  const w = new JsonWriter(maxBytes);
  const lines = script.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length == 0) continue;
    const op = l.charAt(0);
    const arg = l.length > 2 ? l.substring(2) : "";
    if (op == "{") w.beginObject();
    else if (op == "}") w.endObject();
    else if (op == "[") w.beginArray();
    else if (op == "]") w.endArray();
    else if (op == "k") w.key(arg);
    else if (op == "s") w.string(arg);
    else if (op == "i") w.number(I64.parseInt(arg));
    else if (op == "f") w.number(F64.parseFloat(arg));
    else if (op == "t") w.bool(true);
    else if (op == "F") w.bool(false);
    else if (op == "n") w.null();
    else return "bad script line " + l;
  }
  setOutput(w.toBytes());
  const e = w.error;
  return e == 0 ? "ok " + w.toString() : "error " + e.toString() + " " + jsonErrorText(e) + (w.toString().length > 0 ? " TEXT" : "");
}
