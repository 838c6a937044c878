// SEGMENT ARRIVES (RFC 9293 §3.10.7) for a connection in the table, in
// the RFC's order: SYN-SENT on its own; otherwise PAWS (RFC 7323 §5),
// the acceptability test and trimming to the window, RST (with RFC 5961
// §3's exact-match rule and challenge ACKs), SYN (RFC 5961 §4: a
// challenge ACK), the ACK field (RFC 5961 §5's range), the data, the FIN.
// The handler hears about new data, the peer's FIN and the end of the
// connection after the segment has been taken in.
import { now, MILLISECOND } from "../../platform/index";
import { TCP_ACK_FLAG, TCP_FIN, TCP_RST, TCP_SYN, TCP_TIMESTAMPS_LEN, TcpOptions, TcpRepr } from "../../wire/tcp";
import { CloseReason, TcpState } from "./api";
import { checkLostRetransmissions, dupAck, initCongestion, newAck } from "./congestion";
import { TcpConnection } from "./connection";
import { restartRetransmit } from "./output";
import { establish, reuseTimeWait } from "./passive";
import { seqDiff, seqGe, seqGt, seqLe, seqLt } from "./seq";

/** RFC 7323 §5.5: TS.Recent older than 24 days is no reference any more. */
const PAWS_IDLE: i64 = 24 * 86400 * 1_000_000_000;

/** A segment for `c`, already checked (checksum, header, options). */
export function segmentArrives(c: TcpConnection, seg: TcpRepr): void {
  c.segmentsIn++;
  c.lastHeard = now();
  c.keepProbes = 0;
  if (c.state == TcpState.SynSent) synSent(c, seg);
  else synchronized(c, seg);
}

/** RFC 9293 §3.10.7.3. */
function synSent(c: TcpConnection, seg: TcpRepr): void {
  const layer = c.layer;
  const hasAck = seg.has(TCP_ACK_FLAG);
  if (hasAck && (seqLe(seg.ack, c.iss) || seqGt(seg.ack, c.sndMax))) {
    if (!seg.has(TCP_RST)) layer.sendReset(c.remote, c.remotePort, c.localPort, seg.ack, 0, false);
    layer.counters.dropBadAck++;
    return;
  }
  if (seg.has(TCP_RST)) {
    // RFC 5961 §3.2: in SYN-SENT a RST counts only if it acknowledges our SYN.
    if (hasAck) layer.destroy(c, CloseReason.Refused);
    return;
  }
  if (!seg.has(TCP_SYN)) return;
  c.irs = seg.seq;
  c.rcvNxt = seg.seq + 1;
  c.rcvAdv = c.rcvNxt;
  negotiate(c, seg.options, true);
  if (!hasAck) {
    // Simultaneous open (RFC 9293 §3.10.7.3, "fourth"): SYN-ACK our SYN.
    c.state = TcpState.SynReceived;
    c.sndNxt = c.iss;
    c.ackNow = true;
    layer.schedule(c);
    return;
  }
  c.sndWnd = <u32>seg.window; // RFC 7323 §2.2: a SYN's window is not scaled
  c.maxSndWnd = c.sndWnd;
  c.sndWl1 = seg.seq;
  c.sndWl2 = seg.ack;
  rttFromAck(c, seg);
  c.sndUna = seg.ack;
  c.bufSeq = seg.ack;
  c.retries = 0;
  c.rto.acked();
  c.rtxTimer.cancel();
  c.state = TcpState.Established;
  initCongestion(c);
  c.ackNow = true;
  layer.schedule(c);
  layer.counters.activeOpens++;
  const h = c.handler;
  if (h !== null) h.connected(c.socket);
}

