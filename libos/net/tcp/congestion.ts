// Congestion control: slow start and congestion avoidance (RFC 5681), the
// initial window of RFC 6928, and loss recovery after three duplicate
// ACKs: NewReno (RFC 6582) when the peer does not do SACK, the
// conservative SACK-based recovery of RFC 6675 when it does. A timeout
// (RFC 5681 §3.1, RFC 6298 §5) collapses the window to one segment and
// ends any recovery.
import { TcpConnection } from "./connection";
import { retransmit, sendOne, unsentBytes } from "./output";
import { seqDiff, seqGe, seqGt, seqLt, seqMax } from "./seq";

/** RFC 5681 §3.2: three duplicate ACKs mean a segment was lost. */
const DUP_THRESH = 3;

/** RFC 6928 §2: min(10 × MSS, max(2 × MSS, 14600)). */
export function initCongestion(c: TcpConnection): void {
  const mss = <u32>c.mss;
  const w: u32 = mss * 2 > <u32>14600 ? mss * 2 : <u32>14600;
  c.cwnd = mss * 10 < w ? mss * 10 : w;
  c.ssthresh = 0xffff_ffff;
  c.dupAcks = 0;
  c.inRecovery = false;
  c.recover = c.iss;
  c.bytesAcked = 0;
}

function flightSize(c: TcpConnection): u32 {
  return <u32>seqDiff(c.sndMax, c.sndUna);
}

/** RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2 × SMSS). */
function halve(c: TcpConnection): u32 {
  const half = flightSize(c) / 2;
  const floor = <u32>c.mss * 2;
  return half > floor ? half : floor;
}

/** An ACK that advanced SND.UNA by `acked` bytes (SND.UNA already moved). */
export function newAck(c: TcpConnection, acked: u32): void {
  const mss = <u32>c.mss;
  c.dupAcks = 0;
  if (c.inRecovery) {
    if (seqGe(c.sndUna, c.recover)) {
      // Full acknowledgement (RFC 6582 §3.2 step 3; RFC 6675 §5 step C).
      c.inRecovery = false;
      // RFC 6582 §3.2 step 3 option 1: min(ssthresh, max(FlightSize, SMSS) + SMSS).
      const flight = flightSize(c);
      const f = (flight > mss ? flight : mss) + mss;
      c.cwnd = c.sackOk ? c.ssthresh : (c.ssthresh < f ? c.ssthresh : f);
      c.bytesAcked = 0;
      return;
    }
    // Partial acknowledgement: the next hole is lost too.
    if (c.sackOk) {
      c.highRxt = seqMax(c.highRxt, c.sndUna);
      if (c.sack.count == 0) c.highRxt = c.sndUna + <u32>retransmit(c, c.sndUna, c.mss);
    } else {
      // RFC 6582 §3.2 step 5: retransmit it, deflate by what was acked,
      // add back one segment.
      retransmit(c, c.sndUna, c.mss);
      c.cwnd = acked >= c.cwnd ? mss : c.cwnd - acked + (acked >= mss ? mss : 0);
    }
    return;
  }
  if (c.cwnd < c.ssthresh) {
    // Slow start, appropriate byte counting with L = 2 (RFC 3465 §2.2).
    c.cwnd += acked < mss * 2 ? acked : mss * 2;
  } else {
    // Congestion avoidance: one MSS per window acknowledged (RFC 5681 §3.1).
    c.bytesAcked += acked;
    if (c.bytesAcked >= c.cwnd) {
      c.bytesAcked -= c.cwnd;
      c.cwnd += mss;
    }
  }
  // Never more than the send buffer could fill: an unused window grows
  // without meaning anything (RFC 7661's concern).
  const s = c.snd;
  if (s !== null && c.cwnd > <u32>s.capacity * 2) c.cwnd = <u32>s.capacity * 2;
}

/** A duplicate ACK (RFC 5681 §2), its SACK blocks already recorded. */
export function dupAck(c: TcpConnection): void {
  c.dupAcks++;
  if (c.inRecovery) {
    // NewReno inflates the window by the segment that left the network;
    // SACK recovery counts the pipe instead.
    if (!c.sackOk) c.cwnd += <u32>c.mss;
    return;
  }
  // Early retransmit (RFC 5827): with fewer than four segments out and
  // nothing new to send, three duplicate ACKs can never come; as many as
  // there are segments out beyond the first will do.
  let thresh = DUP_THRESH;
  const segments = (flightSize(c) + <u32>c.mss - 1) / <u32>c.mss;
  if (segments < 4 && unsentBytes(c) == 0) thresh = segments > 1 ? <i32>segments - 1 : 1;
  const lost = c.dupAcks >= thresh || (c.sackOk && c.sack.sacked >= <u32>(thresh * c.mss));
  // RFC 6582 §3.2 step 2: not again for losses of the window already
  // recovered from (the ACK must cover more than `recover`). With SACK the
  // scoreboard tells real holes from duplicates, so data held beyond
  // `recover` is evidence enough.
  const fresh = seqGt(c.sndUna, c.recover) || (c.sackOk && seqGt(c.sack.highest(c.sndUna), c.recover));
  if (lost && fresh) enterRecovery(c);
}

