// What a connection sends, and when. `output(c)` looks at the state and
// sends everything that is due: the SYN or SYN-ACK, new data as far as
// the peer's window and the congestion window allow (RFC 9293 §3.8.6.2.1
// sender-side silly window avoidance; no Nagle delay, since writes made
// while handling one batch of frames are sent together at its end), the
// FIN after the last byte, or a bare ACK when one is owed. Every segment
// carries the acknowledgement, the window (RFC 9293 §3.8.6.2.2: moved
// only in steps worth announcing) and, as negotiated, timestamps and SACK
// blocks. One segment is one netWrite: nothing here sends more than the
// windows allow or repeats itself.
//
// Where the link has TCP segmentation offload (TcpLayer.tsoMax > 0), new
// data goes out in super-segments: as many whole segments as the windows
// and the data allow, up to a 64 KiB frame, built and accounted for as one
// (the sequence numbers are those the segments would have had) and cut by
// the host into segments of the MSS (less any SACK blocks that would not
// fit the MTU beside it). What is sent again (timeouts, recovery, probes)
// stays MSS-sized.
import { now } from "../../platform/index";
import {
  TCP_ACK_FLAG, TCP_FIN, TCP_PSH, TCP_SYN, TCP_HEADER_LEN, TCP_MAX_HEADER_LEN, TCP_TIMESTAMPS_LEN, TcpOptions, TCP_MAX_SACK_BLOCKS,
} from "../../wire/tcp";
import { finish } from "../../wire/checksum";
import { TcpState } from "./api";
import { TcpConnection } from "./connection";
import { HEADROOM } from "./layer";
import { seqDiff, seqGt, seqLe, seqLt, seqMax } from "./seq";
import { moveWindow } from "../window";
import { sendRecovery } from "./congestion";
import { pathMtuGeneration } from "../ip";

/** Send whatever `c` owes the peer now. */
export function output(c: TcpConnection): void {
  if (c.dead) return;
  const st = c.state;
  let sent = false;
  if (st == TcpState.SynSent || st == TcpState.SynReceived) {
    // A SYN-ACK owed again (a repeated SYN, an unacceptable segment).
    if (st == TcpState.SynReceived && c.ackNow) c.sndNxt = c.iss;
    if (c.sndNxt == c.iss) {
      sendSyn(c);
      sent = true;
    }
  } else if (st == TcpState.Established || st == TcpState.CloseWait || st == TcpState.FinWait1 ||
    st == TcpState.Closing || st == TcpState.LastAck) {
    sent = c.inRecovery && c.sackOk ? sendRecovery(c) : sendData(c);
  }
  if (c.ackNow && !sent) sendSegment(c, c.sndNxt, TCP_ACK_FLAG, 0, 0);
}

/** New data (and the FIN) as the windows allow; whether anything went. */
export function sendData(c: TcpConnection): bool {
  let sent = false;
  while (c.layer.sendBudget > 0 && sendOne(c)) sent = true;
  // Data waits behind a zero window with nothing in flight to bring an
  // ACK: probe it (RFC 9293 §3.8.6.1).
  if (!sent && c.sndWnd == 0 && c.sndNxt == c.sndUna && unsentBytes(c) > 0 && !c.rtxTimer.armed) {
    c.persisting = true;
    c.probes = 0;
    c.probesUnanswered = 0;
    c.rtxTimer.armAfter(persistInterval(c));
  }
  return sent;
}

/** Bytes written but never sent. */
export function unsentBytes(c: TcpConnection): i32 {
  const s = c.snd;
  if (s === null) return 0;
  const n = seqDiff(c.bufSeq + <u32>s.length, c.sndNxt);
  return n > 0 ? n : 0;
}

