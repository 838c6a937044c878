// The TCP layer: the connection table and the listeners, demultiplexing
// of arriving segments (RFC 9293 §3.10.7), the bounded resources
// (connections, backlogs, TIME-WAIT, buffer pools), SYN cookies, and the
// one transmit buffer every segment is built in.
//
// Output is batched: whatever changes a connection's state puts it on a
// flush list, and a timer due at once runs output() for each of them after
// the frames of the current poll have been taken in. So an application
// that answers a request with several writes sends full segments, and
// the ACK of a request rides on its answer.
import { CounterVisitor, Counters, Timer, memoryLimit, now, randomU32, registerCounters, SECOND } from "../../platform/index";
import { NET_TSO_MAX_FRAME } from "../../platform/abi";
import { ETH_HEADER_LEN, IP_PROTOCOL_TCP, IPV4_HEADER_LEN, IpAddress, IpEndpoint } from "../../wire/index";
import { Flow, FlowAcceptor, FlowHandler } from "../../flow/index";
import {
  TCP_ACK_FLAG, TCP_HEADER_LEN, TCP_MAX_HEADER_LEN, TCP_RST, TCP_SYN, TcpOptions, TcpPacket, TcpRepr,
} from "../../wire/tcp";
import { WireError } from "../../wire/error";
import { IP_HEADROOM, IpDatagram, IpFamilies, IpProtocol } from "../ip";
import { StreamTransport } from "../transport";
import { NO_MAC } from "../arp";
import { moveWindow, newWindow } from "../window";
import { CloseReason, TcpState } from "./api";
import { BufferPool, RecvBuffer, SendBuffer } from "./buffer";
import { TcpConfig } from "./config";
import { TcpConnection, connectionKey } from "./connection";
import { TcpCounters } from "./counters";
import { segmentArrives, windowShift } from "./input";
import { initSend, listenInput } from "./passive";
import { IsnGenerator } from "./isn";
import { TcpListener } from "./listener";
import { output } from "./output";
import { TcpSocket } from "./socket";

/** Room in front of a segment for the link and IP headers. */
export const HEADROOM: i32 = IP_HEADROOM;
/** Segments sent per turn of the event loop at most (see flush). */
const SEND_BUDGET: i32 = 64;
/** RFC 6335 §6: the dynamic ports, for connect() without a port. */
const EPHEMERAL_FIRST: i32 = 49152;
const EPHEMERAL_COUNT: i32 = 65536 - EPHEMERAL_FIRST;

class FlushTimer extends Timer {
  constructor(readonly layer: TcpLayer) { super(); }
  fire(time: i64): void { this.layer.flush(); }
}

export class TcpLayer extends StreamTransport {
  readonly counters: TcpCounters = new TcpCounters();
  /** What the IP layers hand segments to. */
  private readonly ipInput!: TcpInput;
  /** The IP MTU: segments carry at most mtu - 40 bytes of TCP payload
   * and options (RFC 9293 §3.7.1). */
  readonly mtu: i32;
  readonly isn: IsnGenerator = new IsnGenerator();
  readonly rcvPool!: BufferPool;
  readonly sndPool!: BufferPool;
  /** Connections in the table, but for those in TIME-WAIT. */
  active: i32 = 0;
  /** Connections in TIME-WAIT. */
  timeWait: i32 = 0;

  /** Connections by connectionKey; those sharing a key are chained
   * through nextInBucket (only IPv6 tuples can share one). */
  private readonly table: Map<u64, TcpConnection> = new Map<u64, TcpConnection>();
  private readonly listeners: Map<u16, TcpListener> = new Map<u16, TcpListener>();
  private readonly rxWindow: Uint8Array = newWindow();
  private readonly rxPacket!: TcpPacket;
  private readonly seg: TcpRepr = new TcpRepr();
  /** Every segment is built here, after HEADROOM bytes for IPv4. */
  readonly tx!: Uint8Array;
  /** With segmentation offload on the link, the most bytes of TCP header
   * and payload one super-segment may carry (a 65535-byte frame); 0
   * without: every segment fits the MTU. */
  readonly tsoMax: i32;
  readonly txWindow: Uint8Array = newWindow();
  readonly txPacket!: TcpPacket;
  readonly txOptions: TcpOptions = new TcpOptions();
  private readonly dirty: TcpConnection[] = [];
  private readonly flushTimer!: FlushTimer;
  /** Segments flush() may still send in this turn. */
  sendBudget: i32 = i32.MAX_VALUE;
  private challengeTokens: i32 = 0;
  /** The heap size at the last check (checkHeap). */
  private heapMark: i64 = 0;
  private readonly memoryLimit: i64 = memoryLimit();
  private challengeSecond: i64 = -1;
  /** Connections the application closed, in the order it closed them
   * (the oldest at orphanHead); dead ones are skipped, and pruned when the
   * queue grows past twice the table. */
  private orphans: TcpConnection[] = [];
  private orphanHead: i32 = 0;

