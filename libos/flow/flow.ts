// Flow: a reliable, ordered byte stream between two endpoints, as
// mirage-flow's FLOW: what TCP is, what TLS will be over another flow, what
// the development target's host sockets are. HTTP, DNS over TCP and apps
// are written against this and nothing below it.
//
// Events go to a FlowHandler (AssemblyScript has no closures: a handler is
// an object whose methods are the callbacks). Reading is zero-copy:
// `received()` is a view over every byte that arrived and was not yet
// consumed; `consume(n)` frees them. Writing is bounded: `write` takes as
// much as fits and says how much; `writable` is called when space frees
// up after the writer learnt of less than all of it, by a short write or
// by reading `writeSpace`: a writer that checks the space first and waits
// never stalls, and one that never ran short hears nothing.
import { IpEndpoint } from "../wire/ip";

/** Why a flow ended, as FlowHandler.closed reports it. */
export enum CloseReason {
  /** Both sides closed and every byte was delivered. */
  Normal = 0,
  /** The peer reset it. */
  Reset,
  /** Our connect was refused. */
  Refused,
  /** Retransmissions, keepalive probes or a handshake ran out of time. */
  Timeout,
  /** We aborted it (abort(), or close() with unread data). */
  Aborted,
}

const REASON_NAMES: string[] = ["normal", "reset", "refused", "timeout", "aborted"];

export function reasonName(r: CloseReason): string {
  return REASON_NAMES[<i32>r];
}

/** The events of one flow. Every method has a default that does nothing,
 * so a handler overrides only what it needs. A handler may call any method
 * of the flow from any of these, close and abort included. */
export abstract class FlowHandler {
  /** The flow is open: connect() completed, or a listener accepted it. */
  connected(f: Flow): void {}
  /** New bytes arrived: `f.received()` shows every unread byte. */
  readable(f: Flow): void {}
  /** Send space freed after a short write or a look at `writeSpace`
   * that found less than all of it. */
  writable(f: Flow): void {}
  /** The peer will send nothing more (FIN, close_notify). We may still write. */
  peerClosed(f: Flow): void {}
  /** The flow is over; `f` is dead and may be dropped. */
  closed(f: Flow, reason: CloseReason): void {}
}

/** Decides on each new flow of a listening service (a TCP port, a TLS
 * server over one, a host socket). */
export abstract class FlowAcceptor {
  /** The handler for `f`, or null to refuse it (it is reset). */
  abstract accept(f: Flow): FlowHandler | null;
  /** A flow of this service it can do without now (one idle between
   * requests, the longest idle first), for the transport to reset when it
   * has no room for a new one; null for none. The transport knows nothing
   * of what the flows carry: only the service can tell which are idle. */
  spareFlow(): Flow | null { return null; }
}

/** Something that writes bytes on demand, straight into a flow's send
 * buffer (a file read from the image's assets, a response body). */
export abstract class ByteSource {
  /** Write up to `into.byteLength` bytes at the start of `into`; how many
   * were written (0: none now). `into` is valid only during the call. */
  abstract fill(into: Uint8Array): i32;
}

/** A reliable byte stream. */
export abstract class Flow {
  /** Who hears this flow's events; set by the acceptor's answer or by
   * the caller of connect, and may be changed at any time. */
  handler: FlowHandler | null = null;

  /** Every byte received and not yet consumed, in place; valid until the
   * next event of this flow or the next consume. */
  abstract received(): Uint8Array;

  /** Free the first `n` received bytes. */
  abstract consume(n: i32): void;

  /** Bytes received and not yet consumed. */
  get unread(): i32 {
    return 0;
  }

  /** The most bytes received() can hold: a message longer than this can
   * never be read whole. */
  get receiveCapacity(): i32 {
    return i32.MAX_VALUE;
  }

  /** Bytes write() would take now: 0 before the flow is open and after
   * shutdown. */
  get writeSpace(): i32 {
    return 0;
  }

  /** Bytes written that the peer has not yet acknowledged (or read):
   * what a send timeout watches for progress. */
  get unacknowledged(): i32 {
    return 0;
  }

  /** Queue bytes [offset, offset + len) of `data` (len -1: to the end);
   * how many were taken. The rest is the caller's to offer again when
   * `writable` is called. */
  abstract write(data: Uint8Array, offset: i32 = 0, len: i32 = -1): i32;

  /** Let `src` write up to `max` bytes straight into the send buffer;
   * how many it wrote. */
  abstract fill(src: ByteSource, max: i32): i32;

  /** A string as UTF-8, all of it or nothing; whether it was taken. */
  writeString(text: string): bool {
    const len = String.UTF8.byteLength(text);
    if (len > this.writeSpace) return false;
    return this.write(Uint8Array.wrap(String.UTF8.encode(text))) == len;
  }

  /** We write no more: the peer hears the end once what was written is
   * delivered. We may still read. */
  abstract shutdown(): void;

  /** shutdown(), and we read no more: bytes that arrive are dropped and
   * the handler hears only `closed`. What was written is still delivered. */
  abstract close(): void;

  /** End the flow now: what was written and not delivered is dropped,
   * the peer is told (RST), the handler hears `closed(Aborted)`. */
  abstract abort(): void;

  /** Whether data may be written now (open, not shut down). */
  get isOpen(): bool {
    return false;
  }

  /** Whether the flow is over (closed was or will be called). */
  get isClosed(): bool {
    return true;
  }

  /** Our end. */
  abstract get local(): IpEndpoint;

  /** The peer's end. */
  abstract get remote(): IpEndpoint;
}