/** One segment of new data (or the bare FIN) if the windows allow it. */
export function sendOne(c: TcpConnection): bool {
  // Sending again after a timeout: skip what the peer holds (RFC 6675
  // §5.1), and stop short of the next block it holds.
  let limit = i32.MAX_VALUE;
  if (c.sackOk && c.sack.count > 0 && seqLt(c.sndNxt, c.sndMax)) {
    const hole = c.sack.nextHole(c.sndNxt);
    if (hole != c.sndNxt) c.sndNxt = hole;
    const end = c.sack.holeEnd(c.sndNxt);
    if (seqLt(c.sndNxt, end)) limit = seqDiff(end, c.sndNxt);
  }
  followPathMtu(c);
  const unsent = unsentBytes(c);
  // Limited transmit (RFC 3042): the first two duplicate ACKs each let one
  // new segment out, so that a small window still draws the three that
  // fast retransmit needs.
  let cwnd = c.cwnd;
  if (!c.inRecovery && c.dupAcks > 0) cwnd += <u32>(min(c.dupAcks, 2) * c.mss);
  const wnd = c.sndWnd < cwnd ? c.sndWnd : cwnd;
  const avail = <i64>wnd - <i64>seqDiff(c.sndNxt, c.sndUna);
  let n = <i64>unsent;
  if (avail < n) n = avail;
  // New data (not sent before) may go as one super-segment of whole
  // segments; anything else one segment at most.
  let most = c.mss;
  let seg = 0;
  if (c.layer.tsoTo(c.remote) && !seqLt(c.sndNxt, c.sndMax)) {
    seg = effectiveMss(c, TCP_HEADER_LEN + (c.tsOk ? TCP_TIMESTAMPS_LEN : 0));
    const whole = (c.layer.tsoMax - TCP_MAX_HEADER_LEN) / seg * seg;
    if (seg > 0 && whole > most) most = whole;
  }
  if (<i64>most < n) n = <i64>most;
  if (<i64>limit < n) n = <i64>limit;
  if (n < 0) n = 0;
  // A super-segment ends on a segment boundary unless it takes the last
  // byte, as consecutive segments would (the tail waits, as it would).
  if (n > <i64>c.mss && n < <i64>unsent) n -= n % <i64>seg;
  const len = <i32>n;
  // The FIN goes with the last byte, or alone once every byte is out.
  const fin = c.finQueued && seqLe(c.sndNxt, c.finSeq) && c.sndNxt + <u32>len == c.finSeq;
  if (len == 0 && !fin) return false;
  // Silly window avoidance: a segment shorter than the MSS while more
  // data waits goes only if it is at least half the largest window the
  // peer offered (the peer's window is what keeps it short).
  if (len < c.mss && len < unsent && <u32>len < (c.maxSndWnd >> 1) && len < limit) return false;
  let flags = TCP_ACK_FLAG;
  if (fin) flags |= TCP_FIN;
  if (len > 0 && len == unsent) flags |= TCP_PSH;
  const seq = c.sndNxt;
  // Karn's algorithm: time only new data (timestamps time every ACK).
  if (!c.tsOk && !c.rttTiming && seq == c.sndMax && len > 0) {
    c.rttTiming = true;
    c.rttSeq = seq;
    c.rttTime = now();
  }
  if (seqLt(seq, c.sndMax)) c.retransmits++;
  sendSegment(c, seq, flags, seqDiff(seq, c.bufSeq), len);
  c.sndNxt = seq + <u32>len + (fin ? 1 : 0);
  if (seqGt(c.sndNxt, c.sndMax)) c.sndMax = c.sndNxt;
  armRetransmit(c);
  return true;
}

/** Send again `len` bytes at `seq` (in the send buffer), with the FIN if
 * they are the last and it was sent; SND.NXT stays. */
export function retransmit(c: TcpConnection, seq: u32, maxLen: i32): i32 {
  const s = c.snd;
  if (s === null) return 0;
  const end = c.bufSeq + <u32>s.length;
  let len = seqDiff(end, seq);
  if (len > maxLen) len = maxLen;
  if (len < 0) len = 0;
  const fin = c.finQueued && seq + <u32>len == c.finSeq && seqGt(c.sndMax, c.finSeq);
  if (len == 0 && !fin) return 0;
  c.retransmits++;
  c.layer.counters.retransmits++;
  c.rttTiming = false; // Karn
  sendSegment(c, seq, TCP_ACK_FLAG | (fin ? TCP_FIN : 0), seqDiff(seq, c.bufSeq), len);
  armRetransmit(c);
  return len + (fin ? 1 : 0);
}

/** RFC 6298 §5.1: armed whenever data is in flight (when not armed yet). */
export function armRetransmit(c: TcpConnection): void {
  if (c.persisting) {
    c.persisting = false;
    c.rtxTimer.cancel();
  }
  if (!c.rtxTimer.armed) restartRetransmit(c);
}

/** (Re)arm the retransmission timer from now: for a tail loss probe
 * (RFC 8985 §7.2) when one may be sent, else for the RTO. */
export function restartRetransmit(c: TcpConnection): void {
  const pto = probeTimeout(c);
  c.probing = pto > 0;
  c.rtxTimer.armAfter(pto > 0 ? pto : c.rto.current);
}

/** RFC 8985 §7.2: PTO = 2 × SRTT, plus the peer's delayed-ACK time when
 * only one segment is out; 0 when no probe is due (no RTT yet, in loss
 * recovery or after a timeout, a probe already sent for this tail, or
 * the RTO is sooner). */