  constructor(readonly ip: IpFamilies, readonly config: TcpConfig = TcpConfig.forMemory(memoryLimit())) {
    super();
    this.mtu = ip.mtu;
    this.ipInput = new TcpInput(this);
    // Segmentation offload is for TCP over IPv4 (the links' GSO_TCPV4).
    const v4 = ip.v4;
    this.tsoMax = v4 !== null && v4.tso ? NET_TSO_MAX_FRAME - ETH_HEADER_LEN - IPV4_HEADER_LEN : 0;
    this.tx = new Uint8Array(HEADROOM + (this.tsoMax > TCP_MAX_HEADER_LEN + this.mtu ? this.tsoMax : TCP_MAX_HEADER_LEN + this.mtu));
    this.rxPacket = new TcpPacket(this.rxWindow);
    this.txPacket = new TcpPacket(this.txWindow);
    this.rcvPool = new BufferPool(config.rcvBuf, config.maxConnections);
    this.sndPool = new BufferPool(config.sndBuf, config.maxConnections);
    this.flushTimer = new FlushTimer(this);
    const layers = ip.all();
    for (let i = 0; i < layers.length; i++) layers[i].register(IP_PROTOCOL_TCP, this.ipInput);
    registerCounters("tcp", this.counters);
    registerCounters("tcpload", new TcpLoad(this));
  }

  /** Our address towards `remote` (DHCP may change it: read it when needed). */
  localAddress(remote: IpAddress): IpAddress {
    const l = this.ip.layerFor(remote);
    return l === null ? remote : l.sourceFor(remote);
  }

  /** The largest segment payload towards `remote`: the MTU less the IP
   * and TCP headers (RFC 9293 §3.7.1). */
  maxSegment(remote: IpAddress): i32 {
    const l = this.ip.layerFor(remote);
    return (l === null ? this.mtu : min(this.mtu, l.mtuFor(remote))) - (l === null ? IPV4_HEADER_LEN : l.headerLen) - 20;
  }

  /** Whether segments to `remote` may go as super-segments: the link
   * offloads TCP over IPv4 only (GSO_TCPV4), so never over IPv6. */
  tsoTo(remote: IpAddress): bool {
    if (this.tsoMax == 0) return false;
    const l = this.ip.layerFor(remote);
    return l !== null && l.tso;
  }

  /** The TCP checksum's pseudo-header sum for a segment of `len` bytes
   * between us and `remote`. */
  pseudoHeaderSum(remote: IpAddress, len: i32): u64 {
    const l = this.ip.layerFor(remote)!;
    return l.pseudoHeaderSum(l.sourceFor(remote), remote, IP_PROTOCOL_TCP, len);
  }

  // ------------------------------------------------------------- the API

  /** Listen on `port` (every IP version the stack has): `acceptor` says
   * what handles each new connection. Null if something listens there. */
  listen(port: u16, handler: FlowAcceptor, backlog: i32 = -1): bool {
    if (port == 0 || this.listeners.has(port)) return false;
    const l = new TcpListener(this, port, handler, backlog > 0 ? backlog : this.config.backlog);
    this.listeners.set(port, l);
    return true;
  }

  unlisten(port: u16): void {
    if (!this.listeners.has(port)) return;
    const l = this.listeners.get(port);
    this.listeners.delete(port);
    l.closed = true;
  }

  describe(): string {
    return this.config.toString();
  }


