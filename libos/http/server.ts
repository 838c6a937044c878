// The HTTP/1.1 server: one HttpConnection per TCP connection, reading
// requests from the bytes TCP holds, handing each complete request to the
// application's HttpHandler, and writing its response with backpressure.
//
// - Persistent connections and pipelining (RFC 9112 §9.3): requests are
//   answered one at a time, in order; the next is parsed only once the
//   previous response is in the send buffer, and only when there is room
//   for a response head, so a client that sends faster than it reads
//   fills its own TCP window, not our memory.
// - Bodies: Content-Length and chunked (RFC 9112 §6, §7), both kept in
//   the receive buffer until complete (chunked decoded on the way), at
//   most `maxBody` bytes and never more than the receive buffer: 413.
// - Errors (400, 408, 413, 414, 431, 501, 505) are answered and the
//   connection closed (RFC 9112 §9.6: the framing can no longer be
//   trusted). A closing connection drops what else arrives, without RST.
// - Timeouts: a request must arrive within `requestTimeout` of its first
//   byte (408), an idle persistent connection is closed after
//   `idleTimeout`, a response that makes no progress for `sendTimeout` is
//   aborted.
import { Timer, now } from "../platform/index";
import { CloseReason, TcpConnection, TcpHandler, TcpLayer, TcpListenHandler, TcpListener } from "../net/tcp/index";
import { ChunkedDecoder } from "./chunked";
import { HttpConfig } from "./config";
import { HttpClock } from "./date";
import { decideFraming } from "./framing";
import { COMPLETE, INCOMPLETE, findHeadEnd, parseRequest } from "./parser";
import { HttpRequest, Version } from "./request";
import { BodySource, HeadWriter, HttpResponse, reasonPhrase } from "./response";
import { HttpCounters } from "./counters";

/** The application: one call per request. It must answer (res.send…)
 * before it returns; it may read `req` only during the call. */
export abstract class HttpHandler {
  abstract handle(req: HttpRequest, res: HttpResponse): void;
}

/** Room kept free in the send buffer before a request is taken: a head
 * is written whole. */
const HEAD_MAX = 4096;

/** No request begun (the clock may read 0 at boot). */
const NONE: i64 = -1;

const READING = 0;
const SENDING = 1;
const CLOSED = 2;

export class HttpServer extends TcpListenHandler {
  readonly counters: HttpCounters = new HttpCounters();
  readonly clock: HttpClock = new HttpClock();
  /** Shared by all connections: requests are handled one at a time. */
  readonly req: HttpRequest;
  readonly res: HttpResponse;
  readonly head: HeadWriter = new HeadWriter(HEAD_MAX);
  /** Connections open now. */
  open: i32 = 0;
  listener: TcpListener | null = null;

  constructor(readonly handler: HttpHandler, readonly config: HttpConfig = new HttpConfig()) {
    super();
    this.req = new HttpRequest(config.maxHeaders);
    this.res = new HttpResponse(HEAD_MAX - 512);
  }

  /** Serve on `port`; false if the port is taken. */
  listen(tcp: TcpLayer, port: u16): bool {
    this.listener = tcp.listen(port, this);
    return this.listener !== null;
  }

  accept(c: TcpConnection): TcpHandler | null {
    this.open++;
    this.counters.connections++;
    return new HttpConnection(this, c);
  }
}

class HttpTimer extends Timer {
  constructor(readonly conn: HttpConnection) { super(); }
  fire(time: i64): void { this.conn.timeout(time); }
}

class HttpConnection extends TcpHandler {
  private state: i32 = READING;
  private readonly timer!: HttpTimer;
  /** When the request being read began (NONE: none begun). */
  private requestStart: i64 = NONE;
  /** When something last happened (idle and send timeouts). */
  private lastActivity: i64 = 0;
  /** How far the head was searched for its end. */
  private scanned: i32 = 0;
  /** Bytes of the request before its body, once parsed (0: not yet). */
  private headLen: i32 = 0;
  private chunks: ChunkedDecoder | null = null;
  /** Raw body bytes fed to the chunked decoder. */
  private fed: i32 = 0;
  private served: i32 = 0;
  private keepAlive: bool = true;
  /** The peer sent its FIN: close once what it sent is answered. */
  private peerDone: bool = false;
  private headOnly: bool = false;
  private body: BodySource | null = null;
  private left: i64 = 0;

  constructor(readonly server: HttpServer, readonly c: TcpConnection) {
    super();
    this.timer = new HttpTimer(this);
    this.lastActivity = now();
    this.timer.armAfter(server.config.idleTimeout);
  }

  readable(c: TcpConnection): void {
    this.lastActivity = now();
    if (this.state == READING) this.serve();
  }

