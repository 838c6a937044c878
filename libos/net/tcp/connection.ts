// One TCP connection: the transmission control block of RFC 9293 §3.3.1
// (sequence variables, negotiated options, buffers, timers, congestion
// state) and the operations behind the application's calls (write, fill,
// received, consume, shutdown, close, abort). Private to libos/net/tcp:
// applications hold the connection's TcpSocket (socket.ts), a Flow. What
// happens when a segment arrives is in input.ts, what is sent and when in
// output.ts, the timers in timers.ts, congestion control in congestion.ts.
import { now, MILLISECOND } from "../../platform/index";
import { IpAddress } from "../../wire/index";
import { ByteSource, CloseReason, FlowHandler } from "../../flow/index";
import { TcpState, stateName } from "./api";
import { RecvBuffer, SendBuffer } from "./buffer";
import { TcpLayer } from "./layer";
import { TcpSocket } from "./socket";
import { TcpListener } from "./listener";
import { RtoEstimator } from "./rto";
import { AckTimer, IdleTimer, RetransmitTimer } from "./timers";
import { SackScoreboard } from "./sack";

export class TcpConnection {
  state: TcpState = TcpState.Closed;
  handler: FlowHandler | null = null;
  /** What the application holds of this connection. */
  readonly socket!: TcpSocket;
  /** The next connection in the same bucket of the layer's table. */
  nextInBucket: TcpConnection | null = null;
  /** The listener a passive open came from, until it is accepted. */
  listener: TcpListener | null = null;

  // ---- send sequence space (RFC 9293 §3.3.1)
  iss: u32 = 0;
  sndUna: u32 = 0;
  sndNxt: u32 = 0;
  /** The highest sequence number sent (SND.NXT moves back on an RTO). */
  sndMax: u32 = 0;
  /** The peer's window in bytes, scaled. */
  sndWnd: u32 = 0;
  sndWl1: u32 = 0;
  sndWl2: u32 = 0;
  /** The largest window the peer has offered (RFC 5961 §5.2 MAX.SND.WND). */
  maxSndWnd: u32 = 0;
  /** Shift applied to the peer's window field; ours to our window. */
  sndWscale: i32 = 0;
  rcvWscale: i32 = 0;
  /** Data bytes per segment: the peer's MSS, limited by our MTU, less
   * the timestamp option when it is in use. */
  mss: i32 = 536;
  /** The path-MTU generation (net/ip.ts) `mss` was last checked against. */
  pathMtuSeen: u32 = 0;

  // ---- receive sequence space
  irs: u32 = 0;
  rcvNxt: u32 = 0;
  /** The right edge of the window we last advertised. */
  rcvAdv: u32 = 0;
  /** The acknowledgement number we last sent (RFC 7323 Last.ACK.sent). */
  lastAckSent: u32 = 0;

  // ---- options (RFC 7323, RFC 2018)
  tsOk: bool = false;
  /** TS.Recent: the peer's timestamp to echo. */
  tsRecent: u32 = 0;
  /** When TS.Recent was taken, for PAWS's 24-day rule (RFC 7323 §5.5). */
  tsRecentAt: i64 = 0;
  /** Added to our clock in the timestamps we send (RFC 7323 §5.4). */
  tsOffset: u32 = 0;
  sackOk: bool = false;
  /** Both sides sent the window scale option (RFC 7323 §2.2). */
  wsOk: bool = false;

  // ---- buffers; null until established, and again once closed
  snd: SendBuffer | null = null;
  rcv: RecvBuffer | null = null;
  /** The sequence number of the send buffer's first byte. */
  bufSeq: u32 = 0;
  /** close() or shutdown() was called: a FIN follows the data. */
  finQueued: bool = false;
  /** The FIN's sequence number, once queued. */
  finSeq: u32 = 0;
  /** The peer's FIN was received in order. */
  peerFin: bool = false;
  /** A FIN arrived ahead of missing data, at this sequence number. */
  peerFinPending: bool = false;
  peerFinSeq: u32 = 0;
  /** close() was called: received data is acknowledged and dropped. */
  appClosed: bool = false;

  // ---- acknowledgement policy
  ackNow: bool = false;
  /** Full-sized segments received since our last ACK (RFC 5681 §4.2). */
  unackedSegments: i32 = 0;

