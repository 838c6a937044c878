// What an application sees of TCP: handler objects (AssemblyScript has no
// closures, so callbacks are methods of objects the application
// subclasses), the connection states of RFC 9293 §3.3.2, and why a
// connection ended.
import { TcpConnection } from "./connection";

/** RFC 9293 §3.3.2. LISTEN is a listener's, not a connection's. */
export enum TcpState {
  Closed = 0,
  SynSent,
  SynReceived,
  Established,
  FinWait1,
  FinWait2,
  CloseWait,
  Closing,
  LastAck,
  TimeWait,
}

const STATE_NAMES: string[] = [
  "CLOSED", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
  "CLOSING", "LAST-ACK", "TIME-WAIT",
];

export function stateName(s: TcpState): string {
  return STATE_NAMES[<i32>s];
}

/** Why a connection ended, as TcpHandler.closed reports it. */
export enum CloseReason {
  /** Both sides closed and every byte was acknowledged. */
  Normal = 0,
  /** The peer reset it (RST). */
  Reset,
  /** Our connect() was refused (RST in answer to our SYN). */
  Refused,
  /** Retransmissions, keepalive probes or FIN-WAIT-2 ran out of time. */
  Timeout,
  /** We aborted it (abort(), or close() with unread data). */
  Aborted,
}

const REASON_NAMES: string[] = ["normal", "reset", "refused", "timeout", "aborted"];

export function reasonName(r: CloseReason): string {
  return REASON_NAMES[<i32>r];
}

/** The events of one connection. Every method has a default that does
 * nothing, so a handler overrides only what it needs. A handler may call
 * any method of the connection from any of these, close and abort included. */
export abstract class TcpHandler {
  /** The handshake completed (connect() done, or accepted). */
  connected(c: TcpConnection): void {}
  /** New bytes arrived in order: `c.received()` shows every unread byte;
   * `c.consume(n)` frees them. Bytes left unread stay (and shrink the
   * window the peer may fill). */
  readable(c: TcpConnection): void {}
  /** Send space freed after a write() or fill() took less than offered. */
  writable(c: TcpConnection): void {}
  /** The peer sent its FIN: nothing more will arrive. We may still send. */
  peerClosed(c: TcpConnection): void {}
  /** The connection is over; `c` is dead and may be dropped. */
  closed(c: TcpConnection, reason: CloseReason): void {}
}

/** A listening port's decisions. */
export abstract class TcpListenHandler {
  /** A new connection completed its handshake: the handler for it, or
   * null to refuse it (it is reset). */
  abstract accept(c: TcpConnection): TcpHandler | null;
}
