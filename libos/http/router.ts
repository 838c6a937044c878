// A request router: method + path pattern → handler object (AssemblyScript
// has no closures, so a route's code is a RouteHandler subclass).
//
//   const router = new Router();
//   router.get("/users/:id", new ShowUser()).post("/users", new AddUser());
//   router.get("/static/*", new Files());
//   new HttpServer(router).listen(tcp, 80);
//
// Patterns are '/'-separated segments: a literal ("users"), a parameter
// (":id", any non-empty segment), or a last "*" (one or more remaining
// segments, possibly one empty: "/static/*" takes "/static/" and
// "/static/a/b", not "/static"). Segments are matched after %-decoding
// (RFC 3986 §2.1), one by one, so an encoded '/' ("%2F") stays inside its
// segment; a path whose escapes do not decode to UTF-8 is answered 400.
// No dot-segment removal: "/a/../b" is three segments.
//
// The first route, in the order added, whose method and path match is
// called. A GET route also serves HEAD (RFC 9110 §9.3.2; the server drops
// the body) unless a HEAD route matches. A path that some route matches
// with another method is answered 405 with an Allow field listing the
// methods that would work (RFC 9110 §15.5.6); a path no route matches
// goes to `fallback`, or is answered 404.
import { HttpHandler } from "./server";
import { HttpRequest } from "./request";
import { HttpResponse } from "./response";
import { decodeComponent, pathOf } from "./query";

/** A route's code. `params` holds what its pattern's parameters matched. */
export abstract class RouteHandler {
  abstract handle(req: HttpRequest, res: HttpResponse, params: RouteParams): void;
}

/** The decoded segments a route's parameters matched, by name ("id" for
 * ":id", "*" for the wildcard: the rest of the path, segments joined by
 * '/'). A fresh object per request: a handler may keep it. */
export class RouteParams {
  private readonly keys: string[] = [];
  private readonly values: string[] = [];

  /** The value of parameter `name`, or null when the pattern has none. */
  get(name: string): string | null {
    const i = this.keys.indexOf(name);
    return i < 0 ? null : unchecked(this.values[i]);
  }

  get count(): i32 {
    return this.keys.length;
  }

  nameAt(i: i32): string { return this.keys[i]; }
  valueAt(i: i32): string { return this.values[i]; }

  add(name: string, value: string): void {
    this.keys.push(name);
    this.values.push(value);
  }
}

const LITERAL: u8 = 0;
const PARAM: u8 = 1;
const REST: u8 = 2;

class Route {
  /** Per segment: its kind, and the literal text or parameter name. */
  readonly kinds: u8[] = [];
  readonly texts: string[] = [];

  constructor(readonly method: string, pattern: string, readonly handler: RouteHandler) {
    if (method.length == 0) throw new Error("Router: a route needs a method, e.g. \"GET\"");
    if (!pattern.startsWith("/")) throw new Error("Router: pattern '" + pattern + "' must start with '/'");
    const parts = pattern.substring(1).split("/");
    for (let i = 0; i < parts.length; i++) {
      const s = parts[i];
      if (s == "*") {
        if (i != parts.length - 1) throw new Error("Router: in '" + pattern + "', '*' may only be the last segment");
        this.push(REST, "*");
      } else if (s.startsWith(":")) {
        const name = s.substring(1);
        if (name.length == 0) throw new Error("Router: in '" + pattern + "', a ':' needs a name, e.g. ':id'");
        if (this.texts.includes(name)) throw new Error("Router: in '" + pattern + "', ':" + name + "' appears twice");
        this.push(PARAM, name);
      } else {
        this.push(LITERAL, s);
      }
    }
  }

  private push(kind: u8, text: string): void {
    this.kinds.push(kind);
    this.texts.push(text);
  }

  /** The parameters when `segments` (decoded) match, else null. */
  match(segments: string[]): RouteParams | null {
    const n = this.kinds.length;
    const last = n > 0 && unchecked(this.kinds[n - 1]) == REST;
    if (last ? segments.length < n : segments.length != n) return null;
    for (let i = 0; i < n; i++) {
      const kind = unchecked(this.kinds[i]);
      if (kind == LITERAL && unchecked(segments[i]) != unchecked(this.texts[i])) return null;
      if (kind == PARAM && unchecked(segments[i]).length == 0) return null;
    }
    const params = new RouteParams();
    for (let i = 0; i < n; i++) {
      const kind = unchecked(this.kinds[i]);
      if (kind == PARAM) params.add(unchecked(this.texts[i]), unchecked(segments[i]));
      else if (kind == REST) params.add("*", segments.slice(i).join("/"));
    }
    return params;
  }
}

export class Router extends HttpHandler {
  private readonly routes: Route[] = [];
  /** Called for a path no route matches; null: 404. */
  fallback: HttpHandler | null = null;

  get(pattern: string, h: RouteHandler): Router { return this.route("GET", pattern, h); }
  post(pattern: string, h: RouteHandler): Router { return this.route("POST", pattern, h); }
  put(pattern: string, h: RouteHandler): Router { return this.route("PUT", pattern, h); }
  delete(pattern: string, h: RouteHandler): Router { return this.route("DELETE", pattern, h); }

  /** Add a route for `method` (case-sensitive, RFC 9110 §9.1). A bad
   * pattern stops the image with a message saying what is wrong: it is
   * the app's bug, found at its first start. */
  route(method: string, pattern: string, h: RouteHandler): Router {
    this.routes.push(new Route(method, pattern, h));
    return this;
  }

  handle(req: HttpRequest, res: HttpResponse): void {
    const path = pathOf(req.target);
    if (!path.startsWith("/")) { // "*" (OPTIONS), authority form
      this.notFound(req, res);
      return;
    }
    const segments = path.substring(1).split("/");
    for (let i = 0; i < segments.length; i++) {
      const d = decodeComponent(unchecked(segments[i]));
      if (d === null) {
        res.sendText(400, "Bad Request: the path's %-escapes are malformed or not UTF-8\n");
        return;
      }
      unchecked(segments[i] = d);
    }
    const head = req.isMethod("HEAD");
    let asHead: Route | null = null;
    let asHeadParams: RouteParams | null = null;
    const allowed = new Array<string>();
    for (let i = 0; i < this.routes.length; i++) {
      const route = unchecked(this.routes[i]);
      const params = route.match(segments);
      if (params === null) continue;
      if (req.isMethod(route.method)) {
        route.handler.handle(req, res, params);
        return;
      }
      if (head && asHead === null && route.method == "GET") {
        asHead = route;
        asHeadParams = params;
      }
      allow(allowed, route.method);
      if (route.method == "GET") allow(allowed, "HEAD");
    }
    if (asHead !== null) {
      asHead.handler.handle(req, res, asHeadParams!);
      return;
    }
    if (allowed.length > 0) {
      res.header("Allow", allowed.join(", "));
      res.sendText(405, "Method Not Allowed: " + allowed.join(", ") + " only\n");
      return;
    }
    this.notFound(req, res);
  }

  private notFound(req: HttpRequest, res: HttpResponse): void {
    const f = this.fallback;
    if (f !== null) f.handle(req, res);
    else res.sendText(404, "Not Found\n");
  }
}

function allow(list: string[], method: string): void {
  if (!list.includes(method)) list.push(method);
}