  // ---- retransmission (RFC 6298) and round-trip timing
  readonly rto: RtoEstimator;
  /** Karn's algorithm without timestamps: one segment timed at a time. */
  rttTiming: bool = false;
  rttSeq: u32 = 0;
  rttTime: i64 = 0;
  /** Consecutive expiries of the retransmission timer. */
  retries: i32 = 0;
  /** The retransmission timer is probing a zero window. */
  persisting: bool = false;
  /** Zero-window probes since the window closed, and of them those sent
   * with nothing heard from the peer since the one before. */
  probes: i32 = 0;
  probesUnanswered: i32 = 0;
  /** When the last zero-window probe went out. */
  lastProbe: i64 = 0;
  /** The retransmission timer is set for a tail loss probe (RFC 8985). */
  probing: bool = false;
  /** A tail loss probe went out since the last new acknowledgement. */
  probeSent: bool = false;

  // ---- congestion control (RFC 5681, RFC 6582, RFC 6675)
  cwnd: u32 = 0;
  ssthresh: u32 = 0xffff_ffff;
  dupAcks: i32 = 0;
  inRecovery: bool = false;
  recover: u32 = 0;
  /** Bytes acknowledged towards the next congestion-avoidance step. */
  bytesAcked: u32 = 0;
  readonly sack: SackScoreboard = new SackScoreboard();
  /** Spurious timeout detection (RFC 3522, RFC 4015): the state before
   * the last timeout, and our timestamp when it fired. */
  undoPending: bool = false;
  undoCwnd: u32 = 0;
  undoSsthresh: u32 = 0;
  undoTs: u32 = 0;
  /** RFC 6675 HighRxt: the highest byte retransmitted in this recovery. */
  highRxt: u32 = 0;
  /** SND.MAX when the current round of hole retransmissions began. */
  rxtRound: u32 = 0;

  // ---- keepalive (RFC 1122 §4.2.3.6)
  keepAlive: bool = false;
  keepProbes: i32 = 0;
  /** When a segment last arrived. */
  lastHeard: i64 = 0;
  /** When an ACK last answered an invalid segment (out of window, PAWS,
   * challenge): such ACKs are rate-limited per connection (layer.ts). */
  lastInvalidAck: i64 = i64.MIN_VALUE;

  /** The application was told of less send space than the buffer holds
   * (a short write or fill, or writeSpace read): `writable` is due when
   * an acknowledgement frees some (Flow's promise). */
  wantWritable: bool = false;
  /** Waiting in the layer's flush list. */
  queued: bool = false;
  /** Not in the layer's table any more. */
  dead: bool = false;
  /** In TIME-WAIT, buffers returned and the handler told. */
  inTimeWait: bool = false;

  readonly rtxTimer!: RetransmitTimer;
  readonly ackTimer!: AckTimer;
  readonly idleTimer!: IdleTimer;

  // ---- statistics
  bytesIn: u64 = 0;
  bytesOut: u64 = 0;
  segmentsIn: u64 = 0;
  segmentsOut: u64 = 0;
  retransmits: u64 = 0;

  constructor(
    readonly layer: TcpLayer,
    readonly localPort: u16,
    /** The peer's address: the connection's own copy. */
    readonly remote: IpAddress,
    readonly remotePort: u16,
  ) {
    this.rto = new RtoEstimator(layer.config);
    this.rtxTimer = new RetransmitTimer(this);
    this.ackTimer = new AckTimer(this);
    this.idleTimer = new IdleTimer(this);
    this.lastHeard = now();
    this.socket = new TcpSocket(this);
  }

  get key(): u64 {
    return connectionKey(this.remote, this.remotePort, this.localPort);
  }

  /** Whether this is the connection of remote:remotePort -> :localPort. */
  matches(remote: IpAddress, remotePort: u16, localPort: u16): bool {
    return this.remotePort == remotePort && this.localPort == localPort && this.remote.equals(remote);
  }

  // ---------------------------------------------------------------- sending

  /** Bytes write() would take now; 0 before the connection is
   * established and after shutdown(). */
  get sendSpace(): i32 {
    const s = this.snd;
    if (s === null || this.finQueued || !this.canSend()) return 0;
    return s.space;
  }

  /** Bytes written but not yet acknowledged by the peer. */
  get unacknowledged(): i32 {
    const s = this.snd;
    return s === null ? 0 : s.length;
  }

  /** Queue bytes for sending; how many were taken (all, or as many as the
   * send buffer has room for: the rest is the caller's to offer again
   * when `writable` is called). */
  write(data: Uint8Array, offset: i32 = 0, len: i32 = -1): i32 {
    if (len < 0) len = data.byteLength - offset;
    if (offset < 0 || len < 0 || offset + len > data.byteLength) throw new RangeError("tcp: write outside its buffer");
    return this.writeBytes(data.dataStart + <usize>offset, len);
  }

  /** write() from raw memory. */
  writeBytes(ptr: usize, len: i32): i32 {
    const space = this.sendSpace;
    const n = len < space ? len : space;
    if (n < len) this.wantWritable = true;
    if (n <= 0) return 0;
    this.snd!.write(ptr, n);
    this.layer.schedule(this);
    return n;
  }

