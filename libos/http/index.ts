// libos/http — an HTTP/1.1 server (RFC 9110, RFC 9112) over libos/net/tcp.
//
// This layer promises:
// - Requests parsed strictly and in place (parser.ts): limits on the
//   request line (414), the header section and the number of fields
//   (431), the body (413); malformed requests are 400, unknown transfer
//   codings 501, other HTTP versions 505; request smuggling shapes
//   (Transfer-Encoding with Content-Length, conflicting Content-Lengths,
//   a missing, repeated or malformed Host) are refused (framing.ts), and
//   expectations other than 100-continue are 417. Every error closes the
//   connection.
// - Persistent connections and pipelining, answered in order; HEAD;
//   Connection: close; Date on every response; Content-Length and chunked
//   request bodies.
// - Responses streamed with backpressure (server.ts): the body comes from
//   a BodySource that writes straight into the TCP send buffer as it
//   drains, so a large response is never held whole in memory, and a
//   client that does not read cannot make the server buffer more.
// - Timeouts for slow requests (408), idle connections and stalled
//   responses.
//
// An app:
//   class Hello extends HttpHandler {
//     handle(req: HttpRequest, res: HttpResponse): void {
//       res.sendText(200, "hello from " + req.target + "\n");
//     }
//   }
//   new HttpServer(new Hello()).listen(tcp, 80);
//
// Not supported: HTTP/2 and /3, Upgrade, CONNECT tunnels, trailers (read
// and dropped), request bodies larger than the TCP receive buffer.
export { HttpServer, HttpHandler } from "./server";
export { HttpRequest, Version } from "./request";
export { HttpResponse, BodySource, BytesSource, HeadWriter, reasonPhrase } from "./response";
export { HttpConfig } from "./config";
export { HttpCounters } from "./counters";
export { HttpClock, formatHttpDate, parseHttpDate } from "./date";
export { parseRequest, findHeadEnd, COMPLETE, INCOMPLETE } from "./parser";
export { decideFraming } from "./framing";
export { ChunkedDecoder } from "./chunked";