  /** Open a connection to `to` (active open, RFC 9293 §3.10.1); the
   * handler hears `connected` or `closed(Refused | Timeout)`. Null when
   * no connection or port is free, or the address's IP version is off. */
  connect(to: IpEndpoint, handler: FlowHandler, srcPort: u16 = 0): Flow | null {
    const dst = to.address;
    const dstPort = to.port;
    if (this.active >= this.config.maxConnections || this.ip.layerFor(dst) === null) return null;
    const port = srcPort != 0 ? srcPort : this.freePort(dst, dstPort);
    if (port == 0 || this.find(dst, dstPort, port) !== null) return null;
    const rb = this.rcvPool.take();
    const sb = this.sndPool.take();
    if (rb === null || sb === null) {
      if (rb !== null) this.rcvPool.release(rb);
      if (sb !== null) this.sndPool.release(sb);
      return null;
    }
    const c = new TcpConnection(this, port, dst.clone(), dstPort);
    c.rcv = new RecvBuffer(rb);
    c.snd = new SendBuffer(sb);
    c.handler = handler;
    c.state = TcpState.SynSent;
    initSend(this, c);
    c.rcvWscale = this.config.windowScaling ? windowShift(this.config.rcvBuf) : 0;
    this.add(c);
    this.schedule(c);
    return c.socket;
  }

  /** How many connections are in each state now, indexed by TcpState
   * (one walk of the table). */
  countByState(): StaticArray<i32> {
    const counts = new StaticArray<i32>(10);
    const all = this.table.values();
    for (let i = 0; i < all.length; i++) {
      for (let c: TcpConnection | null = all[i]; c !== null; c = c.nextInBucket) counts[<i32>c.state]++;
    }
    return counts;
  }

  /** Connections in the table, TIME-WAIT included. */
  get connections(): i32 {
    return this.active + this.timeWait;
  }

  // ------------------------------------------------------- segments in

  input(d: IpDatagram): void {
    const counters = this.counters;
    counters.segmentsIn++;
    if (d.broadcast) {
      counters.dropBroadcast++;
      return;
    }
    moveWindow(this.rxWindow, d.buf, d.l4, d.len);
    const seg = this.seg;
    const layer = d.layer!;
    const e = seg.parseWith(this.rxPacket, layer.pseudoHeaderSum(d.src, d.dst, IP_PROTOCOL_TCP, d.len));
    if (e != WireError.Ok) {
      if (e == WireError.BadChecksum) counters.dropBadChecksum++;
      else counters.dropMalformed++;
      return;
    }
    if (seg.options.ignored) counters.optionsIgnored++;
    const c = this.find(d.src, seg.srcPort, seg.dstPort);
    if (c !== null) {
      segmentArrives(c, seg);
      return;
    }
    if (this.listeners.has(seg.dstPort)) {
      listenInput(this, this.listeners.get(seg.dstPort), seg, d.src);
      return;
    }
    // CLOSED (RFC 9293 §3.10.7.1): answer anything but a RST with a RST.
    counters.dropNoListener++;
    if (seg.has(TCP_RST)) return;
    if (seg.has(TCP_ACK_FLAG)) this.sendReset(d.src, seg.srcPort, seg.dstPort, seg.ack, 0, false);
    else this.sendReset(d.src, seg.srcPort, seg.dstPort, 0, seg.seq + <u32>seg.seqLen, true);
  }

  /** The connection of remote:remotePort -> :localPort, or null. */
  find(remote: IpAddress, remotePort: u16, localPort: u16): TcpConnection | null {
    const key = connectionKey(remote, remotePort, localPort);
    if (!this.table.has(key)) return null;
    let c: TcpConnection | null = this.table.get(key);
    while (c !== null && !c.matches(remote, remotePort, localPort)) c = c.nextInBucket;
    return c;
  }

  /** Put a new connection in the table (passive.ts, connect). */
  add(c: TcpConnection): void {
    const key = c.key;
    c.nextInBucket = this.table.has(key) ? this.table.get(key) : null;
    this.table.set(key, c);
    this.active++;
  }

