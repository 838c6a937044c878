// A connection's three timers (platform Timer objects, so no closures):
//
// - retransmission (RFC 6298 §5): SYN, data and FIN retransmissions with
//   exponential backoff; while the peer's window is zero with data
//   waiting, the same timer sends zero-window probes (RFC 9293 §3.8.6.1),
//   backing off to `maxPersist`. RFC 9293 §3.8.6.1 keeps probing as long
//   as the peer answers; we give up after `maxRetries` probes that went
//   unanswered, and an orphan (closed by the application) after
//   `orphanRetries` probes whatever the answers, as Linux's
//   tcp_probe_timer does, so that a peer that acknowledges every probe
//   with a zero window cannot hold a slot the application let go of;
// - delayed ACK (RFC 1122 §4.2.3.2, RFC 5681 §4.2);
// - idle: TIME-WAIT's 2 MSL, the FIN-WAIT-2 limit of a closed connection,
//   keepalive probes (RFC 1122 §4.2.3.6).
import { Timer, now } from "../../platform/index";
import { CloseReason, TcpState } from "./api";
import { onTimeout } from "./congestion";
import { TcpConnection } from "./connection";
import { output, persistInterval, sendProbe, sendTailProbe } from "./output";

export class RetransmitTimer extends Timer {
  constructor(readonly c: TcpConnection) { super(); }
  fire(time: i64): void { retransmitExpired(this.c); }
}

export class AckTimer extends Timer {
  constructor(readonly c: TcpConnection) { super(); }
  fire(time: i64): void {
    const c = this.c;
    if (c.dead) return;
    c.ackNow = true;
    output(c);
  }
}

export class IdleTimer extends Timer {
  constructor(readonly c: TcpConnection) { super(); }

  fire(time: i64): void { idleExpired(this.c, time); }

  /** Arm for the next keepalive check, or disarm. TIME-WAIT and
   * FIN-WAIT-2 arm it themselves. */
  rearm(): void {
    const c = this.c;
    if (!c.keepAlive || c.dead) {
      if (c.state != TcpState.TimeWait && c.state != TcpState.FinWait2) this.cancel();
      return;
    }
    const cfg = c.layer.config;
    this.armAt(c.lastHeard + cfg.keepIdle + <i64>c.keepProbes * cfg.keepInterval);
  }
}

function retransmitExpired(c: TcpConnection): void {
  if (c.dead) return;
  const layer = c.layer;
  const cfg = layer.config;
  if (c.persisting) {
    // Zero-window probe; the timer backs off. Unanswered probes: nothing
    // heard since the previous probe went out.
    if (c.probes > 0 && c.lastHeard < c.lastProbe) c.probesUnanswered++;
    else c.probesUnanswered = 0;
    if (c.appClosed && c.probes >= cfg.orphanRetries) {
      layer.counters.orphanProbeTimeouts++;
      giveUp(c);
      return;
    }
    if (c.probesUnanswered >= cfg.maxRetries) {
      layer.counters.probeTimeouts++;
      giveUp(c);
      return;
    }
    c.probes++;
    c.lastProbe = now();
    layer.counters.windowProbes++;
    sendProbe(c);
    c.rto.backOff();
    c.rtxTimer.armAfter(persistInterval(c));
    return;
  }
  if (c.probing) {
    // Not a timeout yet: a tail loss probe, then the RTO proper.
    c.probing = false;
    sendTailProbe(c);
    c.rtxTimer.armAfter(c.rto.current);
    return;
  }
  c.retries++;
  c.rto.backOff();
  c.rttTiming = false; // Karn: no sample from what is sent again
  const st = c.state;
  if (st == TcpState.SynSent || st == TcpState.SynReceived) {
    if (c.retries > cfg.synRetries) {
      layer.counters.timeouts++;
      layer.destroy(c, CloseReason.Timeout);
      return;
    }
    layer.counters.synRetransmits++;
    c.sndNxt = c.iss;
    output(c);
    return;
  }
  if (c.sndUna == c.sndMax) return; // nothing outstanding after all
  // An orphan's data and FIN have no reader waiting: fewer retransmissions
  // (Linux's tcp_orphan_retries), ~100 s instead of several minutes.
  if (c.appClosed && c.retries > cfg.orphanRetries) {
    layer.counters.orphanTimeouts++;
    giveUp(c);
    return;
  }
  if (c.retries > cfg.maxRetries) {
    giveUp(c);
    return;
  }
  layer.counters.rtoExpired++;
  if (c.retries == 1 && c.tsOk) {
    // Remember what the timeout takes away, in case it was spurious.
    c.undoPending = true;
    c.undoCwnd = c.cwnd;
    c.undoSsthresh = c.ssthresh;
    c.undoTs = c.tsNow();
  }
  onTimeout(c);
  // Go back to the first unacknowledged byte (RFC 5681 §3.1, RFC 6298
  // §5.4); output() re-arms the timer with the backed-off value.
  c.sndNxt = c.sndUna;
  output(c);
}

/** Out of retries: reset the peer and drop the connection. */
function giveUp(c: TcpConnection): void {
  const layer = c.layer;
  layer.counters.timeouts++;
  layer.sendReset(c.remote, c.remotePort, c.localPort, c.sndNxt, 0, false);
  layer.destroy(c, CloseReason.Timeout);
}

function idleExpired(c: TcpConnection, time: i64): void {
  if (c.dead) return;
  const layer = c.layer;
  const cfg = layer.config;
  const st = c.state;
  if (st == TcpState.TimeWait) {
    layer.destroy(c, CloseReason.Normal);
    return;
  }
  if (st == TcpState.FinWait2 && c.appClosed) {
    layer.counters.timeouts++;
    layer.destroy(c, CloseReason.Timeout);
    return;
  }
  if (!c.keepAlive) return;
  const due = c.lastHeard + cfg.keepIdle + <i64>c.keepProbes * cfg.keepInterval;
  if (time < due) {
    c.idleTimer.armAt(due);
    return;
  }
  if (c.keepProbes >= cfg.keepCount) {
    giveUp(c);
    return;
  }
  layer.counters.keepaliveProbes++;
  c.keepProbes++;
  sendProbe(c);
  c.idleTimer.armAt(now() + cfg.keepInterval);
}
