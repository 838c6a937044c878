// The HTTP/1.1 server: a FlowAcceptor, so it serves over any Flow (TCP,
// TLS over TCP, an in-memory pipe, host sockets): `stack.tcp.listen(80,
// server)`, or `server.serve(flow)` for a flow made elsewhere. One
// HttpConnection per flow reads requests from the bytes the flow holds,
// hands each complete request to the application's HttpHandler, and
// writes its response with backpressure.
//
// - Asynchronous answers: the handler may answer after it returns (a
//   timer, a lookup, a backend); the connection waits, reading nothing
//   more, and writes the response the moment it is sent. A handler that
//   never answers is caught by the request timeout: 503, and the
//   connection closes.
// - Persistent connections and pipelining (RFC 9112 §9.3): requests are
//   answered one at a time, in order; the next is parsed only once the
//   previous response is written, and only when there is room for a
//   response head, so a client that sends faster than it reads fills its
//   own window, not our memory.
// - Bodies: Content-Length and chunked (RFC 9112 §6, §7), both kept in
//   the receive buffer until complete (chunked decoded on the way), at
//   most `maxBody` bytes and never more than the receive buffer: 413.
// - Errors (400, 408, 413, 414, 431, 501, 505) are answered and the
//   connection closed (RFC 9112 §9.6: the framing can no longer be
//   trusted). A closing connection drops what else arrives, without RST.
// - Timeouts, each measuring progress of what it guards: a request must
//   be complete within `requestTimeout` of its first byte (408) and
//   answered within `requestTimeout` of its arrival (503); an idle
//   persistent connection is closed after `idleTimeout`; a connection
//   whose written bytes stop being acknowledged for `sendTimeout` is
//   aborted, whatever else arrives: while a response is written, while
//   pipelined requests wait for send space, and after close until the
//   last byte is acknowledged (a client that stops reading and drips a
//   byte now and then keeps nothing open).
// - Under connection pressure, idle connections go first: `spareFlow`
//   offers the transport the longest idle one (waiting for a request, with
//   nothing unread or unacknowledged) to reset for a new client, as nginx
//   reuses its idle keep-alive connections.
// - An access log line per request when --log=info is given.
import { Level, Logger, Timer, findArgument, now, registerCounters } from "../platform/index";
import { Flow, FlowAcceptor, FlowHandler, CloseReason } from "../flow/index";
import { ChunkedDecoder } from "./chunked";
import { HttpConfig } from "./config";
import { HttpClock } from "./date";
import { decideFraming } from "./framing";
import { COMPLETE, INCOMPLETE, findHeadEnd, parseRequest } from "./parser";
import { HttpRequest, Version } from "./request";
import { BodySource, HeadWriter, HttpResponse, ResponseSink, reasonPhrase } from "./response";
import { HttpCounters } from "./counters";

/** The application: one call per request. `req` may be read only during
 * the call (copy what the answer needs later); `res` stays valid until
 * one of its send… methods is called, now or later. */
export abstract class HttpHandler {
  abstract handle(req: HttpRequest, res: HttpResponse): void;
}

/** Room kept free in the send buffer before a request is taken: a head
 * is written whole. */
const HEAD_MAX = 4096;

/** How many bytes of an incomplete head are checked at each arrival for a
 * start that cannot be a request. */
const EARLY_CHECK = 1024;

/** No request begun (the clock may read 0 at boot). */
const NONE: i64 = -1;

const READING = 0;
/** The handler has the request and has not answered yet. */
const AWAITING = 1;
const SENDING = 2;
const CLOSED = 3;

const access = new Logger("http");

export class HttpServer extends FlowAcceptor {
  readonly counters: HttpCounters = new HttpCounters();
  readonly clock: HttpClock = new HttpClock();
  readonly head: HeadWriter = new HeadWriter(HEAD_MAX);
  /** Responses not in use, for the next requests (one per request being
   * answered at a time, so their number follows the load). */
  private readonly spare: HttpResponse[] = [];
  /** Whether to write an access log line per request (--log=info given). */
  readonly accessLog: bool;
  /** Every connection served now, newest first (spareFlow looks here). */
  first: HttpConnection | null = null;