  /** Take `c` out of the table. */
  private remove(c: TcpConnection): void {
    const key = c.key;
    if (!this.table.has(key)) return;
    let head: TcpConnection | null = this.table.get(key);
    if (head === c) {
      const next = c.nextInBucket;
      if (next === null) this.table.delete(key);
      else this.table.set(key, next);
    } else {
      while (head !== null && head.nextInBucket !== c) head = head.nextInBucket;
      if (head !== null) head.nextInBucket = c.nextInBucket;
    }
    c.nextInBucket = null;
  }

  /** The listener on `port`, or null. */
  listenerOn(port: u16): TcpListener | null {
    return this.listeners.has(port) ? this.listeners.get(port) : null;
  }

  // ----------------------------------------------------- ends of connections

  /** `c` was just closed by its application: it may be reclaimed. */
  orphaned(c: TcpConnection): void {
    const q = this.orphans;
    if (q.length >= 2 * this.config.maxConnections) this.pruneOrphans();
    q.push(c);
  }

  /** Keep only the live orphans, in order. */
  private pruneOrphans(): void {
    const q = this.orphans;
    let n = 0;
    for (let i = this.orphanHead; i < q.length; i++) {
      const c = unchecked(q[i]);
      if (!c.dead && !c.inTimeWait) unchecked(q[n++] = c);
    }
    q.length = n;
    this.orphanHead = 0;
  }

  /** The table is full and a new connection wants in: reset the oldest
   * orphan (Linux likewise lets orphans go first under pressure,
   * tcp_out_of_resources), else a connection a listener's acceptor can
   * spare (an idle one). Whether a slot was freed. */
  makeRoom(): bool {
    const q = this.orphans;
    while (this.orphanHead < q.length) {
      const c = unchecked(q[this.orphanHead++]);
      if (c.dead || c.inTimeWait) continue;
      if (this.orphanHead == q.length) {
        q.length = 0;
        this.orphanHead = 0;
      }
      this.counters.orphansReclaimed++;
      c.abort();
      return true;
    }
    q.length = 0;
    this.orphanHead = 0;
    const all = this.listeners.values();
    for (let i = 0; i < all.length; i++) {
      const f = all[i].handler.spareFlow();
      if (f !== null && !f.isClosed) {
        this.counters.idleReclaimed++;
        f.abort();
        return true;
      }
    }
    return false;
  }

  /** Both FINs are in: the state is TIME-WAIT (the caller set it); once
   * the segment is processed, settleTimeWait() finishes the move. */
  enterTimeWait(c: TcpConnection): void {
    c.state = TcpState.TimeWait;
  }

  /** The application is done with a connection now in TIME-WAIT: its
   * buffers go back, its handler hears `closed`, and the table keeps it
   * for 2 MSL (RFC 9293 §3.6), unless TIME-WAIT is full. */
  settleTimeWait(c: TcpConnection): void {
    if (c.inTimeWait || c.dead) return;
    if (this.timeWait >= this.config.maxTimeWait) {
      this.counters.timeWaitSkipped++;
      output(c); // the last ACK
      this.destroy(c, CloseReason.Normal);
      return;
    }
    c.inTimeWait = true;
    this.active--;
    this.timeWait++;
    c.rtxTimer.cancel();
    c.persisting = false;
    c.idleTimer.armAfter(this.config.timeWait);
    this.releaseBuffers(c);
    this.notifyClosed(c, CloseReason.Normal);
  }

  /** Remove a connection for good; its handler hears `closed(reason)`
   * unless it already has. */
  destroy(c: TcpConnection, reason: CloseReason): void {
    if (c.dead) return;
    c.dead = true;
    c.rtxTimer.cancel();
    c.ackTimer.cancel();
    c.idleTimer.cancel();
    this.remove(c);
    if (c.inTimeWait) this.timeWait--;
    else this.active--;
    const l = c.listener;
    if (l !== null) {
      l.pending--;
      c.listener = null;
    }
    this.releaseBuffers(c);
    if (!c.inTimeWait) this.notifyClosed(c, reason);
  }