  writable(c: TcpConnection): void {
    this.lastActivity = now();
    if (this.state == SENDING) this.pump();
    if (this.state == READING) this.serve();
  }

  peerClosed(c: TcpConnection): void {
    // No more requests will come, but those already in are answered
    // (pipelined ahead of the FIN); then the connection closes.
    this.peerDone = true;
    if (this.state == READING) this.serve();
  }

  closed(c: TcpConnection, reason: CloseReason): void {
    if (this.state != CLOSED) this.state = CLOSED;
    this.timer.cancel();
    this.body = null;
    this.chunks = null;
    this.server.open--;
    if (reason != CloseReason.Normal) this.server.counters.closedAbnormally++;
  }

  /** Answer every complete request that is in, while there is room;
   * close when the peer is done and nothing complete is left. */
  private serve(): void {
    const blocked = this.serveRequests();
    if (this.peerDone && this.state == READING && !blocked) {
      this.state = CLOSED;
      this.timer.cancel();
      this.c.close();
    }
  }

  /** True when it stopped for want of send space (with more to answer). */
  private serveRequests(): bool {
    const server = this.server;
    const config = server.config;
    const c = this.c;
    while (this.state == READING) {
      if (c.sendSpace < HEAD_MAX) {
        c.wantWritable = true;
        return c.unread > 0;
      }
      const data = c.received();
      const n = data.byteLength;
      if (n == 0) return false;
      if (this.requestStart == NONE) {
        this.requestStart = now();
        this.rearm();
      }
      const req = server.req;
      if (this.headLen == 0) {
        const end = findHeadEnd(data.dataStart, n, this.scanned - 3);
        if (end < 0) {
          // Parse only once the head is complete, or can no longer be
          // (parsing each piece of a trickle would cost O(n²)).
          this.scanned = n;
          if (n > config.maxRequestLine + config.maxHeaderBytes || n == c.rcv!.capacity) {
            const e = parseRequest(data.dataStart, n, req, config);
            this.fail(e > 0 ? e : 431);
          }
          return false;
        }
        const st = parseRequest(data.dataStart, n, req, config);
        if (st == INCOMPLETE) return false;
        if (st != COMPLETE) {
          this.fail(st);
          return false;
        }
        const fr = decideFraming(req);
        if (fr != 0) {
          this.fail(fr);
          return false;
        }
        if (req.contentLength > <i64>config.maxBody ||
          <i64>req.headLen + req.contentLength > <i64>c.rcv!.capacity) {
          this.fail(413);
          return false;
        }
        this.headLen = req.headLen;
        this.fed = 0;
        if (req.chunked) this.chunks = new ChunkedDecoder(config.maxBody, config.maxHeaderBytes);
        if (req.isMethod("GET") || req.isMethod("HEAD")) {
          // Expect: 100-continue has no meaning without a body (RFC 9110 §10.1.1).
        } else if (req.find("expect") >= 0 && (req.chunked || req.contentLength > 0)) {
          this.writeContinue();
        }
      } else {
        // Re-parse the head in place (the buffer may have moved).
        parseRequest(data.dataStart, n, req, config);
        decideFraming(req);
      }
      // The body, if any, must be in too.
      let raw: i32 = 0;
      if (req.chunked) {
        const d = this.chunks!;
        const got = d.feed(data.dataStart + <usize>(this.headLen + this.fed), n - this.headLen - this.fed);
        this.fed += got;
        if (d.error != 0) {
          this.fail(d.error);
          return false;
        }
        if (!d.done) {
          if (n == c.rcv!.capacity) this.fail(413);
          return false;
        }
        raw = this.fed;
        req.body = d.body.subarray(0, d.length);
      } else if (req.contentLength > 0) {
        if (<i64>(n - this.headLen) < req.contentLength) return false;
        raw = <i32>req.contentLength;
        req.body = data.subarray(this.headLen, this.headLen + raw);
      }
      this.respond(req, this.headLen + raw);
    }
    return false;
  }

  /** Hand a complete request to the application and start its response. */
  private respond(req: HttpRequest, consumed: i32): void {
    const server = this.server;
    const res = server.res;
    server.counters.requests++;
    res.reset();
    this.served++;
    const max = server.config.maxRequests;
    this.keepAlive = req.keepAlive && !(max > 0 && this.served >= max) && this.keepAlive;
    this.headOnly = req.isMethod("HEAD");
    server.handler.handle(req, res);
    if (!res.sent) res.sendText(500, "the application did not answer\n");
    if (res.close) this.keepAlive = false;
    const http10 = req.version == Version.Http10;
    const keepAliveAsked = http10 && req.keepAlive;
    // The request's bytes go only now: the handler read them in place.
    this.c.consume(consumed);
    this.headLen = 0;
    this.scanned = 0;
    this.chunks = null;
    this.requestStart = NONE;
    this.start(res, keepAliveAsked);
  }

