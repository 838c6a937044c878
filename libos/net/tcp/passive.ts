// Passive opens (RFC 9293 §3.10.7.2, LISTEN): a SYN makes a connection in
// SYN-RECEIVED while the listener's backlog has room, or is answered with a
// SYN cookie (RFC 4987 §3.6) when it has none; the ACK that completes a
// handshake establishes the connection and asks the listener's handler to
// accept it; a newer SYN may take over a connection in TIME-WAIT (RFC
// 6191).
import { now, randomU32 } from "../../platform/index";
import { IpAddress } from "../../wire/index";
import { TCP_ACK_FLAG, TCP_FIN, TCP_RST, TCP_SYN, TCP_TIMESTAMPS_LEN, TcpRepr } from "../../wire/tcp";
import { CloseReason, TcpState } from "./api";
import { RecvBuffer, SendBuffer } from "./buffer";
import { initCongestion } from "./congestion";
import { TcpConnection } from "./connection";
import { negotiate, segmentArrives, windowShift } from "./input";
import { cookieSack, cookieTsVal, cookieWscale } from "./isn";
import { TcpLayer } from "./layer";
import { TcpListener } from "./listener";
import { seqGt } from "./seq";

/** LISTEN (RFC 9293 §3.10.7.2). */
export function listenInput(layer: TcpLayer, l: TcpListener, seg: TcpRepr, src: IpAddress): void {
  const counters = layer.counters;
  if (seg.has(TCP_RST)) return;
  if (seg.has(TCP_ACK_FLAG)) {
    if (!seg.has(TCP_SYN) && layer.config.synCookies) {
      const mss = layer.isn.checkCookie(layer.localAddress(src), seg.dstPort, src, seg.srcPort, seg.seq - 1, seg.ack - 1, now());
      if (mss != 0) {
        if (layer.active >= layer.config.maxConnections && !layer.makeRoom()) {
          // A good cookie but no room: drop it, so that the peer sends
          // again and gets in once a connection ends (as Linux does when
          // its accept queue overflows).
          counters.dropNoRoom++;
          return;
        }
        counters.cookiesAccepted++;
        segmentArrives(fromCookie(layer, l, seg, src, mss), seg);
        return;
      }
      counters.cookiesRefused++;
    }
    layer.sendReset(src, seg.srcPort, seg.dstPort, seg.ack, 0, false);
    return;
  }
  if (!seg.has(TCP_SYN)) return;
  // SYN+FIN is no handshake anyone starts, only a scanner's probe: drop
  // it as Linux does in LISTEN, rather than answer (and so be fingerprinted).
  if (seg.has(TCP_FIN)) {
    counters.dropSynFin++;
    return;
  }
  if (layer.active >= layer.config.maxConnections && !layer.makeRoom()) {
    counters.dropNoRoom++;
    return;
  }
  if (l.pending >= l.backlog) {
    if (layer.config.synCookies) sendCookie(layer, l, seg, src);
    else counters.dropBacklog++;
    return;
  }
  const c = new TcpConnection(layer, seg.dstPort, src.clone(), seg.srcPort);
  c.state = TcpState.SynReceived;
  c.listener = l;
  l.pending++;
  c.irs = seg.seq;
  c.rcvNxt = seg.seq + 1;
  c.rcvAdv = c.rcvNxt;
  initSend(layer, c);
  negotiate(c, seg.options, false);
  layer.add(c);
  // Data on the SYN is not taken (no TCP Fast Open): the peer sends it
  // again once the connection is established.
  layer.schedule(c);
}

/** ISN, timestamps offset and the send variables of a new connection. */
export function initSend(layer: TcpLayer, c: TcpConnection): void {
  c.iss = layer.isn.isn(layer.localAddress(c.remote), c.localPort, c.remote, c.remotePort, now());
  c.sndUna = c.iss;
  c.sndNxt = c.iss;
  c.sndMax = c.iss;
  c.bufSeq = c.iss + 1;
  c.recover = c.iss;
  c.tsOffset = randomU32();
}

