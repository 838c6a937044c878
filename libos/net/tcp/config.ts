// TCP's limits and tunables, all in one place, with defaults derived from
// the memory the guest may use (libos/platform memoryLimit), so that the
// same image serves as many connections as its --mem allows and never more.
//
// The budget: a third of the memory limit goes to connection buffers (the
// rest holds the program, its other data, and the garbage the incremental
// collector has not reached yet). Each connection gets one receive and one
// send buffer from fixed-size pools (buffer.ts), so buffer memory is at
// most maxConnections × (rcvBuf + sndBuf), whatever the peers do. The
// buffer size per connection is the budget over 256 connections, between
// 32 KiB and 256 KiB, so that some 250 connections fit down to small
// guests:
//
//   --mem   limit   budget   rcvBuf+sndBuf   maxConnections
//   512M    508M    169M     128K+128K       ~650
//   64M     60M     20M      32K+32K         ~300
//   32M     28M     9.3M     16K+16K         ~270
//   16M     12M     4.2M     16K+16K         ~120
//
// Every value can be overridden by a boot argument (args.ts).
import { MILLISECOND, SECOND } from "../../platform/index";

/** Bytes per connection besides its buffers: control block, timers, HTTP
 * state above it. Counted so that maxConnections keeps to the budget. */
export const CONNECTION_OVERHEAD: i32 = 2048;

export class TcpConfig {
  /** Receive buffer per connection: the largest window we advertise. */
  rcvBuf: i32 = 64 * 1024;
  /** Send buffer per connection: what write() accepts before saying full. */
  sndBuf: i32 = 64 * 1024;
  /** Connections in any state but TIME_WAIT, SYN_RECEIVED included. */
  maxConnections: i32 = 256;
  /** Connections in SYN_RECEIVED per listener; beyond, SYN cookies (or
   * drops when cookies are off). */
  backlog: i32 = 128;
  /** Connections kept in TIME_WAIT; beyond, a closing connection skips it
   * (as Linux does when its bucket overflows). */
  maxTimeWait: i32 = 256;
  /** Answer SYNs with cookies (RFC 4987 §3.6) when a backlog is full. */
  synCookies: bool = true;

  /** RFC 6298 §2.1: the RTO before any measurement. */
  initialRto: i64 = SECOND;
  /** RFC 6298 §2.4 asks for 1 s; like Linux we use 200 ms, which on a LAN
   * recovers a lost tail without stalling for a second. */
  minRto: i64 = 200 * MILLISECOND;
  /** RFC 6298 §2.5: an upper bound of at least 60 s. */
  maxRto: i64 = 60 * SECOND;
  /** Retransmissions of one segment before the connection is dropped
   * (RFC 1122 §4.2.3.5 R2: at least 100 s; 12 backoffs from 200 ms
   * reach ~100 s with the 60 s cap). */
  maxRetries: i32 = 12;
  /** Retransmissions, and zero-window probes answered or not, before a
   * connection the application has closed (an orphan: nobody will read or
   * write it again) is dropped: Linux's tcp_orphan_retries (8 when left
   * at 0), ~100 s of backoff from 200 ms. A peer that keeps its window
   * shut cannot hold an orphan's slot for longer. */
  orphanRetries: i32 = 8;
  /** SYN or SYN-ACK retransmissions before giving up (R2 for SYNs: at
   * least 3 minutes is asked; Linux gives up after ~63 s with 5). */
  synRetries: i32 = 5;
  /** RFC 1122 §4.2.3.2: an ACK may wait at most 500 ms; Linux waits 40 ms. */
  delayedAck: i64 = 40 * MILLISECOND;
  /** TIME_WAIT lasts 2 MSL (RFC 9293 §3.4.2); Linux uses 60 s in all. */
  timeWait: i64 = 60 * SECOND;
  /** A closed connection waiting in FIN_WAIT_2 for the peer's FIN is
   * dropped after this (the application cannot read it any more). */
  finWait2Timeout: i64 = 60 * SECOND;
  /** Zero-window probes back off up to this interval. */
  maxPersist: i64 = 60 * SECOND;
  /** Challenge ACKs (RFC 5961 §7) per second, all connections together:
   * each second's budget is drawn between half and one and a half times
   * this, so that counting them tells an off-path attacker nothing
   * (CVE-2016-5696; Linux 4.7 did the same). */
  challengeAckLimit: i32 = 100;
  /** At most one ACK per connection in this interval answers segments
   * that are out of window, fail PAWS, or earn a challenge ACK, unless
   * they carry data (Linux: tcp_invalid_ratelimit, 500 ms). */
  invalidAckInterval: i64 = 500 * MILLISECOND;