/** Take the options of the peer's SYN: what both sides agreed on. */
export function negotiate(c: TcpConnection, o: TcpOptions, active: bool): void {
  const layer = c.layer;
  const cfg = layer.config;
  const ours = layer.maxSegment(c.remote);
  // RFC 9293 §3.7.1: 536 when the peer sends no MSS option.
  const theirs = o.mss == 0 ? 536 : <i32>o.mss;
  c.mss = theirs < ours ? theirs : ours;
  if (c.mss < 64) c.mss = 64; // a tiny MSS only multiplies segments (Linux: 48)
  c.wsOk = cfg.windowScaling && o.wscale >= 0;
  c.sndWscale = c.wsOk ? o.wscale : 0;
  c.rcvWscale = c.wsOk ? windowShift(cfg.rcvBuf) : 0;
  c.tsOk = cfg.timestamps && o.timestamps;
  if (c.tsOk) {
    c.tsRecent = o.tsVal;
    c.tsRecentAt = now();
    c.mss -= TCP_TIMESTAMPS_LEN; // RFC 7323 §3.2: the option takes room from every segment
  }
  c.sackOk = cfg.sack && o.sackPermitted;
}

/** The smallest shift that brings `rcvBuf` into 16 bits (RFC 7323 §2.3). */
export function windowShift(rcvBuf: i32): i32 {
  let s = 0;
  while (s < 14 && (rcvBuf >> s) > 65535) s++;
  return s;
}