  constructor(readonly handler: HttpHandler, readonly config: HttpConfig = new HttpConfig()) {
    super();
    registerCounters("http", this.counters);
    const log = findArgument("log");
    this.accessLog = log !== null && log.given && access.enabled(Level.Info);
  }

  /** A new flow (from a listener): serve it. */
  accept(f: Flow): FlowHandler | null {
    this.counters.open++;
    this.counters.connections++;
    const c = new HttpConnection(this, f);
    c.next = this.first;
    if (c.next !== null) c.next!.prev = c;
    this.first = c;
    return c;
  }

  /** The connection idle the longest (FlowAcceptor.spareFlow): the
   * transport resets it to make room for a new one. */
  spareFlow(): Flow | null {
    let best: HttpConnection | null = null;
    let c = this.first;
    while (c !== null) {
      if (c.idle && (best === null || c.idleSince < best.idleSince)) best = c;
      c = c.next;
    }
    if (best === null) return null;
    this.counters.idleReclaimed++;
    return best.flow;
  }

  /** `c` is over: out of the list. */
  forget(c: HttpConnection): void {
    const p = c.prev;
    const n = c.next;
    if (p !== null) p.next = n;
    else if (this.first === c) this.first = n;
    if (n !== null) n.prev = p;
    c.prev = null;
    c.next = null;
  }

  /** Serve a flow made elsewhere (a client connection turned around, a
   * pipe): as accept, and the flow's events come here from now on. */
  serve(f: Flow): void {
    f.handler = this.accept(f);
  }

  /** A response for a new request. */
  takeResponse(): HttpResponse {
    const r = this.spare.length > 0 ? this.spare.pop() : new HttpResponse(HEAD_MAX - 512);
    r.reset();
    return r;
  }

  /** A response written out (or abandoned), for reuse. */
  giveBack(r: HttpResponse): void {
    r.sink = null;
    r.body = null;
    if (this.spare.length < 64) this.spare.push(r);
  }
}

class HttpTimer extends Timer {
  constructor(readonly conn: HttpConnection) { super(); }
  fire(time: i64): void { this.conn.timeout(time); }
}

class HttpConnection extends FlowHandler implements ResponseSink {
  /** Neighbours in the server's list of connections. */
  prev: HttpConnection | null = null;
  next: HttpConnection | null = null;
  private state: i32 = READING;
  private readonly timer!: HttpTimer;
  /** Parsed in place for each request; valid during the handler's call. */
  private readonly req: HttpRequest;
  /** When the request being read (or awaited) began (NONE: none begun). */
  private requestStart: i64 = NONE;
  /** When the connection last became idle (idle timeout). */
  idleSince: i64 = 0;
  /** Closed with bytes unacknowledged: the send timeout still runs. */
  private draining: bool = false;
  /** When written bytes last made progress (send timeout). */
  private progressAt: i64 = 0;
  /** Bytes unacknowledged when progress was last seen. */
  private unacked: i32 = 0;
  /** How far the head was searched for its end. */
  private scanned: i32 = 0;
  /** Bytes of the request before its body, once parsed (0: not yet). */
  private headLen: i32 = 0;
  private chunks: ChunkedDecoder | null = null;
  /** Raw body bytes fed to the chunked decoder. */
  private fed: i32 = 0;
  private served: i32 = 0;
  private keepAlive: bool = true;
  private keepAliveAsked: bool = false;
  /** The peer sent its FIN: close once what it sent is answered. */
  private peerDone: bool = false;
  private headOnly: bool = false;
  /** The response the handler holds, while AWAITING. */
  private pending: HttpResponse | null = null;
  /** Inside the handler's call (an answer then is taken after it returns). */
  private handling: bool = false;
  private body: BodySource | null = null;
  private left: i64 = 0;
  /** For the access log: the request line and the answer. */
  private logLine: string = "";