function probeTimeout(c: TcpConnection): i64 {
  if (!c.rto.measured || c.inRecovery || c.probeSent || c.retries > 0 || c.state == TcpState.SynSent ||
    c.state == TcpState.SynReceived) return 0;
  let pto = 2 * c.rto.srtt;
  if (pto < MIN_PTO) pto = MIN_PTO;
  if (seqDiff(c.sndMax, c.sndUna) <= c.mss) pto += WORST_DELAYED_ACK;
  return pto < c.rto.current ? pto : 0;
}

const MIN_PTO: i64 = 10_000_000; // 10 ms: the clock and the peer's jitter
/** RFC 8985 §7.2 WCDelAckT. */
const WORST_DELAYED_ACK: i64 = 200_000_000;

/** RFC 8985 §7.3: the probe is new data if the window allows, else the
 * last segment sent again; either draws an ACK whose SACK blocks reveal
 * a lost tail, so that fast recovery replaces the timeout. */
export function sendTailProbe(c: TcpConnection): void {
  c.probeSent = true;
  c.layer.counters.tailProbes++;
  if (!sendOne(c)) {
    const s = c.snd;
    const end = s === null ? c.sndMax : c.bufSeq + <u32>s.length;
    const last = seqLt(end, c.sndMax) ? end : c.sndMax;
    let from = last - <u32>c.mss;
    if (seqLt(from, c.sndUna)) from = c.sndUna;
    if (seqLt(from, last)) retransmit(c, from, c.mss);
    else if (c.finQueued && seqGt(c.sndMax, c.finSeq)) retransmit(c, c.finSeq, 0);
  }
}

export function persistInterval(c: TcpConnection): i64 {
  const t = c.rto.current;
  return t < c.layer.config.maxPersist ? t : c.layer.config.maxPersist;
}

/** A segment the peer must answer with an ACK but that changes nothing:
 * sequence number SND.UNA - 1, no data (zero-window and keepalive probes,
 * as Linux sends them; RFC 1122 §4.2.3.6 allows it). */
export function sendProbe(c: TcpConnection): void {
  sendSegment(c, c.sndUna - 1, TCP_ACK_FLAG, 0, 0);
}

function sendSyn(c: TcpConnection): void {
  const passive = c.state == TcpState.SynReceived;
  const config = c.layer.config;
  const o = c.layer.txOptions;
  o.clear();
  o.mss = <u16>c.layer.maxSegment(c.remote);
  if (passive ? c.wsOk : config.windowScaling) o.wscale = c.rcvWscale;
  if (passive ? c.sackOk : config.sack) o.sackPermitted = true;
  if (passive ? c.tsOk : config.timestamps) {
    o.timestamps = true;
    o.tsVal = c.tsNow();
    o.tsEcr = passive ? c.tsRecent : 0;
  }
  if (c.retries == 0) {
    c.rttTiming = true;
    c.rttSeq = c.iss;
    c.rttTime = now();
  }
  // RFC 7323 §2.2: the window of a SYN is never scaled.
  const rcvBuf = c.layer.config.rcvBuf;
  const window = <u16>(rcvBuf > 65535 ? 65535 : rcvBuf);
  c.rcvAdv = c.rcvNxt + <u32>window;
  emit(c, c.iss, passive ? TCP_SYN | TCP_ACK_FLAG : TCP_SYN, window, 0, 0);
  c.sndNxt = c.iss + 1;
  c.sndMax = seqMax(c.sndMax, c.sndNxt);
  if (!c.rtxTimer.armed) c.rtxTimer.armAfter(c.rto.current);
}

/** Send one segment of the connection: `len` bytes from `offset` in the
 * send buffer, at `seq`, with the acknowledgement, window and options. */
export function sendSegment(c: TcpConnection, seq: u32, flags: u8, offset: i32, len: i32): void {
  const o = c.layer.txOptions;
  o.clear();
  if (c.tsOk) {
    o.timestamps = true;
    o.tsVal = c.tsNow();
    o.tsEcr = c.tsRecent;
  }
  if (c.sackOk) addSackBlocks(c, o);
  emit(c, seq, flags, windowField(c), offset, len);
}

/** RFC 2018 §4: the block holding the latest out-of-order segment first,
 * then the others, as many as fit beside the timestamps. */