  /** Let `src` write up to `max` bytes straight into the send buffer;
   * how many it wrote. */
  fill(src: ByteSource, max: i32): i32 {
    const space = this.sendSpace;
    if (space < max) this.wantWritable = true;
    if (space <= 0 || max <= 0) return 0;
    const n = this.snd!.fill(src, max);
    if (n > 0) this.layer.schedule(this);
    return n;
  }

  /** Send a FIN once everything written is sent: we will write no more,
   * but may still receive (half-close, RFC 9293 §3.6). */
  shutdown(): void {
    if (this.finQueued) return;
    const st = this.state;
    if (st == TcpState.SynSent) {
      this.layer.destroy(this, CloseReason.Normal);
      return;
    }
    if (st != TcpState.SynReceived && st != TcpState.Established && st != TcpState.CloseWait) return;
    this.finQueued = true;
    const s = this.snd;
    this.finSeq = this.bufSeq + <u32>(s === null ? 0 : s.length);
    if (st == TcpState.CloseWait) this.state = TcpState.LastAck;
    else if (st == TcpState.Established || st == TcpState.SynReceived) this.state = TcpState.FinWait1;
    this.layer.schedule(this);
  }

  /** shutdown(), and the application reads no more: bytes that arrive
   * from now on are acknowledged and dropped, and the handler hears only
   * `closed`. Unlike abort(), bytes already written are still delivered. */
  close(): void {
    if (!this.appClosed && !this.dead && !this.inTimeWait) this.layer.orphaned(this);
    this.appClosed = true;
    const r = this.rcv;
    if (r !== null) r.consume(r.unread);
    this.shutdown();
  }

  /** Reset the connection now (RFC 9293 §3.10.5 ABORT): a RST goes out,
   * queued bytes are dropped, the handler hears `closed(Aborted)`. */
  abort(): void {
    if (this.dead) return;
    const st = this.state;
    if (st != TcpState.SynSent && st != TcpState.TimeWait && st != TcpState.Closed) {
      this.layer.sendReset(this.remote, this.remotePort, this.localPort, this.sndNxt, 0, false);
    }
    this.layer.destroy(this, CloseReason.Aborted);
  }

  /** Turn keepalive probes on or off (RFC 1122 §4.2.3.6: off unless asked;
   * times from the layer's configuration). */
  setKeepAlive(on: bool): void {
    this.keepAlive = on;
    this.keepProbes = 0;
    this.idleTimer.rearm();
  }

  // -------------------------------------------------------------- receiving

  /** Every byte received in order and not yet consumed, in place; valid
   * until the next event of this connection. */
  received(): Uint8Array {
    const r = this.rcv;
    if (r === null) return new Uint8Array(0);
    return r.received();
  }

  get unread(): i32 {
    const r = this.rcv;
    return r === null ? 0 : r.unread;
  }

  /** Free the first `n` received bytes; the window reopens by as much. */
  consume(n: i32): void {
    const r = this.rcv;
    if (r === null || n <= 0) return;
    const before = r.window;
    r.consume(n);
    // Tell the peer when the window opened by enough to matter (RFC 9293
    // §3.8.6.2.2): from (nearly) closed, or by half the buffer.
    const mss = this.mss;
    const threshold = r.capacity / 2 < mss ? r.capacity / 2 : mss;
    const edge = this.rcvNxt + <u32>r.window;
    if (<i32>(edge - this.rcvAdv) >= threshold && (before < mss || r.window - before >= r.capacity / 2)) {
      this.ackNow = true;
      this.layer.schedule(this);
    }
  }

  // ------------------------------------------------------------ inspection

  /** Whether data may still be sent in this state. */
  canSend(): bool {
    const st = this.state;
    return st == TcpState.Established || st == TcpState.CloseWait;
  }

  /** Our clock for timestamps, in milliseconds (RFC 7323 §5.4: 1 ms to
   * 1 s a tick). */
  tsNow(): u32 {
    return <u32>(now() / MILLISECOND) + this.tsOffset;
  }

  toString(): string {
    return this.remote.toString() + ":" + this.remotePort.toString() + " <- :" +
      this.localPort.toString() + " " + stateName(this.state);
  }
}

/** The table key of a connection (its bucket: equal for equal tuples;
 * connections in one bucket are told apart by matches()). Our address is
 * not in it: the layer has one per IP version. */
export function connectionKey(remote: IpAddress, remotePort: u16, localPort: u16): u64 {
  return (remote.hash << 32) ^ (remote.hash >> 32) ^ (<u64>remotePort << 16) ^ <u64>localPort;
}
