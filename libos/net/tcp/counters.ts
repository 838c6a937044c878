// TCP's counters: segments in and out, drops by reason, connection
// events, recovery. Printed by `TcpLayer.counters.list()` like the other
// layers' ("tcp segmentsIn=… dropBadChecksum=…").
import { Counters } from "../../platform/index";

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

  list(): string {
    return this.item("segmentsIn", this.segmentsIn) + this.item("segmentsOut", this.segmentsOut) +
      this.item("superSegmentsOut", this.superSegmentsOut) +
      this.item("dropMalformed", this.dropMalformed) + this.item("dropBadChecksum", this.dropBadChecksum) +
      this.item("dropBroadcast", this.dropBroadcast) + this.item("dropNoListener", this.dropNoListener) +
      this.item("dropNoRoom", this.dropNoRoom) + this.item("dropBacklog", this.dropBacklog) +
      this.item("dropOutOfWindow", this.dropOutOfWindow) + this.item("dropZeroWindow", this.dropZeroWindow) +
      this.item("dropPaws", this.dropPaws) + this.item("dropBadAck", this.dropBadAck) +
      this.item("dropAfterFin", this.dropAfterFin) + this.item("dropOutOfOrder", this.dropOutOfOrder) +
      this.item("outOfOrder", this.outOfOrder) + this.item("challengeAcks", this.challengeAcks) +
      this.item("challengeAcksLimited", this.challengeAcksLimited) + this.item("resetsIn", this.resetsIn) +
      this.item("resetsOut", this.resetsOut) + this.item("finsIn", this.finsIn) +
      this.item("passiveOpens", this.passiveOpens) + this.item("activeOpens", this.activeOpens) +
      this.item("cookiesSent", this.cookiesSent) + this.item("cookiesAccepted", this.cookiesAccepted) +
      this.item("cookiesRefused", this.cookiesRefused) + this.item("refused", this.refused) +
      this.item("retransmits", this.retransmits) + this.item("synRetransmits", this.synRetransmits) +
      this.item("rtoExpired", this.rtoExpired) + this.item("spuriousTimeouts", this.spuriousTimeouts) + this.item("fastRetransmits", this.fastRetransmits) + this.item("lostRetransmits", this.lostRetransmits) + this.item("tailProbes", this.tailProbes) +
      this.item("dupAcksIn", this.dupAcksIn) + this.item("windowProbes", this.windowProbes) +
      this.item("keepaliveProbes", this.keepaliveProbes) + this.item("timeouts", this.timeouts) +
      this.item("timeWaitSkipped", this.timeWaitSkipped) + this.item("timeWaitReused", this.timeWaitReused) +
      this.item("closedNormal", this.closedNormal) + this.item("closedReset", this.closedReset) +
      this.item("closedTimeout", this.closedTimeout) + this.item("closedAborted", this.closedAborted) +
      this.item("collections", this.collections) + this.item("dropSynFin", this.dropSynFin) +
      this.item("optionsIgnored", this.optionsIgnored) + this.item("invalidAcksLimited", this.invalidAcksLimited) +
      this.item("orphanTimeouts", this.orphanTimeouts) + this.item("orphanProbeTimeouts", this.orphanProbeTimeouts) +
      this.item("probeTimeouts", this.probeTimeouts) + this.item("orphansReclaimed", this.orphansReclaimed) +
      this.item("idleReclaimed", this.idleReclaimed);
  }
}