function addSackBlocks(c: TcpConnection, o: TcpOptions): void {
  const r = c.rcv;
  if (r === null || r.ranges == 0) return;
  const max = o.timestamps ? TCP_MAX_SACK_BLOCKS - 1 : TCP_MAX_SACK_BLOCKS;
  let first = 0;
  for (let i = 0; i < r.ranges; i++) {
    if (r.lo[i] <= r.latest && r.latest < r.hi[i]) { first = i; break; }
  }
  let n = 0;
  o.sack[0] = c.rcvNxt + <u32>r.lo[first];
  o.sack[1] = c.rcvNxt + <u32>r.hi[first];
  n = 1;
  for (let i = 0; i < r.ranges && n < max; i++) {
    if (i == first) continue;
    o.sack[2 * n] = c.rcvNxt + <u32>r.lo[i];
    o.sack[2 * n + 1] = c.rcvNxt + <u32>r.hi[i];
    n++;
  }
  o.sackCount = n;
}

/** The window field to send, moving the right edge only when worth it. */
function windowField(c: TcpConnection): u16 {
  const r = c.rcv;
  const cap = r === null ? c.layer.config.rcvBuf : r.capacity;
  const space = r === null ? cap : r.window;
  let edge = c.rcvNxt + <u32>space;
  if (seqLt(edge, c.rcvAdv)) {
    edge = c.rcvAdv; // never shrink the window (RFC 9293 §3.8.6.2.2)
  } else {
    const step = cap / 2 < c.mss ? cap / 2 : c.mss;
    if (seqDiff(edge, c.rcvAdv) < step) edge = c.rcvAdv;
  }
  let field = seqDiff(edge, c.rcvNxt) >> c.rcvWscale;
  if (field > 65535) field = 65535;
  if (field < 0) field = 0;
  const advertised = c.rcvNxt + (<u32>field << c.rcvWscale);
  if (seqGt(advertised, c.rcvAdv)) c.rcvAdv = advertised;
  return <u16>field;
}

/** RFC 8201 §5.4 (and RFC 1191 §6.4 for IPv4): a path MTU lowered by a
 * Packet Too Big after the handshake shrinks the segments of a connection
 * already open, not only of the next one; segments already sent bigger go
 * again at the new size when they are retransmitted (retransmit takes
 * c.mss). Never raised here: the MSS the peer agreed to is the ceiling. */
function followPathMtu(c: TcpConnection): void {
  const generation = pathMtuGeneration();
  if (c.pathMtuSeen == generation) return;
  c.pathMtuSeen = generation;
  const path = c.layer.maxSegment(c.remote) - (c.tsOk ? TCP_TIMESTAMPS_LEN : 0);
  if (path >= 64 && path < c.mss) {
    c.mss = path;
    c.layer.counters.pathMtuShrinks++;
  }
}

/** The payload of one segment with an `hl`-byte TCP header: the MSS
 * (already less the timestamps option, input.ts negotiate), and no more
 * than the MTU leaves beside the headers (SACK blocks take room too). */
function effectiveMss(c: TcpConnection, hl: i32): i32 {
  const link = c.layer.maxSegment(c.remote) + TCP_HEADER_LEN - hl;
  return c.mss < link ? c.mss : link;
}

/** Build the segment in the layer's transmit buffer and hand it to IPv4:
 * with segmentation offload, one longer than the effective MSS goes as a
 * super-segment, its checksum field holding the pseudo-header sum only
 * (the host completes each segment's). */
function emit(c: TcpConnection, seq: u32, flags: u8, window: u16, offset: i32, len: i32): void {
  const layer = c.layer;
  const o = layer.txOptions;
  const hl = TCP_HEADER_LEN + o.bufferLen();
  let tsoMss = 0;
  if (len > 0 && layer.tsoTo(c.remote)) {
    const seg = effectiveMss(c, hl);
    if (seg > 0 && len > seg) tsoMss = seg;
  }
  const tx = layer.tx;
  const p = moveWindow(layer.txWindow, tx, HEADROOM, hl + len);
  const s = layer.txPacket;
  s.srcPort = c.localPort;
  s.dstPort = c.remotePort;
  s.seq = seq;
  s.ack = (flags & TCP_ACK_FLAG) != 0 ? c.rcvNxt : 0;
  s.headerLen = hl;
  s.flags = flags;
  s.window = window;
  s.urgent = 0;
  o.emit(p.dataStart + TCP_HEADER_LEN);
  if (len > 0) c.snd!.copyOut(offset, p.dataStart + <usize>hl, len);
  const pseudo = layer.pseudoHeaderSum(c.remote, hl + len);
  if (tsoMss > 0) s.checksum = <u16>~finish(pseudo);
  else s.fillWith(pseudo);
  if ((flags & TCP_ACK_FLAG) != 0) {
    c.lastAckSent = c.rcvNxt;
    c.ackNow = false;
    c.unackedSegments = 0;
    c.ackTimer.cancel();
  }
  c.segmentsOut++;
  c.bytesOut += <u64>len;
  layer.sendBudget--;
  layer.transmit(c.remote, hl + len, tsoMss);
}