  constructor(readonly server: HttpServer, readonly flow: Flow) {
    super();
    this.req = new HttpRequest(server.config.maxHeaders);
    this.timer = new HttpTimer(this);
    this.idleSince = now();
    this.timer.armAfter(server.config.idleTimeout);
  }

  readable(f: Flow): void {
    if (this.state == READING) this.serve();
  }

  writable(f: Flow): void {
    this.noteProgress();
    if (this.state == SENDING) this.pump();
    if (this.state == READING) this.serve();
  }

  peerClosed(f: Flow): void {
    // No more requests will come, but those already in are answered
    // (pipelined ahead of the FIN); then the connection closes.
    this.peerDone = true;
    if (this.state == READING) this.serve();
  }

  closed(f: Flow, reason: CloseReason): void {
    this.state = CLOSED;
    this.draining = false;
    this.timer.cancel();
    this.server.forget(this);
    this.body = null;
    this.chunks = null;
    this.abandon();
    this.server.counters.open--;
    if (reason != CloseReason.Normal) this.server.counters.closedAbnormally++;
  }

  /** The response in the handler's hands is dropped: tell it so. */
  private abandon(): void {
    const r = this.pending;
    if (r === null) return;
    this.pending = null;
    r.sink = null;
    // The handler may still hold it and answer; that answer goes nowhere.
    // (Not given back for reuse: the handler holds it.)
  }

  /** Answer every complete request that is in, while there is room;
   * close when the peer is done and nothing complete is left. */
  private serve(): void {
    const blocked = this.serveRequests();
    if (this.peerDone && this.state == READING && !blocked) this.closeNow();
  }

  /** Waiting for a request, with nothing unread or unacknowledged: a
   * connection that may go when room is needed. */
  get idle(): bool {
    const f = this.flow;
    return this.state == READING && this.requestStart == NONE && f.unread == 0 && f.unacknowledged == 0;
  }

  private closeNow(): void {
    this.state = CLOSED;
    this.timer.cancel();
    this.flow.close();
    // What was written must still be taken by the client, in time.
    if (this.flow.unacknowledged > 0 && !this.flow.isClosed) {
      this.noteProgress();
      this.draining = true;
      this.timer.armAt(this.progressAt + this.server.config.sendTimeout);
    }
  }

  /** Bytes acknowledged since the last look are progress for the send
   * timeout; nothing else is (RFC 9293 leaves this to the application:
   * an ACK that takes nothing, or bytes the client sends, are not). */
  private noteProgress(): void {
    const unacked = this.flow.unacknowledged;
    if (unacked < this.unacked) this.progressAt = now();
    this.unacked = unacked;
  }