/** Lost retransmissions (draft-scheffenegger-tcpm-lrd): in SACK recovery,
 * once the peer holds data first sent after this round of hole
 * retransmissions began, a hole still open below the retransmitted part
 * means its retransmission was lost too. Start another round at once
 * (with the window halved again) instead of waiting for the timer. */
export function checkLostRetransmissions(c: TcpConnection): void {
  if (!c.inRecovery || !c.sackOk) return;
  const sb = c.sack;
  if (!seqGt(sb.highest(c.sndUna), c.rxtRound)) return;
  const firstHole = sb.nextHole(c.sndUna);
  if (!seqLt(firstHole, c.highRxt) || !seqLt(firstHole, sb.holeEnd(firstHole))) return;
  c.layer.counters.lostRetransmits++;
  c.highRxt = c.sndUna;
  c.rxtRound = c.sndMax;
  const half = c.cwnd / 2;
  const floor = <u32>c.mss * 2;
  c.cwnd = half > floor ? half : floor;
  c.ssthresh = c.cwnd;
}

function enterRecovery(c: TcpConnection): void {
  c.layer.counters.fastRetransmits++;
  c.inRecovery = true;
  c.recover = c.sndMax;
  c.ssthresh = halve(c);
  if (c.sackOk) {
    // RFC 6675 §5 step 4: cwnd = ssthresh, retransmit the first segment.
    c.cwnd = c.ssthresh;
    c.rxtRound = c.sndMax;
    c.highRxt = c.sndUna + <u32>retransmit(c, c.sndUna, c.mss);
  } else {
    // RFC 6582 §3.2 step 2 and 3 (RFC 5681 §3.2 steps 2 to 4).
    retransmit(c, c.sndUna, c.mss);
    c.cwnd = c.ssthresh + <u32>(DUP_THRESH * c.mss);
  }
}

/** RFC 5681 §3.1 eq. (4) and the loss window: the retransmission timer
 * expired. */
export function onTimeout(c: TcpConnection): void {
  c.ssthresh = halve(c);
  c.cwnd = <u32>c.mss;
  c.bytesAcked = 0;
  c.dupAcks = 0;
  c.inRecovery = false;
  // RFC 6582 §4: no fast retransmit for what was outstanding.
  c.recover = c.sndMax;
  // RFC 6675 §5.1: the scoreboard may be kept, so that what is sent
  // again skips what the peer holds (sendOne); after a second timeout in
  // a row it is dropped, in case the peer has discarded what it SACKed
  // (reneging, RFC 2018 §8).
  if (c.retries >= 2) c.sack.clear();
}

/** RFC 6675 §5 step (C): while the pipe has room, retransmit the holes
 * below the highest SACKed byte, then send new data. Whether anything
 * went. */
export function sendRecovery(c: TcpConnection): bool {
  let sent = false;
  const mss = c.mss;
  for (let guard = 0; guard < 64 && c.layer.sendBudget > 0; guard++) {
    const sb = c.sack;
    // Pipe: bytes in flight, less what the peer holds, less the holes not
    // retransmitted yet (deemed lost, RFC 6675 IsLost simplified).
    const from = seqMax(c.highRxt, c.sndUna);
    const out = flightSize(c);
    const lost = sb.holeBytes(from);
    const pipe = out > sb.sacked + lost ? out - sb.sacked - lost : 0;
    if (pipe >= c.cwnd) break;
    const hole = sb.nextHole(from);
    const end = sb.holeEnd(hole);
    if (seqLt(hole, end) && seqLt(hole, c.sndMax)) {
      const room = seqDiff(end, hole);
      const n = retransmit(c, hole, room < mss ? room : mss);
      if (n <= 0) break;
      c.highRxt = hole + <u32>n;
      sent = true;
      continue;
    }
    // No hole left: new data, within the peer's window.
    if (!sendOneInRecovery(c)) break;
    sent = true;
  }
  return sent;
}

function sendOneInRecovery(c: TcpConnection): bool {
  // sendOne limits by min(cwnd, window) - (SND.NXT - SND.UNA); in SACK
  // recovery the pipe already decided, so only the peer's window counts.
  const saved = c.cwnd;
  c.cwnd = 0xffff_ffff;
  const ok = sendOne(c);
  c.cwnd = saved;
  return ok;
}