  /** Keepalive (RFC 1122 §4.2.3.6), for connections that turn it on:
   * idle time before the first probe (at least two hours by default),
   * interval between probes, unanswered probes before dropping. */
  keepIdle: i64 = 7200 * SECOND;
  keepInterval: i64 = 75 * SECOND;
  keepCount: i32 = 9;

  /** Timestamps (RFC 7323), window scaling and SACK (RFC 2018) offered
   * and accepted; off only to test their absence. */
  timestamps: bool = true;
  windowScaling: bool = true;
  sack: bool = true;

  /** Defaults for a guest whose linear memory may grow to `memory` bytes:
   * bufferBudget's share of it for buffers, split so that 256 connections
   * fit, each with 8 to 128 KiB a direction. A small guest thus takes many
   * connections with small buffers rather than few with large ones: the
   * website in --mem=8 (4.4 MiB of Wasm memory) holds 108 of 8 + 8 KiB,
   * and serves 100 on its 100 KiB page. */
  static forMemory(memory: i64): TcpConfig {
    const c = new TcpConfig();
    const budget = bufferBudget(memory);
    let perConnection = pow2Floor(budget / 256);
    if (perConnection < 16 * 1024) perConnection = 16 * 1024;
    if (perConnection > 256 * 1024) perConnection = 256 * 1024;
    c.rcvBuf = <i32>(perConnection / 2);
    c.sndBuf = <i32>(perConnection / 2);
    c.applyBudget(budget);
    return c;
  }

  /** maxConnections from a byte budget and the buffer sizes in force. */
  applyBudget(budget: i64): void {
    let n = budget / <i64>(this.rcvBuf + this.sndBuf + CONNECTION_OVERHEAD);
    if (n < 8) n = 8;
    if (n > 16384) n = 16384;
    this.maxConnections = <i32>n;
    this.maxTimeWait = <i32>n;
    this.backlog = backlogFor(this.maxConnections);
  }

  /** The most buffer memory all connections together can hold. */
  get bufferBound(): i64 {
    return <i64>this.maxConnections * <i64>(this.rcvBuf + this.sndBuf);
  }

  toString(): string {
    return "rcvbuf " + this.rcvBuf.toString() + " sndbuf " + this.sndBuf.toString() + " max-connections " +
      this.maxConnections.toString() + " backlog " + this.backlog.toString() + " time-wait " +
      this.maxTimeWait.toString() + (this.synCookies ? " syncookies" : "");
  }
}

/** The bytes of a `memory`-byte linear memory that TCP's buffers may
 * take: 3/8, the rest for the application, the stack's tables and the
 * allocator's slack; 7/16 below 16 MiB, where buffers are at their
 * smallest (8 KiB a direction) and the rest needs less than 5/8: the
 * website in --mem=8 has 4.4 MiB of linear memory, whose 3/8 held 93
 * connections, 7/16 holds 108 (serving 100 on its 100 KiB page, its
 * memory grows to 4.1 MiB). */
export function bufferBudget(memory: i64): i64 {
  return memory < SMALL_MEMORY ? memory * 7 / 16 : memory * 3 / 8;
}
const SMALL_MEMORY: i64 = 16 << 20;

/** Half the connections may be half-open at once (at least 16, at most
 * 1024): a burst of clients connecting together (wrk's 100) gets real
 * SYN-ACKs, with every option, and cookies only answer floods. */
export function backlogFor(maxConnections: i32): i32 {
  const b = maxConnections / 2;
  return b < 16 ? 16 : b > 1024 ? 1024 : b;
}

function pow2Floor(n: i64): i64 {
  if (n <= 1) return 1;
  return <i64>1 << (63 - clz<i64>(n));
}