  /** True when it stopped for want of send space (with more to answer). */
  private serveRequests(): bool {
    const config = this.server.config;
    const f = this.flow;
    while (this.state == READING) {
      const data = f.received();
      const n = data.byteLength;
      if (n == 0) return false;
      if (f.writeSpace < HEAD_MAX) return true; // `writable` comes back
      if (this.requestStart == NONE) {
        this.requestStart = now();
        this.rearm();
      }
      const req = this.req;
      if (this.headLen == 0) {
        const end = findHeadEnd(data.dataStart, n, this.scanned - 3);
        if (end < 0) {
          // Parse only once the head is complete, or can no longer be
          // (parsing each piece of a trickle would cost O(n²)).
          this.scanned = n;
          if (n > config.maxRequestLine + config.maxHeaderBytes || n >= f.receiveCapacity) {
            const e = parseRequest(data.dataStart, n, req, config);
            this.fail(e > 0 ? e : 431);
          } else if (n <= EARLY_CHECK) {
            // A start that can never become a request (a TLS ClientHello,
            // binary junk) is refused now, not at the request timeout; only
            // the first bytes are looked at, so a trickle costs little.
            const e = parseRequest(data.dataStart, n, req, config);
            if (e > 0) this.fail(e);
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
          <i64>req.headLen + req.contentLength > <i64>f.receiveCapacity) {
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
          if (n >= f.receiveCapacity) this.fail(413);
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

  /** Hand a complete request to the application; its answer comes now
   * (during the call) or later (responded). */
  private respond(req: HttpRequest, consumed: i32): void {
    const server = this.server;
    server.counters.requests++;
    this.served++;
    const max = server.config.maxRequests;
    this.keepAlive = req.keepAlive && !(max > 0 && this.served >= max) && this.keepAlive;
    this.headOnly = req.isMethod("HEAD");
    this.keepAliveAsked = req.version == Version.Http10 && req.keepAlive;
    if (server.accessLog) {
      this.logLine = this.flow.remote.toString() + " \"" + req.method + " " + req.target +
        (req.version == Version.Http10 ? " HTTP/1.0\"" : " HTTP/1.1\"");
    }
    const res = server.takeResponse();
    res.sink = this;
    this.pending = res;
    this.state = AWAITING;
    this.handling = true;
    server.handler.handle(req, res);
    this.handling = false;
    // The request's bytes go only now: the handler read them in place.
    this.flow.consume(consumed);
    this.headLen = 0;
    this.scanned = 0;
    this.chunks = null;
    if (this.state == CLOSED) return;
    if (res.sent) this.start(res);
    else {
      server.counters.deferred++;
      this.rearm(); // the request timeout now waits for the answer
    }
  }

  /** The handler answered (ResponseSink): during its call, taken when it
   * returns; later, written now. */
  responded(res: HttpResponse): void {
    if (this.handling || this.pending !== res || this.state != AWAITING) return;
    this.start(res);
  }

  /** Write the head, then as much body as fits. */
  private start(res: HttpResponse): void {
    const server = this.server;
    this.pending = null;
    this.requestStart = NONE;
    // The handler closes as the server does on what makes the rest of the
    // stream untrustworthy (RFC 9112 §9.6): a 400 it found, or a limit.
    const st = res.status;
    if (res.close || st == 400 || st == 408 || st == 413 || st == 414 || st == 431) this.keepAlive = false;
    const h = server.head;
    const status = res.status;
    h.reset();
    h.text("HTTP/1.1 ").number(status).text(" ").text(reasonPhrase(status)).crlf();
    h.field("Date", server.clock.date());
    if (server.config.serverName.length > 0) h.field("Server", server.config.serverName);
    const bodyless = status < 200 || status == 204 || status == 304;
    if (!bodyless) h.text("Content-Length: ").number(res.length < 0 ? 0 : res.length).crlf();
    if (!this.keepAlive) h.field("Connection", "close");
    else if (this.keepAliveAsked) h.field("Connection", "keep-alive");
    const f = res.fields;
    let length = res.length;
    let body = res.body;
    if (h.length + f.length + 2 > h.buf.byteLength || f.overflow) {
      // The application's fields do not fit: a bug of the application.
      h.reset();
      h.text("HTTP/1.1 500 Internal Server Error").crlf().text("Content-Length: 0").crlf()
        .field("Connection", "close").crlf();
      this.keepAlive = false;
      body = null;
      length = 0;
      server.counters.status5xx++;
    } else {
      memory.copy(h.buf.dataStart + <usize>h.length, f.buf.dataStart, f.length);
      h.length += f.length;
      h.crlf();
      countStatus(server.counters, status);
    }
    if (server.accessLog) access.info(this.logLine + " " + status.toString() + " " + (length < 0 ? 0 : length).toString());
    this.flow.write(h.buf, 0, h.length);
    this.body = bodyless || this.headOnly ? null : body;
    this.left = this.body === null ? 0 : length;
    server.giveBack(res);
    this.state = SENDING;
    this.progressAt = now();
    this.unacked = this.flow.unacknowledged;
    this.pump();
  }

  /** Move body bytes into the send buffer as far as it has room. */
  private pump(): void {
    const f = this.flow;
    // Progress for the send timeout: bytes acknowledged, or body taken.
    this.noteProgress();
    const body = this.body;
    if (body !== null && this.left > 0) {
      const want = this.left > <i64>0x4000_0000 ? 0x4000_0000 : <i32>this.left;
      const n = f.fill(body, want);
      this.left -= n;
      this.server.counters.bodyBytes += <u64>n;
      if (n > 0) {
        this.progressAt = now();
        this.unacked = f.unacknowledged;
      }
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
      this.closeNow();
      return;
    }
    this.state = READING;
    this.idleSince = now();
    this.rearm();
    // A pipelined request may be waiting already.
    if (this.flow.unread > 0 || this.peerDone) this.serve();
  }

  private writeContinue(): void {
    const h = this.server.head;
    h.reset();
    h.text("HTTP/1.1 100 Continue").crlf().crlf();
    this.flow.write(h.buf, 0, h.length);
  }

  /** Answer a request that cannot be served with `status` and close. */
  private fail(status: i32): void {
    const server = this.server;
    server.counters.errors++;
    this.keepAlive = false;
    this.headOnly = false;
    this.headLen = 0;
    this.scanned = 0;
    this.chunks = null;
    // Nothing more of this stream can be trusted: drop it all.
    this.flow.consume(this.flow.unread);
    this.abandon();
    if (server.accessLog) this.logLine = this.flow.remote.toString() + " \"-\"";
    const res = server.takeResponse();
    res.sendText(status, reasonPhrase(status) + "\n");
    this.start(res);
  }

  /** Arm the timer for the nearest deadline of the current state. */
  private rearm(): void {
    const config = this.server.config;
    const sendAt = this.flow.unacknowledged > 0 ? this.progressAt + config.sendTimeout : i64.MAX_VALUE;
    let at: i64;
    if (this.state == SENDING) at = this.progressAt + config.sendTimeout;
    else if (this.requestStart != NONE) at = this.requestStart + config.requestTimeout;
    else if (this.flow.unread > 0) at = sendAt; // requests wait for send space
    else at = this.idleSince + config.idleTimeout;
    this.timer.armAt(at < sendAt ? at : sendAt);
  }

  /** No byte acknowledged for sendTimeout: give the client up. */
  private sendTimedOut(time: i64): bool {
    this.noteProgress();
    const waiting = this.state == SENDING || this.flow.unacknowledged > 0;
    if (!waiting || time - this.progressAt < this.server.config.sendTimeout) return false;
    this.server.counters.sendTimeouts++;
    this.state = CLOSED;
    this.draining = false;
    this.flow.abort();
    return true;
  }

  timeout(time: i64): void {
    if (this.draining) {
      if (!this.sendTimedOut(time)) this.timer.armAt(this.progressAt + this.server.config.sendTimeout);
      return;
    }
    if (this.state == CLOSED) return;
    const config = this.server.config;
    const counters = this.server.counters;
    if (this.state == SENDING) this.pump(); // takes what space freed since the last event
    if (this.state == CLOSED || this.sendTimedOut(time)) return;
    if (this.state == SENDING) {
      this.rearm();
      return;
    }
    if (this.requestStart != NONE) {
      if (time - this.requestStart < config.requestTimeout) {
        this.rearm();
        return;
      }
      if (this.state == AWAITING) {
        // The handler never answered: say so, and close.
        counters.handlerTimeouts++;
        this.abandon();
        this.keepAlive = false;
        counters.errors++;
        const res = this.server.takeResponse();
        res.sendText(503, "the application did not answer in time\n");
        this.start(res);
        return;
      }
      counters.requestTimeouts++;
      this.fail(408);
      return;
    }
    if (time - this.idleSince < config.idleTimeout || this.flow.unread > 0) {
      this.rearm();
      return;
    }
    counters.idleTimeouts++;
    this.closeNow();
  }
}

function countStatus(c: HttpCounters, status: i32): void {
  if (status < 300) c.status2xx++;
  else if (status < 400) c.status3xx++;
  else if (status < 500) c.status4xx++;
  else c.status5xx++;
}
