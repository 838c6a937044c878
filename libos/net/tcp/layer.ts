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
import { Timer, memoryLimit, now, randomU32, SECOND } from "../../platform/index";
import { NET_TSO_MAX_FRAME } from "../../platform/abi";
import { ETH_HEADER_LEN, IP_PROTOCOL_TCP, IPV4_HEADER_LEN } from "../../wire/index";
import {
  TCP_ACK_FLAG, TCP_HEADER_LEN, TCP_MAX_HEADER_LEN, TCP_RST, TCP_SYN, TcpOptions, TcpPacket, TcpRepr,
} from "../../wire/tcp";
import { WireError } from "../../wire/error";
import { Ipv4Datagram, Ipv4Layer, Ipv4Protocol } from "../ipv4";
import { NO_MAC } from "../arp";
import { moveWindow, newWindow } from "../window";
import { CloseReason, TcpHandler, TcpListenHandler, TcpState, stateName } from "./api";
import { BufferPool, RecvBuffer, SendBuffer } from "./buffer";
import { TcpConfig } from "./config";
import { TcpConnection, connectionKey } from "./connection";
import { TcpCounters } from "./counters";
import { segmentArrives, windowShift } from "./input";
import { initSend, listenInput } from "./passive";
import { IsnGenerator } from "./isn";
import { TcpListener } from "./listener";
import { configFromArguments } from "./args";
import { Stack } from "../stack";
import { output } from "./output";

/** Room in front of a segment for the Ethernet and IPv4 headers. */
export const HEADROOM: i32 = ETH_HEADER_LEN + IPV4_HEADER_LEN;
/** Segments sent per turn of the event loop at most (see flush). */
const SEND_BUDGET: i32 = 64;
/** RFC 6335 §6: the dynamic ports, for connect() without a port. */
const EPHEMERAL_FIRST: i32 = 49152;
const EPHEMERAL_COUNT: i32 = 65536 - EPHEMERAL_FIRST;

class FlushTimer extends Timer {
  constructor(readonly layer: TcpLayer) { super(); }
  fire(time: i64): void { this.layer.flush(); }
}

export class TcpLayer implements Ipv4Protocol {
  readonly counters: TcpCounters = new TcpCounters();
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

  constructor(readonly ipv4: Ipv4Layer, readonly config: TcpConfig = TcpConfig.forMemory(memoryLimit())) {
    this.mtu = ipv4.ethernet.mtu;
    this.tsoMax = ipv4.tso ? NET_TSO_MAX_FRAME - HEADROOM : 0;
    this.tx = new Uint8Array(HEADROOM + (this.tsoMax > TCP_MAX_HEADER_LEN + this.mtu ? this.tsoMax : TCP_MAX_HEADER_LEN + this.mtu));
    this.rxPacket = new TcpPacket(this.rxWindow);
    this.txPacket = new TcpPacket(this.txWindow);
    this.rcvPool = new BufferPool(config.rcvBuf, config.maxConnections);
    this.sndPool = new BufferPool(config.sndBuf, config.maxConnections);
    this.flushTimer = new FlushTimer(this);
    ipv4.register(IP_PROTOCOL_TCP, this);
  }

  /** Our address: IPv4's, which DHCP may change. */
  get address(): u32 {
    return this.ipv4.address;
  }

  /** TCP on `stack`, configured from the memory and the --tcp-* boot
   * arguments (parsed by Stack.fromBootArguments). */
  static fromStack(stack: Stack): TcpLayer {
    return new TcpLayer(stack.ipv4, configFromArguments());
  }

  // ------------------------------------------------------------- the API

  /** Listen on `port`; null if something already listens there. */
  listen(port: u16, handler: TcpListenHandler, backlog: i32 = -1): TcpListener | null {
    if (port == 0 || this.listeners.has(port)) return null;
    const l = new TcpListener(this, port, handler, backlog > 0 ? backlog : this.config.backlog);
    this.listeners.set(port, l);
    return l;
  }

  unlisten(l: TcpListener): void {
    if (this.listeners.has(l.port) && this.listeners.get(l.port) === l) this.listeners.delete(l.port);
    l.closed = true;
  }