/** RFC 9293 §3.10.7.4, for every state but SYN-SENT. */
function synchronized(c: TcpConnection, seg: TcpRepr): void {
  const layer = c.layer;
  const counters = layer.counters;
  const st = c.state;
  const rst = seg.has(TCP_RST);
  let syn = seg.has(TCP_SYN);
  let fin = seg.has(TCP_FIN);
  let seq = seg.seq;
  let ptr = seg.payload.dataStart;
  let len = seg.payload.byteLength;

  if (st == TcpState.SynReceived && syn && !rst && seq == c.irs) {
    if (seg.has(TCP_ACK_FLAG) && seqLt(c.sndUna, seg.ack) && seqLe(seg.ack, c.sndMax)) {
      // Simultaneous open (RFC 9293 Figure 7): the peer's SYN-ACK. Its SYN
      // is the one we have; the rest is an ordinary segment.
      syn = false;
      seq++;
    } else {
      // Our SYN-ACK was lost: the peer repeats its SYN.
      c.sndNxt = c.iss;
      c.ackNow = true;
      layer.schedule(c);
      return;
    }
  }

  // A new connection's SYN for a 4-tuple in TIME-WAIT (RFC 6191): taken
  // over when newer, before any window test (it is usually far outside).
  if (st == TcpState.TimeWait && syn && !rst && !seg.has(TCP_ACK_FLAG) && reuseTimeWait(layer, c, seg)) return;

  // PAWS (RFC 7323 §5.3 R1): an old timestamp means an old duplicate.
  const o = seg.options;
  if (c.tsOk && o.timestamps && !rst && seqLt(o.tsVal, c.tsRecent) && now() - c.tsRecentAt < PAWS_IDLE) {
    counters.dropPaws++;
    if (layer.invalidAckLimited(c, seg)) {
      counters.invalidAcksLimited++;
      return;
    }
    c.ackNow = true;
    layer.schedule(c);
    return;
  }

  // First, the sequence number (RFC 9293 §3.10.7.4 table).
  const r = c.rcv;
  const wnd = r === null ? layer.config.rcvBuf : r.window;
  const segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
  let acceptable: bool;
  if (segLen == 0) {
    acceptable = wnd == 0 ? seq == c.rcvNxt : inWindow(seq, c.rcvNxt, wnd);
  } else {
    acceptable = wnd > 0 && (inWindow(seq, c.rcvNxt, wnd) || inWindow(seq + <u32>segLen - 1, c.rcvNxt, wnd));
    // A zero window still takes ACKs and RSTs (RFC 9293 §3.10.7.4): the
    // data is dropped, the rest processed.
    if (!acceptable && wnd == 0 && seq == c.rcvNxt) {
      acceptable = true;
      len = 0;
      fin = false;
      counters.dropZeroWindow++;
      c.ackNow = true; // a zero-window probe: answer it
    }
  }
  if (!acceptable) {
    counters.dropOutOfWindow++;
    if (!rst && layer.invalidAckLimited(c, seg)) {
      counters.invalidAcksLimited++;
    } else if (!rst) {
      c.ackNow = true;
      layer.schedule(c);
      // TIME-WAIT: a repeated FIN means our last ACK was lost; 2 MSL
      // start again (RFC 9293 §3.10.7.4, eighth, TIME-WAIT).
      if (fin && st == TcpState.TimeWait) c.idleTimer.armAfter(layer.config.timeWait);
    }
    return;
  }

  // Second, RST (RFC 5961 §3.2): exactly RCV.NXT resets, anything else in
  // the window gets a challenge ACK.
  if (rst) {
    if (seq != c.rcvNxt) {
      layer.challengeAck(c, seg);
      return;
    }
    counters.resetsIn++;
    layer.destroy(c, st == TcpState.SynReceived && c.listener !== null ? CloseReason.Normal : CloseReason.Reset);
    return;
  }

  // Fourth, SYN in a synchronized state (RFC 5961 §4.2): challenge ACK.
  if (syn) {
    layer.challengeAck(c, seg);
    return;
  }

  // Trim what precedes RCV.NXT and what lies beyond the window.
  if (seqLt(seq, c.rcvNxt)) {
    const d = seqDiff(c.rcvNxt, seq);
    if (d >= len) {
      len = 0;
    } else {
      ptr += <usize>d;
      len -= d;
    }
    seq = c.rcvNxt;
  }
  const offset = seqDiff(seq, c.rcvNxt);
  if (offset + len > wnd) {
    len = wnd - offset;
    if (len < 0) len = 0;
    fin = false;
  }

  // Fifth, the ACK field.
  if (!seg.has(TCP_ACK_FLAG)) return;
  if (st == TcpState.SynReceived) {
    if (!(seqLt(c.sndUna, seg.ack) && seqLe(seg.ack, c.sndMax))) {
      layer.sendReset(c.remote, c.remotePort, c.localPort, seg.ack, 0, false);
      return;
    }
    if (!establish(layer, c, seg)) return;
  }
  if (seqGt(seg.ack, c.sndMax)) {
    // Acknowledges what was never sent (RFC 9293: ACK and drop; RFC 5961
    // §5.2 makes it a challenge ACK, which is the same segment).
    counters.dropBadAck++;
    layer.challengeAck(c, seg);
    return;
  }
  if (seqLt(seg.ack, c.sndUna - c.maxSndWnd)) {
    // RFC 5961 §5.2: older than any window the peer could have seen.
    counters.dropBadAck++;
    layer.challengeAck(c, seg);
    return;
  }
  const writable = processAck(c, seg, len, fin);
  if (c.dead) return;

  // RFC 7323 §4.3: TS.Recent from the segment that covers Last.ACK.sent.
  if (c.tsOk && o.timestamps && seqGe(o.tsVal, c.tsRecent) && seqLe(seg.seq, c.lastAckSent)) {
    c.tsRecent = o.tsVal;
    c.tsRecentAt = now();
  }

  // Seventh, the data.
  let readable = false;
  const st2 = c.state;
  if (len > 0) {
    if (st2 == TcpState.Established || st2 == TcpState.FinWait1 || st2 == TcpState.FinWait2) {
      readable = takeData(c, offset, ptr, len);
    } else {
      counters.dropAfterFin++;
    }
  }

  // Eighth, the FIN, now or once the data before it is in.
  let finished = false;
  if (fin) {
    const finSeq = seq + <u32>len;
    if (finSeq == c.rcvNxt) finished = true;
    else if (!c.peerFin) {
      c.peerFinPending = true;
      c.peerFinSeq = finSeq;
    }
  }
  if (!finished && c.peerFinPending && c.peerFinSeq == c.rcvNxt) finished = true;
  if (finished && !c.peerFin) {
    finReceived(c);
  } else if (finished && c.state == TcpState.TimeWait) {
    // The peer repeats its FIN: our last ACK was lost (RFC 9293 §3.10.7.4).
    c.ackNow = true;
    c.idleTimer.armAfter(layer.config.timeWait);
    layer.schedule(c);
  }

  if (c.ackNow) layer.schedule(c);
  deliver(c, readable, writable, finished);
  // Entered TIME-WAIT with this segment: the application hears `closed`
  // only now, after the data and the FIN.
  if (!c.dead && c.state == TcpState.TimeWait) layer.settleTimeWait(c);
}