  private notifyClosed(c: TcpConnection, reason: CloseReason): void {
    const counters = this.counters;
    if (reason == CloseReason.Normal) counters.closedNormal++;
    else if (reason == CloseReason.Timeout) counters.closedTimeout++;
    else if (reason == CloseReason.Aborted) counters.closedAborted++;
    else counters.closedReset++;
    const h = c.handler;
    c.handler = null;
    if (h !== null) h.closed(c.socket, reason);
  }

  private releaseBuffers(c: TcpConnection): void {
    const r = c.rcv;
    if (r !== null) {
      this.rcvPool.release(r.buf);
      c.rcv = null;
    }
    const s = c.snd;
    if (s !== null) {
      this.sndPool.release(s.buf);
      c.snd = null;
    }
  }

  // ------------------------------------------------------ segments out

  /** Have output() run for `c` at the end of this turn of the loop. */
  schedule(c: TcpConnection): void {
    if (c.queued || c.dead) return;
    c.queued = true;
    this.dirty.push(c);
    // Due now, not at 0: the timer heap runs earlier deadlines first, and a
    // timer re-armed while timers fire waits for the next turn, so a flush
    // due at 0 re-armed under load would starve every other timer.
    if (!this.flushTimer.armed) this.flushTimer.armAt(now());
  }

  /** Run output() for every connection scheduled, sending at most
   * SEND_BUDGET segments in this turn: one netWrite each costs tens of
   * microseconds on some hosts, and the ACKs that arrive meanwhile must be
   * read before the retransmission timers (and the peers) give up on
   * them. Connections left over go first next turn; one that used up the
   * budget goes last. */
  flush(): void {
    const list = this.dirty;
    this.sendBudget = SEND_BUDGET;
    let i = 0;
    let cut: TcpConnection | null = null;
    while (i < list.length) {
      const c = unchecked(list[i++]);
      c.queued = false;
      output(c);
      if (this.sendBudget <= 0) {
        cut = c;
        break;
      }
    }
    // Keep what was not served, in order, then the one that was cut.
    let n = 0;
    while (i < list.length) unchecked(list[n++] = list[i++]);
    list.length = n;
    if (cut !== null && !cut.dead) {
      cut.queued = true;
      list.push(cut);
    }
    this.sendBudget = i32.MAX_VALUE; // timers send outside flush
    if (list.length > 0) this.flushTimer.armAt(now());
    this.checkHeap();
  }

  /** The incremental collector lets garbage reach about twice the live
   * data before it catches up, and linear memory never shrinks: under a
   * load that allocates fast, the heap could grow to the limit, where the
   * next allocation traps. So when the heap has grown past half the limit
   * (and again each time it grows further), collect in full now. The
   * heap grows at most (limit / 2) / 64 KiB times, so this stays rare. */
  private checkHeap(): void {
    const size = <i64>memory.size() << 16;
    if (size <= this.heapMark) return;
    this.heapMark = size;
    if (size > this.memoryLimit / 2) {
      this.counters.collections++;
      __collect();
    }
  }

  /** RFC 5961 §7: challenge ACKs are rate-limited, first per connection
   * (invalidAckLimited), then all connections together with a budget
   * drawn anew each second, so that an off-path attacker cannot count
   * them to learn whether a spoofed segment hit a window (CVE-2016-5696). */
  challengeAck(c: TcpConnection, seg: TcpRepr): void {
    if (this.invalidAckLimited(c, seg)) {
      this.counters.challengeAcksLimited++;
      return;
    }
    const second = now() / SECOND;
    if (second != this.challengeSecond) {
      this.challengeSecond = second;
      const limit = this.config.challengeAckLimit;
      this.challengeTokens = (limit + 1) / 2 + (limit > 0 ? <i32>(randomU32() % <u32>limit) : 0);
    }
    if (this.challengeTokens <= 0) {
      this.counters.challengeAcksLimited++;
      return;
    }
    this.challengeTokens--;
    this.counters.challengeAcks++;
    c.ackNow = true;
    this.schedule(c);
  }

  /** Whether an ACK answering the invalid segment `seg` must not be sent:
   * one per connection per invalidAckInterval, as Linux's
   * tcp_oow_rate_limited, so that two hosts cannot be set answering each
   * other's ACKs forever. Segments with data (a SYN aside) are always
   * answered: a retransmission whose ACK was lost needs one. */
  invalidAckLimited(c: TcpConnection, seg: TcpRepr): bool {
    if (seg.seqLen > 0 && !seg.has(TCP_SYN)) return false;
    const t = now();
    if (t < c.lastInvalidAck + this.config.invalidAckInterval) return true;
    c.lastInvalidAck = t;
    return false;
  }

