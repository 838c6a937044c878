/**
 * The byte-exact requests of the nginx conformance suite
 * (nginx-conformance.test.ts), each sent on a connection of its own to
 * website.hvt and to nginx serving apps/website/site. `{etag}` is the
 * ETag the same server gave for /index.html (the two servers make them
 * differently), `{date}`, `{date850}` and `{asctime}` its Last-Modified in
 * the three forms of RFC 9110 §5.6.7.
 */
export interface RawRequest {
  name: string;
  /** The bytes, before the placeholders are filled in. */
  text: string;
  /** Which of the answers were to HEAD requests (no body), by position. */
  head?: number[];
}

const H = "Host: t\r\n";
const get = (target: string, fields = "", version = "HTTP/1.1") => `GET ${target} ${version}\r\n${H}${fields}\r\n`;
const head = (target: string, fields = "") => `HEAD ${target} HTTP/1.1\r\n${H}${fields}\r\n`;
const clientHello = Buffer.from(
  "16030100c4010000c00303" + "11".repeat(32) + "20" + "22".repeat(32) + "0004130113020100" + "0073" + "00".repeat(115),
  "hex",
).toString("latin1");

export const REQUESTS: RawRequest[] = [
  // Files and directories
  { name: "GET /", text: get("/") },
  { name: "GET /index.html", text: get("/index.html") },
  { name: "HEAD /index.html", text: head("/index.html"), head: [0] },
  { name: "GET /hello.txt", text: get("/hello.txt") },
  { name: "GET /style.css", text: get("/style.css") },
  { name: "GET /images/logo.svg", text: get("/images/logo.svg") },
  { name: "GET /images/gradient.png", text: get("/images/gradient.png") },
  { name: "GET /data/numbers.json", text: get("/data/numbers.json") },
  { name: "GET /docs/tcp.html", text: get("/docs/tcp.html") },
  { name: "GET /about/", text: get("/about/") },
  { name: "HEAD /about/", text: head("/about/"), head: [0] },
  { name: "GET /about (directory without /)", text: get("/about") },
  { name: "GET /about?x=1 (directory without /, query)", text: get("/about?x=1") },
  { name: "GET /docs/ (directory without index.html)", text: get("/docs/") },
  { name: "GET /nope.html (404)", text: get("/nope.html") },
  { name: "HEAD /nope.html (404)", text: head("/nope.html"), head: [0] },
  { name: "GET gzip accepted", text: get("/index.html", "Accept-Encoding: gzip\r\n") },
  // Percent-encodings and dot segments
  { name: "GET /%68ello.txt", text: get("/%68ello.txt") },
  { name: "GET /about%2findex.html", text: get("/about%2findex.html") },
  { name: "GET /about/../hello.txt", text: get("/about/../hello.txt") },
  { name: "GET /./hello.txt", text: get("/./hello.txt") },
  { name: "GET //hello.txt", text: get("//hello.txt") },
  { name: "GET /../hello.txt", text: get("/../hello.txt") },
  { name: "GET /%2e%2e/hello.txt", text: get("/%2e%2e/hello.txt") },
  { name: "GET /%zz (bad escape)", text: get("/%zz") },
  { name: "GET /%00", text: get("/%00") },
  { name: "GET /%c0%ae%c0%ae/hello.txt (overlong UTF-8)", text: get("/%c0%ae%c0%ae/hello.txt") },
  { name: "GET /hello.txt?x=y", text: get("/hello.txt?x=y") },
  { name: "GET absolute form", text: get("http://t/hello.txt") },
  // Conditional requests (RFC 9110 §13)
  { name: "If-None-Match: its ETag", text: get("/index.html", "If-None-Match: {etag}\r\n") },
  { name: "If-None-Match: *", text: get("/index.html", "If-None-Match: *\r\n") },
  { name: "If-None-Match: another", text: get("/index.html", "If-None-Match: \"xyz\"\r\n") },
  { name: "If-Modified-Since: IMF-fixdate", text: get("/index.html", "If-Modified-Since: {date}\r\n") },
  { name: "If-Modified-Since: RFC 850", text: get("/index.html", "If-Modified-Since: {date850}\r\n") },
  { name: "If-Modified-Since: asctime", text: get("/index.html", "If-Modified-Since: {asctime}\r\n") },
  { name: "If-Modified-Since: later", text: get("/index.html", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n") },
  { name: "If-Modified-Since: 1994", text: get("/index.html", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n") },
  { name: "If-Modified-Since: garbage", text: get("/index.html", "If-Modified-Since: yesterday\r\n") },
  { name: "If-None-Match another, If-Modified-Since now", text: get("/index.html", "If-None-Match: \"xyz\"\r\nIf-Modified-Since: {date}\r\n") },
  { name: "If-Match: its ETag", text: get("/index.html", "If-Match: {etag}\r\n") },
  { name: "If-Match: *", text: get("/index.html", "If-Match: *\r\n") },
  { name: "If-Match: another", text: get("/index.html", "If-Match: \"xyz\"\r\n") },
  { name: "If-Unmodified-Since: 1994", text: get("/index.html", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n") },
  { name: "If-Unmodified-Since: now", text: get("/index.html", "If-Unmodified-Since: {date}\r\n") },
  // Ranges (RFC 9110 §14)
  { name: "Range: bytes=0-9", text: get("/index.html", "Range: bytes=0-9\r\n") },
  { name: "Range: bytes=-10", text: get("/index.html", "Range: bytes=-10\r\n") },
  { name: "Range: bytes=690-", text: get("/index.html", "Range: bytes=690-\r\n") },
  { name: "Range: bytes=0-100000", text: get("/index.html", "Range: bytes=0-100000\r\n") },
  { name: "Range: bytes=5000- (past the end)", text: get("/index.html", "Range: bytes=5000-\r\n") },
  { name: "Range: bytes=10-5 (invalid)", text: get("/index.html", "Range: bytes=10-5\r\n") },
  { name: "Range: two ranges", text: get("/index.html", "Range: bytes=0-1,5-6\r\n") },
  { name: "HEAD with Range", text: head("/index.html", "Range: bytes=0-9\r\n"), head: [0] },
  { name: "If-Range: its ETag", text: get("/index.html", "Range: bytes=0-9\r\nIf-Range: {etag}\r\n") },
  { name: "If-Range: another ETag", text: get("/index.html", "Range: bytes=0-9\r\nIf-Range: \"xyz\"\r\n") },
  { name: "If-Range: its date", text: get("/index.html", "Range: bytes=0-9\r\nIf-Range: {date}\r\n") },
  // Connections (RFC 9112 §9)
  { name: "HTTP/1.0", text: "GET /hello.txt HTTP/1.0\r\n\r\n" },
  { name: "HTTP/1.0 keep-alive", text: "GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" },
  { name: "HTTP/1.1 Connection: close", text: get("/hello.txt", "Connection: close\r\n") },
  { name: "pipelined GET, HEAD, GET", text: get("/hello.txt") + head("/style.css") + get("/nope.html"), head: [1] },
  { name: "pipelined, the last closing", text: get("/hello.txt") + get("/index.html", "Connection: close\r\n") },
  { name: "Expect: 100-continue, no body", text: get("/hello.txt", "Expect: 100-continue\r\n") },
  { name: "Expect: something else", text: get("/hello.txt", "Expect: teapot\r\n") },
  // Bad framing (RFC 9112 §6.1, §6.3, §3.2)
  { name: "Transfer-Encoding and Content-Length", text: `POST /hello.txt HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n` },
  { name: "two Content-Lengths", text: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab` },
  { name: "Transfer-Encoding: gzip", text: `POST /hello.txt HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n` },
  { name: "no Host", text: "GET /hello.txt HTTP/1.1\r\n\r\n" },
  { name: "two Hosts", text: `GET /hello.txt HTTP/1.1\r\n${H}${H}\r\n` },
  { name: "Host: a b", text: "GET /hello.txt HTTP/1.1\r\nHost: a b\r\n\r\n" },
  { name: "Host: a/b", text: "GET /hello.txt HTTP/1.1\r\nHost: a/b\r\n\r\n" },
  { name: "space before the colon", text: `GET /hello.txt HTTP/1.1\r\n${H}Accept : */*\r\n\r\n` },
  { name: "obsolete line folding", text: `GET /hello.txt HTTP/1.1\r\n${H}X-A: 1\r\n  2\r\n\r\n` },
  // Methods (RFC 9110 §9)
  { name: "POST", text: `POST /hello.txt HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` },
  { name: "PUT", text: `PUT /hello.txt HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` },
  { name: "DELETE", text: `DELETE /hello.txt HTTP/1.1\r\n${H}\r\n` },
  { name: "OPTIONS", text: `OPTIONS /hello.txt HTTP/1.1\r\n${H}\r\n` },
  { name: "TRACE", text: `TRACE /hello.txt HTTP/1.1\r\n${H}\r\n` },
  { name: "an unknown method", text: `BREW /hello.txt HTTP/1.1\r\n${H}\r\n` },
  { name: "chunked, a size with leading zeros", text: `POST /hello.txt HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0000000000000000000003\r\nabc\r\n0\r\n\r\n` },
  // Spellings of the request line and fields (RFC 9112 §2.2, §3)
  { name: "bare LF line ends", text: "GET /hello.txt HTTP/1.1\nHost: t\n\n" },
  { name: "an empty line before the request", text: `\r\n${get("/hello.txt")}` },
  { name: "two spaces after the method", text: `GET  /hello.txt HTTP/1.1\r\n${H}\r\n` },
  { name: "a lower-case method", text: `get /hello.txt HTTP/1.1\r\n${H}\r\n` },
  { name: "GET * (asterisk form)", text: get("*") },
  { name: "a fragment in the target", text: get("/hello.txt#top") },
  { name: "absolute form naming another host", text: get("http://other.example/hello.txt") },
  { name: "a header section of 20000 bytes", text: get("/hello.txt", `X-Big: ${"b".repeat(20000)}\r\n`) },
  { name: "HTTP/1.0 HEAD", text: "HEAD /hello.txt HTTP/1.0\r\n\r\n", head: [0] },
  // Request lines that cannot be served
  { name: "a request line of 9000 bytes", text: get(`/${"a".repeat(9000)}`) },
  { name: "HTTP/2.0", text: get("/hello.txt", "", "HTTP/2.0") },
  { name: "HTTP/1.x garbage version", text: get("/hello.txt", "", "HTTQ/1.1") },
  { name: "a TLS ClientHello", text: clientHello },
];