  /** Open a connection to dst:dstPort (active open, RFC 9293 §3.10.1);
   * the handler hears `connected` or `closed(Refused | Timeout)`. Null
   * when no connection or port is free. */
  connect(dst: u32, dstPort: u16, handler: TcpHandler, srcPort: u16 = 0): TcpConnection | null {
    if (this.active >= this.config.maxConnections) return null;
    const port = srcPort != 0 ? srcPort : this.freePort(dst, dstPort);
    if (port == 0 || this.table.has(connectionKey(dst, dstPort, port))) return null;
    const rb = this.rcvPool.take();
    const sb = this.sndPool.take();
    if (rb === null || sb === null) {
      if (rb !== null) this.rcvPool.release(rb);
      if (sb !== null) this.sndPool.release(sb);
      return null;
    }
    const c = new TcpConnection(this, port, dst, dstPort);
    c.rcv = new RecvBuffer(rb);
    c.snd = new SendBuffer(sb);
    c.handler = handler;
    c.state = TcpState.SynSent;
    initSend(this, c);
    c.rcvWscale = this.config.windowScaling ? windowShift(this.config.rcvBuf) : 0;
    this.add(c);
    this.schedule(c);
    return c;
  }

  /** How many connections are in each state: "ESTABLISHED=3 TIME-WAIT=1". */
  stateCounts(): string {
    const counts = new StaticArray<i32>(10);
    const all = this.table.values();
    for (let i = 0; i < all.length; i++) counts[<i32>all[i].state]++;
    let text = "";
    for (let s = 0; s < 10; s++) {
      if (counts[s] > 0) text += (text.length > 0 ? " " : "") + stateName(<TcpState>s) + "=" + counts[s].toString();
    }
    return text;
  }

  /** Connections in the table, TIME-WAIT included. */
  get connections(): i32 {
    return this.active + this.timeWait;
  }

  // ------------------------------------------------------- segments in

  input(d: Ipv4Datagram): void {
    const counters = this.counters;
    counters.segmentsIn++;
    if (d.broadcast) {
      counters.dropBroadcast++;
      return;
    }
    moveWindow(this.rxWindow, d.buf, d.l4, d.len);
    const seg = this.seg;
    const e = seg.parse(this.rxPacket, d.src, d.dst);
    if (e != WireError.Ok) {
      if (e == WireError.BadChecksum) counters.dropBadChecksum++;
      else counters.dropMalformed++;
      return;
    }
    if (seg.options.ignored) counters.optionsIgnored++;
    const key = connectionKey(d.src, seg.srcPort, seg.dstPort);
    if (this.table.has(key)) {
      segmentArrives(this.table.get(key), seg);
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

  /** Put a new connection in the table (passive.ts, connect). */
  add(c: TcpConnection): void {
    this.table.set(c.key, c);
    this.active++;
  }

  /** The listener on `port`, or null. */
  listenerOn(port: u16): TcpListener | null {
    return this.listeners.has(port) ? this.listeners.get(port) : null;
  }

  // ----------------------------------------------------- ends of connections

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
    const key = c.key;
    if (this.table.has(key) && this.table.get(key) === c) this.table.delete(key);
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
    if (h !== null) h.closed(c, reason);
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
  sendReset(remote: u32, remotePort: u16, localPort: u16, seq: u32, ack: u32, withAck: bool): void {
    this.txOptions.clear();
    this.counters.resetsOut++;
    this.emitRaw(remote, localPort, remotePort, seq, ack, withAck ? TCP_RST | TCP_ACK_FLAG : TCP_RST, 0);
  }

  /** A segment without connection, with the options in txOptions
   * (RSTs here, SYN cookies in passive.ts). */
  emitRaw(dst: u32, srcPort: u16, dstPort: u16, seq: u32, ack: u32, flags: u8, window: u16): void {
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
    s.fillChecksum(this.address, dst);
    this.transmit(dst, hl);
  }

  /** Send the `len` bytes at HEADROOM in `tx` to `dst`; with `tsoMss` >
   * 0, a super-segment for the link to cut into segments of that many
   * payload bytes (its checksum field holding the pseudo-header sum). */
  transmit(dst: u32, len: i32, tsoMss: i32 = 0): void {
    this.counters.segmentsOut++;
    if (tsoMss > 0) this.counters.superSegmentsOut++;
    this.ipv4.send(dst, IP_PROTOCOL_TCP, this.tx, HEADROOM, len, NO_MAC, tsoMss);
  }

  /** A dynamic port with no connection to dst:dstPort, from a random
   * start (RFC 6056 §3.3.1's simple randomisation); 0 if none. */
  private freePort(dst: u32, dstPort: u16): u16 {
    const start = <i32>(randomU32() % <u32>EPHEMERAL_COUNT);
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = <u16>(EPHEMERAL_FIRST + (start + i) % EPHEMERAL_COUNT);
      if (!this.table.has(connectionKey(dst, dstPort, port)) && !this.listeners.has(port)) return port;
    }
    return 0;
  }
}
