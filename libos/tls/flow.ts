// TLS as a Flow over a Flow. `TlsServer` is a FlowAcceptor wrapping
// another: a listening transport hands it each new connection, it runs
// the handshake, and only when that is done asks the inner acceptor for a
// handler, which then sees a `TlsFlow` (plaintext) exactly as it would see
// a TCP socket:
//
//   stack.tcp.listen(443, new TlsServer(config, new HttpServer(site)))
//
// Memory per connection is bounded by the engine's limits (config.ts): a
// peer that sends faster than the application reads is left in the
// transport's window, and writes are short when ciphertext is queued.
import { ByteSource, CloseReason, Flow, FlowAcceptor, FlowHandler } from "../flow/flow";
import { CounterVisitor, Counters, Timer, now, registerCounters } from "../platform/index";
import { IpEndpoint } from "../wire/ip";
import { NO_ALERT } from "./alert";
import { TlsServerConfig } from "./config";
import { AEAD_TAG_LENGTH } from "./crypto";
import { requireKeyEntropy } from "./entropy";
import { MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from "./record";
import { TlsServerEngine } from "./server";

/** Bytes a full record adds to its content. */
const RECORD_OVERHEAD = RECORD_HEADER_LENGTH + 1 + AEAD_TAG_LENGTH;

/** Counts over every TLS connection of this image, registered as "tls"
 * (so --stats=N prints them). */
export class TlsCounters extends Counters {
  handshakes: i64 = 0;
  failedHandshakes: i64 = 0;
  handshakeTimeouts: i64 = 0;
  alertsSent: i64 = 0;
  alertsReceived: i64 = 0;

  visit(v: CounterVisitor): void {
    v.count("handshakes", <u64>this.handshakes);
    v.count("failed", <u64>this.failedHandshakes);
    v.count("timeouts", <u64>this.handshakeTimeouts);
    v.count("alertsSent", <u64>this.alertsSent);
    v.count("alertsReceived", <u64>this.alertsReceived);
  }
}

export const tlsCounters = new TlsCounters();
registerCounters("tls", tlsCounters);

export class TlsServer extends FlowAcceptor {
  /** Stops the image when keys could only come from timing jitter
   * (entropy.ts: requireKeyEntropy). */
  constructor(readonly config: TlsServerConfig, readonly inner: FlowAcceptor) {
    super();
    requireKeyEntropy();
  }

  accept(transport: Flow): FlowHandler | null {
    return new TlsFlow(transport, this.config, this.inner).transportHandler;
  }

  /** The inner service's idle connection, as the transport's flow (the
   * transport resets it when it needs room, as it would a plain one). */
  spareFlow(): Flow | null {
    const f = this.inner.spareFlow();
    return f instanceof TlsFlow ? (f as TlsFlow).transport : null;
  }
}

/** Hears the transport's events for one TlsFlow. */
class TransportEvents extends FlowHandler {
  constructor(readonly tls: TlsFlow) {
    super();
  }
  readable(f: Flow): void { this.tls.pump(); }
  writable(f: Flow): void { this.tls.flush(); }
  peerClosed(f: Flow): void { this.tls.transportEnded(); }
  closed(f: Flow, reason: CloseReason): void { this.tls.transportClosed(reason); }
}

/** Tells a writer that was short of room, from the event loop rather than
 * from inside its own write (which would re-enter it). */
class WritableLater extends Timer {
  constructor(readonly tls: TlsFlow) { super(); }
  fire(time: i64): void { this.tls.flush(); }
}

/** Resets a connection whose handshake is not done in time. */
class HandshakeDeadline extends Timer {
  constructor(readonly tls: TlsFlow) { super(); }
  fire(time: i64): void { this.tls.handshakeExpired(); }
}

export class TlsFlow extends Flow {
  readonly engine: TlsServerEngine;
  readonly transportHandler!: TransportEvents;
  private readonly later!: WritableLater;
  private readonly deadline!: HandshakeDeadline;
  /** Where fill() has a source write before sealing (made on first use). */
  private scratch: Uint8Array = new Uint8Array(0);
  private announced: bool = false;
  private wantWritable: bool = false;
  private shut: bool = false;
  private appClosed: bool = false;
  private over: bool = false;
  private toldPeerClosed: bool = false;

  constructor(readonly transport: Flow, config: TlsServerConfig, readonly acceptor: FlowAcceptor) {
    super();
    this.engine = new TlsServerEngine(config);
    this.transportHandler = new TransportEvents(this);
    this.later = new WritableLater(this);
    this.deadline = new HandshakeDeadline(this);
    this.deadline.armAt(now() + config.handshakeTimeout);
  }

  handshakeExpired(): void {
    if (this.announced || this.over) return;
    tlsCounters.failedHandshakes++;
    tlsCounters.handshakeTimeouts++;
    this.transport.abort();
  }

  get local(): IpEndpoint { return this.transport.local; }
  get remote(): IpEndpoint { return this.transport.remote; }
  get unread(): i32 { return this.engine.plaintext.length; }
  get receiveCapacity(): i32 { return this.engine.config.maxUnreadPlaintext; }
  get isOpen(): bool { return this.engine.connected && !this.shut && !this.over; }
  get isClosed(): bool { return this.over; }
  get unacknowledged(): i32 { return this.engine.output.length + this.transport.unacknowledged; }

  received(): Uint8Array {
    return this.engine.plaintext.view();
  }

  consume(n: i32): void {
    const before = this.engine.plaintext.length;
    this.engine.plaintext.consume(n);
    // Reading was paused at the limit: bytes may wait in the transport.
    if (before >= this.engine.config.maxUnreadPlaintext && this.transport.unread > 0) this.pump();
  }

  get writeSpace(): i32 {
    if (!this.isOpen) return 0;
    const room = this.engine.config.maxPendingCiphertext - this.engine.output.length;
    const records = (room + MAX_PLAINTEXT + RECORD_OVERHEAD - 1) / (MAX_PLAINTEXT + RECORD_OVERHEAD);
    const space = max(0, room - records * RECORD_OVERHEAD);
    // The writer learnt of less than all the room there can be: it hears
    // `writable` when there is more (the Flow contract).
    if (this.engine.output.length > 0) this.wantWritable = true;
    return space;
  }

  write(data: Uint8Array, offset: i32 = 0, len: i32 = -1): i32 {
    if (len < 0) len = data.length - offset;
    if (offset < 0 || len < 0 || offset + len > data.length) return 0;
    const space = this.writeSpace;
    const n = min(len, space);
    if (n < len) this.writableSoon();
    if (n <= 0) return 0;
    this.engine.send(data.subarray(offset, offset + n));
    this.flush();
    return n;
  }

  /** As much as there is room for, a record (2^14 bytes) at a time
   * through one scratch buffer; a writer left short hears `writable`. */
  fill(src: ByteSource, limit: i32): i32 {
    let total = 0;
    while (total < limit) {
      const n = min(limit - total, min(this.writeSpace, MAX_PLAINTEXT));
      if (n <= 0) break;
      if (this.scratch.length == 0) this.scratch = new Uint8Array(MAX_PLAINTEXT);
      const k = src.fill(this.scratch.subarray(0, n));
      if (k <= 0) break;
      const taken = this.write(this.scratch, 0, k);
      total += taken;
      if (taken < k || k < n) break;
    }
    if (total < limit) this.writableSoon();
    return total;
  }

  private writableSoon(): void {
    this.wantWritable = true;
    if (!this.later.armed) this.later.armAt(now());
  }

  shutdown(): void {
    if (this.shut || this.over) return;
    this.shut = true;
    this.engine.sendCloseNotify();
    this.flush();
    this.transport.shutdown();
  }

  close(): void {
    this.appClosed = true;
    this.shutdown();
    this.transport.close();
  }

  abort(): void {
    this.transport.abort();
  }

  /** Move queued ciphertext into the transport; tell a writer that was
   * refused space once it is back. */
  flush(): void {
    const out = this.engine.output;
    if (out.length > 0 && this.transport.isOpen) {
      const n = this.transport.write(out.view());
      out.consume(n);
    }
    if (this.wantWritable && this.isOpen && out.length < this.engine.config.maxPendingCiphertext / 2) {
      // Room again; when the transport takes bytes slower than that, its
      // own `writable` calls this again.
      this.wantWritable = false;
      const h = this.handler;
      if (h !== null) h.writable(this);
    }
  }

  /** Feed the transport's bytes to the engine and pass on what happened. */
  pump(): void {
    if (this.over) return;
    const e = this.engine;
    const wasConnected = e.connected;
    const unreadBefore = e.plaintext.length;
    const bytes = this.transport.received();
    const used = e.feed(bytes);
    this.transport.consume(used);
    this.flush();
    if (e.failed) {
      if (e.alertSent) tlsCounters.alertsSent++;
      else tlsCounters.alertsReceived++;
      if (!wasConnected && !this.announced) tlsCounters.failedHandshakes++;
      // The alert is queued (or the peer's received): nothing more to say.
      this.transport.close();
      return;
    }
    if (e.connected && !this.announced) {
      this.announced = true;
      this.deadline.cancel();
      tlsCounters.handshakes++;
      const h = this.acceptor.accept(this);
      if (h === null) {
        this.close();
        return;
      }
      this.handler = h;
      h.connected(this);
    }
    const h = this.handler;
    if (h === null || this.appClosed) return;
    if (e.plaintext.length > unreadBefore || (e.plaintext.length > 0 && !wasConnected)) h.readable(this);
    if (e.peerClosed && !this.toldPeerClosed) {
      this.toldPeerClosed = true;
      h.peerClosed(this);
    }
  }

  /** The transport ended without close_notify: a truncation (§6.1) if
   * the handshake was done; the application hears the end either way. */
  transportEnded(): void {
    this.pump();
    const h = this.handler;
    if (h !== null && !this.toldPeerClosed && !this.appClosed) {
      this.toldPeerClosed = true;
      h.peerClosed(this);
    }
    if (!this.announced) this.transport.close();
  }

  transportClosed(reason: CloseReason): void {
    if (this.over) return;
    this.over = true;
    this.deadline.cancel();
    this.later.cancel();
    const e = this.engine;
    e.plaintext.release();
    e.output.release();
    const h = this.handler;
    if (h !== null) h.closed(this, e.alert != NO_ALERT && reason == CloseReason.Normal ? CloseReason.Aborted : reason);
  }
}
