// libos/http — an HTTP/1.1 server (RFC 9110, RFC 9112) over any Flow
// (libos/flow): TCP, TLS over TCP, a pipe. Nothing here knows TCP.
//
// This layer promises:
// - Requests parsed strictly and in place (parser.ts): limits on the
//   request line (414), the header section and the number of fields
//   (431), the body (413); malformed requests are 400, unknown transfer
//   codings 501, other HTTP versions 505; request smuggling shapes
//   (Transfer-Encoding with Content-Length, conflicting Content-Lengths,
//   a missing, repeated or malformed Host) are refused (framing.ts), and
//   expectations other than 100-continue are 417. Every error closes the
//   connection, a 400 (or 408, 413, 414, 431) that a handler answers too;
//   a start that cannot be a request (a TLS ClientHello, junk) is refused
//   as soon as it arrives.
// - Persistent connections and pipelining, answered in order; HEAD;
//   Connection: close; Date on every response; Content-Length and chunked
//   request bodies.
// - Responses streamed with backpressure (server.ts): the body comes from
//   a BodySource that fills a window of the flow's send buffer as it
//   drains, so a large response is never held whole in memory, and a
//   client that does not read cannot make the server buffer more.
// - Asynchronous answers: a handler may answer after it returns (after a
//   timer, a DNS lookup, a backend connection); order is kept for
//   pipelined requests; one that never answers gets 503 at the request
//   timeout.
// - Timeouts for slow requests (408), idle connections and stalled
//   responses (no bytes acknowledged for sendTimeout).
// - An access log line per request when --log=info is given.
// - What apps otherwise rewrite: Router (router.ts) dispatches on method
//   + path pattern (literal, :param, trailing *), GET serving HEAD, 405
//   with Allow, 404 or a fallback; QueryParams (query.ts) reads a target's
//   query or a form body strictly (a bad %-escape, non-UTF-8, too many
//   pairs: an error value) and pathOf() gives a target's path; JsonWriter
//   (json.ts) builds RFC 8259 text with commas, escapes and misuse checks:
//   res.sendText(200, w.toString(), "application/json").
//
// An app:
//   class Hello extends HttpHandler {
//     handle(req: HttpRequest, res: HttpResponse): void {
//       res.sendText(200, "hello from " + req.target + "\n");
//     }
//   }
//   stack.tcp.listen(80, new HttpServer(new Hello()));
//
// Later answers keep `res` (copy from `req` what they need: `req` is
// valid only during `handle`):
//   class Later extends Timer {
//     constructor(readonly res: HttpResponse) { super(); }
//     fire(t: i64): void { if (!this.res.abandoned) this.res.sendText(200, "later\n"); }
//   }
//   handle(req, res) { new Later(res).armAfter(50 * MILLISECOND); }
//
// Not supported: HTTP/2 and /3, Upgrade, CONNECT tunnels, trailers (read
// and dropped), request bodies larger than the TCP receive buffer.
export { HttpServer, HttpHandler } from "./server";
export { HttpRequest, Version } from "./request";
export { HttpResponse, BodySource, BytesSource, HeadWriter, ResponseSink, reasonPhrase } from "./response";
export { HttpConfig } from "./config";
export { HttpCounters } from "./counters";
export { HttpClock, formatHttpDate, parseHttpDate } from "./date";
export { parseRequest, findHeadEnd, COMPLETE, INCOMPLETE } from "./parser";
export { decideFraming } from "./framing";
export { ChunkedDecoder } from "./chunked";
export { QueryParams, QueryError, queryErrorText, pathOf, decodeComponent, validUtf8 } from "./query";
export { Router, RouteHandler, RouteParams } from "./router";
export { JsonWriter, JsonError, jsonErrorText } from "./json";