/** Tell the handler what this segment brought. */
function deliver(c: TcpConnection, readable: bool, writable: bool, finished: bool): void {
  const h = c.handler;
  if (h === null || c.dead) return;
  if (readable) {
    if (c.appClosed) {
      c.rcv!.consume(c.rcv!.unread);
    } else {
      h.readable(c.socket);
      if (c.dead) return;
    }
  }
  // An ACK freed space and the application was told of less than all of
  // it, by a short write or by reading writeSpace: a writer that checked
  // the space before writing waits for this as much as a refused one.
  if (writable && c.wantWritable && c.sendSpace > 0) {
    c.wantWritable = false;
    h.writable(c.socket);
    if (c.dead) return;
  }
  if (finished && c.peerFin && !c.appClosed) h.peerClosed(c.socket);
}

/** lo <= x < lo + wnd */
@inline function inWindow(x: u32, lo: u32, wnd: i32): bool {
  return seqGe(x, lo) && seqLt(x, lo + <u32>wnd);
}

/** The ACK field, once acceptable: window update, acknowledged data,
 * round-trip time, congestion control, state changes when our FIN is
 * acknowledged. Returns whether send space was freed. */
function processAck(c: TcpConnection, seg: TcpRepr, len: i32, fin: bool): bool {
  const layer = c.layer;
  const ack = seg.ack;
  const o = seg.options;
  let freed = false;

  // SACK blocks first: recovery decisions below use them.
  if (c.sackOk && o.sackCount > 0) {
    for (let i = 0; i < o.sackCount; i++) c.sack.add(o.sack[2 * i], o.sack[2 * i + 1], c.sndUna, c.sndMax);
    checkLostRetransmissions(c);
  }

  // Window update (RFC 9293 §3.10.7.4: only from a newer segment).
  const window = <u32>seg.window << <u32>c.sndWscale;
  const oldWnd = c.sndWnd;
  if (seqLt(c.sndWl1, seg.seq) || (c.sndWl1 == seg.seq && seqLe(c.sndWl2, ack))) {
    c.sndWnd = window;
    c.sndWl1 = seg.seq;
    c.sndWl2 = ack;
    if (window > c.maxSndWnd) c.maxSndWnd = window;
    if (window > oldWnd) layer.schedule(c);
    if (window > 0 && c.persisting) {
      c.persisting = false;
      c.rtxTimer.cancel();
      c.rto.acked();
    }
  }

  if (seqGt(ack, c.sndUna)) {
    let acked = <u32>seqDiff(ack, c.sndUna);
    let data = acked;
    if (c.sndUna == c.iss) data--; // our SYN
    if (c.finQueued && seqGt(ack, c.finSeq)) data--; // our FIN
    const s = c.snd;
    if (s !== null && data > 0) {
      s.drop(<i32>data);
      c.bufSeq += data;
      freed = true;
    } else if (c.sndUna == c.iss) {
      c.bufSeq = c.iss + 1;
    }
    rttFromAck(c, seg);
    c.sndUna = ack;
    if (seqLt(c.sndNxt, ack)) c.sndNxt = ack;
    if (c.undoPending) spuriousTimeout(c, o);
    c.retries = 0;
    c.rto.acked();
    c.sack.advance(ack);
    newAck(c, acked);
    // RFC 6298 §5.2, §5.3: stop when all is acknowledged, else restart.
    c.probeSent = false;
    if (c.sndUna == c.sndMax) {
      if (!c.persisting) c.rtxTimer.cancel();
    } else if (!c.persisting) {
      restartRetransmit(c);
    }
    layer.schedule(c);
  } else if (ack == c.sndUna && len == 0 && !fin && c.sndMax != c.sndUna &&
    (window == oldWnd || o.sackCount > 0)) {
    layer.counters.dupAcksIn++;
    dupAck(c);
    layer.schedule(c);
  }

  // Our FIN acknowledged?
  if (c.finQueued && seqGt(c.sndUna, c.finSeq)) {
    const st = c.state;
    if (st == TcpState.FinWait1) {
      c.state = TcpState.FinWait2;
      if (c.appClosed) c.idleTimer.armAfter(layer.config.finWait2Timeout);
    } else if (st == TcpState.Closing) {
      layer.enterTimeWait(c);
    } else if (st == TcpState.LastAck) {
      layer.destroy(c, CloseReason.Normal);
    }
  }
  return freed;
}