/** A SYN-ACK whose sequence number is a cookie (isn.ts): nothing kept. */
export function sendCookie(layer: TcpLayer, l: TcpListener, seg: TcpRepr, src: IpAddress): void {
  const so = seg.options;
  const peerMss = so.mss == 0 ? <u16>536 : so.mss;
  const t = now();
  const cookie = layer.isn.cookie(layer.localAddress(src), seg.dstPort, src, seg.srcPort, seg.seq, peerMss, t);
  const o = layer.txOptions;
  o.clear();
  o.mss = <u16>layer.maxSegment(src);
  // Window scale and SACK can be remembered only in the timestamp.
  if (layer.config.timestamps && so.timestamps) {
    const ws = layer.config.windowScaling ? so.wscale : -1;
    const sack = layer.config.sack && so.sackPermitted;
    o.timestamps = true;
    o.tsVal = cookieTsVal(<u32>(t / 1_000_000), ws, sack);
    o.tsEcr = so.tsVal;
    if (ws >= 0) o.wscale = windowShift(layer.config.rcvBuf);
    o.sackPermitted = sack;
  }
  const rcvBuf = layer.config.rcvBuf;
  layer.emitRaw(src, seg.dstPort, seg.srcPort, cookie, seg.seq + 1, TCP_SYN | TCP_ACK_FLAG,
    <u16>(rcvBuf > 65535 ? 65535 : rcvBuf));
  l.cookiesSent++;
  layer.counters.cookiesSent++;
}

/** The connection an ACK carrying a valid cookie (for `mss`) stands
 * for, in SYN-RECEIVED. */
export function fromCookie(layer: TcpLayer, l: TcpListener, seg: TcpRepr, src: IpAddress, mss: u16): TcpConnection {
  const c = new TcpConnection(layer, seg.dstPort, src.clone(), seg.srcPort);
  c.state = TcpState.SynReceived;
  c.listener = l;
  l.pending++;
  c.irs = seg.seq - 1;
  c.rcvNxt = seg.seq;
  c.rcvAdv = seg.seq;
  c.iss = seg.ack - 1;
  c.sndUna = c.iss;
  c.sndNxt = seg.ack;
  c.sndMax = seg.ack;
  c.bufSeq = seg.ack;
  c.recover = c.iss;
  const ours = layer.maxSegment(c.remote);
  c.mss = <i32>mss < ours ? <i32>mss : ours;
  const so = seg.options;
  if (layer.config.timestamps && so.timestamps) {
    c.tsOk = true;
    c.tsRecent = so.tsVal;
    c.tsRecentAt = now();
    c.mss -= TCP_TIMESTAMPS_LEN;
    const ws = cookieWscale(so.tsEcr);
    c.wsOk = ws >= 0;
    c.sndWscale = c.wsOk ? ws : 0;
    c.rcvWscale = c.wsOk ? windowShift(layer.config.rcvBuf) : 0;
    c.sackOk = cookieSack(so.tsEcr);
  }
  layer.add(c);
  return c;
}

/** SYN-RECEIVED to ESTABLISHED: buffers, then the listener's decision.
 * False when the connection did not survive it. */
export function establish(layer: TcpLayer, c: TcpConnection, seg: TcpRepr): bool {
  if (c.rcv === null) {
    const rb = layer.rcvPool.take();
    const sb = layer.sndPool.take();
    if (rb === null || sb === null) {
      if (rb !== null) layer.rcvPool.release(rb);
      if (sb !== null) layer.sndPool.release(sb);
      layer.counters.refused++;
      layer.sendReset(c.remote, c.remotePort, c.localPort, seg.ack, 0, false);
      layer.destroy(c, CloseReason.Aborted);
      return false;
    }
    c.rcv = new RecvBuffer(rb);
    c.snd = new SendBuffer(sb);
  }
  c.state = TcpState.Established;
  c.sndWnd = <u32>seg.window << <u32>c.sndWscale;
  c.maxSndWnd = c.sndWnd;
  c.sndWl1 = seg.seq;
  c.sndWl2 = seg.ack;
  c.bufSeq = c.iss + 1;
  initCongestion(c);
  const l = c.listener;
  if (l === null) {
    // Our own connect(), opened simultaneously with the peer's.
    layer.counters.activeOpens++;
    const mine = c.handler;
    if (mine !== null) mine.connected(c.socket);
    return !c.dead;
  }
  l.pending--;
  c.listener = null;
  l.accepted++;
  layer.counters.passiveOpens++;
  const h = l.handler.accept(c.socket);
  if (c.dead) return false;
  if (h === null) {
    layer.counters.refused++;
    c.abort();
    return false;
  }
  c.handler = h;
  h.connected(c.socket);
  return !c.dead;
}

/** RFC 6191: a SYN for a connection in TIME-WAIT starts a new one if it
 * is newer (timestamp, else sequence number). Whether it did. */
export function reuseTimeWait(layer: TcpLayer, c: TcpConnection, seg: TcpRepr): bool {
  const o = seg.options;
  const newer = c.tsOk && o.timestamps ? seqGt(o.tsVal, c.tsRecent) : seqGt(seg.seq, c.rcvNxt);
  const l = layer.listenerOn(c.localPort);
  if (!newer || l === null) return false;
  layer.counters.timeWaitReused++;
  layer.destroy(c, CloseReason.Normal);
  listenInput(layer, l, seg, c.remote);
  return true;
}