  /** A RST for a segment no connection takes (RFC 9293 §3.10.7.1). */
  sendReset(remote: IpAddress, remotePort: u16, localPort: u16, seq: u32, ack: u32, withAck: bool): void {
    this.txOptions.clear();
    this.counters.resetsOut++;
    this.emitRaw(remote, localPort, remotePort, seq, ack, withAck ? TCP_RST | TCP_ACK_FLAG : TCP_RST, 0);
  }

  /** A segment without connection, with the options in txOptions
   * (RSTs here, SYN cookies in passive.ts). */
  emitRaw(dst: IpAddress, srcPort: u16, dstPort: u16, seq: u32, ack: u32, flags: u8, window: u16): void {
    const o = this.txOptions;
    const hl = TCP_HEADER_LEN + o.bufferLen();
    const p = moveWindow(this.txWindow, this.tx, HEADROOM, hl);
    const s = this.txPacket;
    s.srcPort = srcPort;
    s.dstPort = dstPort;
    s.seq = seq;
    s.ack = ack;
    s.headerLen = hl;
    s.flags = flags;
    s.window = window;
    s.urgent = 0;
    o.emit(p.dataStart + TCP_HEADER_LEN);
    s.fillWith(this.pseudoHeaderSum(dst, hl));
    this.transmit(dst, hl);
  }

  /** Send the `len` bytes at HEADROOM in `tx` to `dst`; with `tsoMss` >
   * 0, a super-segment for the link to cut into segments of that many
   * payload bytes (its checksum field holding the pseudo-header sum). */
  transmit(dst: IpAddress, len: i32, tsoMss: i32 = 0): void {
    this.counters.segmentsOut++;
    if (tsoMss > 0) this.counters.superSegmentsOut++;
    const l = this.ip.layerFor(dst);
    if (l !== null) l.send(dst, IP_PROTOCOL_TCP, this.tx, HEADROOM, len, NO_MAC, tsoMss);
  }

  /** A dynamic port with no connection to dst:dstPort, from a random
   * start (RFC 6056 §3.3.1's simple randomisation); 0 if none. */
  private freePort(dst: IpAddress, dstPort: u16): u16 {
    const start = <i32>(randomU32() % <u32>EPHEMERAL_COUNT);
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = <u16>(EPHEMERAL_FIRST + (start + i) % EPHEMERAL_COUNT);
      if (this.find(dst, dstPort, port) === null && !this.listeners.has(port)) return port;
    }
    return 0;
  }
}

/** What the layer holds now (gauges, not counts): connections by kind and
 * state, buffers taken from the pools. */
class TcpLoad extends Counters {
  constructor(readonly layer: TcpLayer) { super(); }
  visit(v: CounterVisitor): void {
    const t = this.layer;
    v.gauge("active", <u64>t.active);
    v.gauge("timewait", <u64>t.timeWait);
    v.gauge("rcvpool", <u64>t.rcvPool.allocated);
    v.gauge("sndpool", <u64>t.sndPool.allocated);
    v.gauge("buffers", <u64>t.config.bufferBound);
    const n = t.countByState();
    v.gauge("established", <u64>n[<i32>TcpState.Established]);
    v.gauge("finwait1", <u64>n[<i32>TcpState.FinWait1]);
    v.gauge("finwait2", <u64>n[<i32>TcpState.FinWait2]);
    v.gauge("closewait", <u64>n[<i32>TcpState.CloseWait]);
    v.gauge("lastack", <u64>n[<i32>TcpState.LastAck]);
    v.gauge("synreceived", <u64>n[<i32>TcpState.SynReceived]);
  }
}

/** Hands IP's segments to the layer (TcpLayer's base is StreamTransport). */
class TcpInput extends IpProtocol {
  constructor(readonly layer: TcpLayer) { super(); }
  input(d: IpDatagram): void { this.layer.input(d); }
}