/** The Eifel algorithm (RFC 3522 detection, RFC 4015 response): the first
 * ACK of new data after a timeout echoes a timestamp from before it, so
 * what it acknowledges was the original transmission, delayed rather
 * than lost: the timeout was spurious. Give back the window it took and
 * go on with new data instead of sending everything again. */
function spuriousTimeout(c: TcpConnection, o: TcpOptions): void {
  c.undoPending = false;
  if (!o.timestamps || o.tsEcr == 0 || !seqLt(o.tsEcr, c.undoTs)) return;
  c.layer.counters.spuriousTimeouts++;
  c.cwnd = c.undoCwnd;
  c.ssthresh = c.undoSsthresh;
  c.sndNxt = c.sndMax;
}

/** A round-trip sample from this ACK: its timestamp echo (RFC 7323
 * §4.1), else the one segment being timed (Karn's algorithm). */
function rttFromAck(c: TcpConnection, seg: TcpRepr): void {
  const o = seg.options;
  if (c.tsOk && o.timestamps && o.tsEcr != 0) {
    const ms = <i32>(c.tsNow() - o.tsEcr);
    if (ms >= 0) c.rto.sample(<i64>ms * MILLISECOND + MILLISECOND / 2);
    c.rttTiming = false;
  } else if (c.rttTiming && seqGt(seg.ack, c.rttSeq)) {
    c.rto.sample(now() - c.rttTime);
    c.rttTiming = false;
  }
}

/** Data at `offset` past RCV.NXT; whether RCV.NXT moved (new bytes to
 * read). Decides the acknowledgement: at once for out-of-order data and
 * for data that fills a hole (RFC 5681 §4.2), at once for every second
 * full-sized segment, else after the delayed-ACK timeout. */
function takeData(c: TcpConnection, offset: i32, ptr: usize, len: i32): bool {
  const r = c.rcv!;
  const hadHoles = r.ranges > 0;
  const moved = r.insert(offset, ptr, len);
  if (moved < 0) c.layer.counters.dropOutOfOrder++;
  if (moved <= 0) {
    c.layer.counters.outOfOrder++;
    c.ackNow = true;
    return false;
  }
  c.rcvNxt += <u32>moved;
  c.bytesIn += <u64>moved;
  if (hadHoles) {
    c.ackNow = true;
  } else if (len >= c.mss) {
    c.unackedSegments++;
    if (c.unackedSegments >= 2) c.ackNow = true;
  }
  if (!c.ackNow && !c.ackTimer.armed) c.ackTimer.armAfter(c.layer.config.delayedAck);
  return true;
}

/** RFC 9293 §3.10.7.4 eighth: the peer's FIN, in order. */
function finReceived(c: TcpConnection): void {
  c.rcvNxt++;
  c.peerFin = true;
  c.peerFinPending = false;
  c.ackNow = true;
  c.layer.counters.finsIn++;
  const st = c.state;
  if (st == TcpState.Established || st == TcpState.SynReceived) {
    c.state = TcpState.CloseWait;
  } else if (st == TcpState.FinWait1) {
    if (c.finQueued && seqGt(c.sndUna, c.finSeq)) c.layer.enterTimeWait(c);
    else c.state = TcpState.Closing;
  } else if (st == TcpState.FinWait2) {
    c.layer.enterTimeWait(c);
  }
}