  /** Write the head, then as much body as fits. */
  private start(res: HttpResponse, keepAliveAsked: bool): void {
    const server = this.server;
    const h = server.head;
    const status = res.status;
    h.reset();
    h.text("HTTP/1.1 ").number(status).text(" ").text(reasonPhrase(status)).crlf();
    h.field("Date", server.clock.date());
    if (server.config.serverName.length > 0) h.field("Server", server.config.serverName);
    const bodyless = status < 200 || status == 204 || status == 304;
    if (!bodyless) h.text("Content-Length: ").number(res.length < 0 ? 0 : res.length).crlf();
    if (!this.keepAlive) h.field("Connection", "close");
    else if (keepAliveAsked) h.field("Connection", "keep-alive");
    const f = res.fields;
    if (h.length + f.length + 2 > h.buf.byteLength || f.overflow) {
      // The application's fields do not fit: a bug of the application.
      h.reset();
      h.text("HTTP/1.1 500 Internal Server Error").crlf().text("Content-Length: 0").crlf()
        .field("Connection", "close").crlf();
      this.keepAlive = false;
      res.body = null;
      res.length = 0;
      server.counters.status5xx++;
    } else {
      memory.copy(h.buf.dataStart + <usize>h.length, f.buf.dataStart, f.length);
      h.length += f.length;
      h.crlf();
      countStatus(server.counters, status);
    }
    this.c.writeBytes(h.buf.dataStart, h.length);
    this.body = bodyless || this.headOnly ? null : res.body;
    this.left = this.body === null ? 0 : res.length;
    this.state = SENDING;
    this.lastActivity = now();
    this.pump();
  }

  /** Move body bytes into the send buffer as far as it has room. */
  private pump(): void {
    const body = this.body;
    if (body !== null && this.left > 0) {
      const want = this.left > <i64>0x4000_0000 ? 0x4000_0000 : <i32>this.left;
      const n = this.c.fill(body, want);
      this.left -= n;
      this.server.counters.bodyBytes += <u64>n;
      if (n > 0) this.lastActivity = now();
      if (this.left > 0) {
        this.rearm();
        return; // `writable` will call again
      }
    }
    this.body = null;
    this.finish();
  }

  /** The response is in the send buffer: next request, or close. */
  private finish(): void {
    if (this.state == CLOSED) return;
    if (!this.keepAlive) {
      this.state = CLOSED;
      this.timer.cancel();
      this.c.close();
      return;
    }
    this.state = READING;
    this.lastActivity = now();
    this.rearm();
  }

  private writeContinue(): void {
    const h = this.server.head;
    h.reset();
    h.text("HTTP/1.1 100 Continue").crlf().crlf();
    this.c.writeBytes(h.buf.dataStart, h.length);
  }

  /** Answer a request that cannot be served with `status` and close. */
  private fail(status: i32): void {
    const server = this.server;
    server.counters.errors++;
    const res = server.res;
    res.reset();
    res.sendText(status, reasonPhrase(status) + "\n");
    this.keepAlive = false;
    this.headOnly = false;
    this.headLen = 0;
    this.scanned = 0;
    this.chunks = null;
    // Nothing more of this stream can be trusted: drop it all.
    this.c.consume(this.c.unread);
    this.start(res, false);
  }

  /** Arm the timer for the nearest deadline of the current state. */
  private rearm(): void {
    const config = this.server.config;
    let at: i64;
    if (this.state == SENDING) at = this.lastActivity + config.sendTimeout;
    else if (this.requestStart != NONE) at = this.requestStart + config.requestTimeout;
    else at = this.lastActivity + config.idleTimeout;
    this.timer.armAt(at);
  }

  timeout(time: i64): void {
    if (this.state == CLOSED) return;
    const config = this.server.config;
    const counters = this.server.counters;
    if (this.state == SENDING) {
      if (time - this.lastActivity < config.sendTimeout) {
        this.rearm();
        return;
      }
      counters.sendTimeouts++;
      this.state = CLOSED;
      this.c.abort();
      return;
    }
    if (this.requestStart != NONE) {
      if (time - this.requestStart < config.requestTimeout) {
        this.rearm();
        return;
      }
      counters.requestTimeouts++;
      this.fail(408);
      return;
    }
    if (time - this.lastActivity < config.idleTimeout) {
      this.rearm();
      return;
    }
    counters.idleTimeouts++;
    this.state = CLOSED;
    this.c.close();
  }
}

function countStatus(c: HttpCounters, status: i32): void {
  if (status < 300) c.status2xx++;
  else if (status < 400) c.status3xx++;
  else if (status < 500) c.status4xx++;
  else c.status5xx++;
}
