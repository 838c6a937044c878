// TCP's counters: segments in and out, drops by reason, connection
// events, recovery. Printed by `TcpLayer.counters.list()` like the other
// layers' ("tcp segmentsIn=… dropBadChecksum=…").
import { CounterVisitor, Counters } from "../../platform/index";

export class TcpCounters extends Counters {
  segmentsIn: u64 = 0;
  segmentsOut: u64 = 0;
  /** Of segmentsOut, super-segments longer than the MTU that the link cuts
   * into MSS-sized segments (segmentation offload). */
  superSegmentsOut: u64 = 0;
  /** Shorter than a header, or a header length past the segment. */
  dropMalformed: u64 = 0;
  dropBadChecksum: u64 = 0;
  /** To or from a broadcast or multicast address (RFC 9293 §3.10.7.2). */
  dropBroadcast: u64 = 0;
  /** No connection and no listener: answered with RST. */
  dropNoListener: u64 = 0;
  /** A SYN refused: maxConnections reached. */
  dropNoRoom: u64 = 0;
  /** A SYN dropped: backlog full and cookies off. */
  dropBacklog: u64 = 0;
  /** Outside the receive window (RFC 9293 acceptability test). */
  dropOutOfWindow: u64 = 0;
  /** Data offered into a zero window. */
  dropZeroWindow: u64 = 0;
  /** PAWS (RFC 7323 §5): an old timestamp. */
  dropPaws: u64 = 0;
  /** Acknowledges nothing we sent, or is too old (RFC 5961 §5). */
  dropBadAck: u64 = 0;
  /** Data after the peer's FIN. */
  dropAfterFin: u64 = 0;
  /** Out-of-order data that found no free range slot. */
  dropOutOfOrder: u64 = 0;
  outOfOrder: u64 = 0;
  challengeAcks: u64 = 0;
  /** Challenge ACKs not sent: over the rate limit (RFC 5961 §7). */
  challengeAcksLimited: u64 = 0;
  resetsIn: u64 = 0;
  resetsOut: u64 = 0;
  finsIn: u64 = 0;
  passiveOpens: u64 = 0;
  activeOpens: u64 = 0;
  cookiesSent: u64 = 0;
  cookiesAccepted: u64 = 0;
  /** An ACK to a listener that is no valid cookie. */
  cookiesRefused: u64 = 0;
  /** accept() said no, or no buffer was left. */
  refused: u64 = 0;
  retransmits: u64 = 0;
  /** Open connections whose segments a lowered path MTU shrank. */
  pathMtuShrinks: u64 = 0;
  synRetransmits: u64 = 0;
  rtoExpired: u64 = 0;
  /** Timeouts found spurious by their ACK's timestamp, and undone. */
  spuriousTimeouts: u64 = 0;
  fastRetransmits: u64 = 0;
  /** Tail loss probes sent (RFC 8985 §7). */
  tailProbes: u64 = 0;
  /** Retransmissions found lost by SACK, sent again without a timeout. */
  lostRetransmits: u64 = 0;
  dupAcksIn: u64 = 0;
  windowProbes: u64 = 0;
  keepaliveProbes: u64 = 0;
  timeouts: u64 = 0;
  /** TIME-WAIT skipped: the bound on TIME-WAIT connections was reached. */
  timeWaitSkipped: u64 = 0;
  /** A new SYN took over a connection in TIME-WAIT (RFC 6191). */
  timeWaitReused: u64 = 0;
  closedNormal: u64 = 0;
  closedReset: u64 = 0;
  closedTimeout: u64 = 0;
  closedAborted: u64 = 0;
  /** SYN+FIN to a listener: a probe, dropped (as Linux does). */
  dropSynFin: u64 = 0;
  /** Segments with an option of illegal length, taken without it (RFC
   * 9293 §3.1; Linux's tcp_parse_options). */
  optionsIgnored: u64 = 0;
  /** ACKs not sent for out-of-window or PAWS-failing segments: one per
   * connection per ackLimitInterval (Linux tcp_invalid_ratelimit). */
  invalidAcksLimited: u64 = 0;
  /** Orphans (connections the application closed) dropped after
   * orphanRetries retransmissions. */
  orphanTimeouts: u64 = 0;
  /** Orphans dropped after orphanRetries zero-window probes. */
  orphanProbeTimeouts: u64 = 0;
  /** Connections dropped after maxRetries unanswered zero-window probes. */
  probeTimeouts: u64 = 0;
  /** Orphans reset, oldest first, to make room for a new connection
   * when the table was full. */
  orphansReclaimed: u64 = 0;
  /** Connections a listener's acceptor could spare (an idle one) reset to
   * make room for a new connection when the table was full. */
  idleReclaimed: u64 = 0;
  /** Full collections run because the heap grew past half the limit. */
  collections: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("segmentsIn", this.segmentsIn);
    v.count("segmentsOut", this.segmentsOut);
    v.count("superSegmentsOut", this.superSegmentsOut);
    v.count("dropMalformed", this.dropMalformed);
    v.count("dropBadChecksum", this.dropBadChecksum);
    v.count("dropBroadcast", this.dropBroadcast);
    v.count("dropNoListener", this.dropNoListener);
    v.count("dropNoRoom", this.dropNoRoom);
    v.count("dropBacklog", this.dropBacklog);
    v.count("dropOutOfWindow", this.dropOutOfWindow);
    v.count("dropZeroWindow", this.dropZeroWindow);
    v.count("dropPaws", this.dropPaws);
    v.count("dropBadAck", this.dropBadAck);
    v.count("dropAfterFin", this.dropAfterFin);
    v.count("dropOutOfOrder", this.dropOutOfOrder);
    v.count("outOfOrder", this.outOfOrder);
    v.count("challengeAcks", this.challengeAcks);
    v.count("challengeAcksLimited", this.challengeAcksLimited);
    v.count("resetsIn", this.resetsIn);
    v.count("resetsOut", this.resetsOut);
    v.count("finsIn", this.finsIn);
    v.count("passiveOpens", this.passiveOpens);
    v.count("activeOpens", this.activeOpens);
    v.count("cookiesSent", this.cookiesSent);
    v.count("cookiesAccepted", this.cookiesAccepted);
    v.count("cookiesRefused", this.cookiesRefused);
    v.count("refused", this.refused);
    v.count("retransmits", this.retransmits);
    v.count("pathMtuShrinks", this.pathMtuShrinks);
    v.count("synRetransmits", this.synRetransmits);
    v.count("rtoExpired", this.rtoExpired);
    v.count("spuriousTimeouts", this.spuriousTimeouts);
    v.count("fastRetransmits", this.fastRetransmits);
    v.count("lostRetransmits", this.lostRetransmits);
    v.count("tailProbes", this.tailProbes);
    v.count("dupAcksIn", this.dupAcksIn);
    v.count("windowProbes", this.windowProbes);
    v.count("keepaliveProbes", this.keepaliveProbes);
    v.count("timeouts", this.timeouts);
    v.count("timeWaitSkipped", this.timeWaitSkipped);
    v.count("timeWaitReused", this.timeWaitReused);
    v.count("closedNormal", this.closedNormal);
    v.count("closedReset", this.closedReset);
    v.count("closedTimeout", this.closedTimeout);
    v.count("closedAborted", this.closedAborted);
    v.count("collections", this.collections);
    v.count("dropSynFin", this.dropSynFin);
    v.count("optionsIgnored", this.optionsIgnored);
    v.count("invalidAcksLimited", this.invalidAcksLimited);
    v.count("orphanTimeouts", this.orphanTimeouts);
    v.count("orphanProbeTimeouts", this.orphanProbeTimeouts);
    v.count("probeTimeouts", this.probeTimeouts);
    v.count("orphansReclaimed", this.orphansReclaimed);
    v.count("idleReclaimed", this.idleReclaimed);
  }
}
