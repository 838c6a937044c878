// TCP over host sockets: a StreamTransport (net/transport.ts) whose flows
// are the host's TCP connections, what the stack's `tcp` is on the node
// target. Listening, connecting, windows, retransmission and FIN/RST are
// the host kernel's; this file keeps each flow's receive buffer (so that
// received() reads in place, as over libos TCP) and turns host events
// into the FlowHandler's calls.
//
// Events reach handlers from the event loop, never from inside the call
// that caused them (flow/deferred.ts, as TCP and the in-memory pipe
// deliver theirs), so a handler that consumes from `readable` is not
// re-entered.
import { ByteSource, CloseReason, Flow, FlowAcceptor, FlowHandler } from "../flow/index";
import { DeferredFlow } from "../flow/deferred";
import { StreamTransport } from "../net/transport";
import { moveWindow } from "../platform/index";
import { IpAddress, IpEndpoint } from "../wire/index";
import {
  hostTcpAbort, hostTcpClose, hostTcpConnect, hostTcpListen, hostTcpRead, hostTcpShutdown,
  hostTcpUnlisten, hostTcpUnsent, hostTcpWrite, hostTcpWriteSpace,
} from "./abi";

/** Receive buffer per flow: what received() can show at once. */
const RECEIVE_BUFFER: i32 = 65536;

export class HostFlow extends DeferredFlow {
  private readonly buf: Uint8Array = new Uint8Array(RECEIVE_BUFFER);
  private readonly view: Uint8Array = new Uint8Array(0);
  private start: i32 = 0;
  private end: i32 = 0;
  private opened: bool = false;
  private shut: bool = false;

  constructor(readonly transport: HostStreams, readonly sock: i32, readonly localEnd: IpEndpoint, readonly remoteEnd: IpEndpoint) {
    super();
  }

  get local(): IpEndpoint { return this.localEnd; }
  get remote(): IpEndpoint { return this.remoteEnd; }
  get unread(): i32 { return this.end - this.start; }
  get receiveCapacity(): i32 { return this.buf.byteLength; }
  get isOpen(): bool { return this.opened && !this.dead && !this.shut; }
  get isClosed(): bool { return this.dead; }
  get writeSpace(): i32 { return this.isOpen ? max(0, hostTcpWriteSpace(this.sock)) : 0; }
  get unacknowledged(): i32 { return this.dead ? 0 : max(0, hostTcpUnsent(this.sock)); }

  received(): Uint8Array {
    return moveWindow(this.view, this.buf, this.start, this.dead ? 0 : this.end - this.start);
  }

  consume(n: i32): void {
    if (n <= 0) return;
    this.start += min(n, this.end - this.start);
    if (this.start == this.end) this.start = this.end = 0;
    // Room again: what the host still holds comes in, heard next turn.
    if (this.pull() > 0) this.schedule();
  }

  write(data: Uint8Array, offset: i32 = 0, len: i32 = -1): i32 {
    if (len < 0) len = data.byteLength - offset;
    if (offset < 0 || len < 0 || offset + len > data.byteLength) throw new RangeError("host flow: write outside its buffer");
    const n = min(len, this.writeSpace);
    if (n <= 0) return 0;
    return hostTcpWrite(this.sock, data.dataStart + <usize>offset, n);
  }

  fill(src: ByteSource, max: i32): i32 {
    const n = min(max, this.writeSpace);
    if (n <= 0) return 0;
    const into = this.transport.scratch(n);
    const got = src.fill(into);
    if (got <= 0) return 0;
    return hostTcpWrite(this.sock, into.dataStart, min(got, n));
  }

  shutdown(): void {
    if (this.shut || this.dead) return;
    this.shut = true;
    hostTcpShutdown(this.sock);
  }

  close(): void {
    if (this.dead) return;
    this.appClosed = true;
    this.shut = true;
    this.start = this.end = 0;
    hostTcpClose(this.sock);
  }

  abort(): void {
    if (this.dead) return;
    hostTcpAbort(this.sock);
    this.ended(CloseReason.Aborted);
  }

  // ---- host events (events.ts)

  /** Accepted or connected: the handler hears `connected` first. */
  open(): void {
    this.opened = true;
    this.wantConnected = true;
    this.schedule();
  }

  readable(): void {
    if (this.pull() > 0) this.schedule();
  }

  writable(): void {
    this.wantWritable = true;
    this.schedule();
  }

  peerClosed(): void {
    this.wantPeerClosed = true;
    this.schedule();
  }

  ended(reason: CloseReason): void {
    if (this.dead) return;
    this.transport.forget(this.sock);
    this.finish(reason);
  }

  /** Take what the host holds into the buffer; how many bytes. */
  private pull(): i32 {
    if (this.dead) return 0;
    if (this.appClosed) {
      // We read no more: drain and drop, as TCP drops it.
      while (hostTcpRead(this.sock, this.buf.dataStart, this.buf.byteLength) > 0) {}
      return 0;
    }
    if (this.start > 0) {
      memory.copy(this.buf.dataStart, this.buf.dataStart + <usize>this.start, this.end - this.start);
      this.end -= this.start;
      this.start = 0;
    }
    const n = hostTcpRead(this.sock, this.buf.dataStart + <usize>this.end, this.buf.byteLength - this.end);
    if (n <= 0) return 0;
    this.end += n;
    this.wantReadable = true;
    return n;
  }
}

export class HostStreams extends StreamTransport {
  private readonly acceptors: Map<u16, FlowAcceptor> = new Map<u16, FlowAcceptor>();
  private readonly flows: Map<i32, HostFlow> = new Map<i32, HostFlow>();
  private buffer: Uint8Array = new Uint8Array(16384);

  constructor(readonly address: IpAddress) { super(); }

  listen(port: u16, acceptor: FlowAcceptor, backlog: i32 = -1): bool {
    if (this.acceptors.has(port) || hostTcpListen(port) != 0) return false;
    this.acceptors.set(port, acceptor);
    return true;
  }

  unlisten(port: u16): void {
    if (!this.acceptors.has(port)) return;
    this.acceptors.delete(port);
    hostTcpUnlisten(port);
  }

  connect(to: IpEndpoint, handler: FlowHandler, srcPort: u16 = 0): Flow | null {
    if (!to.address.isV4) return null;
    const sock = hostTcpConnect(to.address.v4, to.port);
    if (sock < 0) return null;
    const f = new HostFlow(this, sock, new IpEndpoint(this.address, 0), to.clone());
    f.handler = handler;
    this.flows.set(sock, f);
    return f;
  }

  describe(): string {
    return "host sockets on " + this.address.toString();
  }

  // ---- host events (events.ts)

  accepted(sock: i32, port: u16, from: u32, fromPort: u16): void {
    const f = new HostFlow(this, sock, new IpEndpoint(this.address, port), new IpEndpoint(IpAddress.v4(from), fromPort));
    let handler: FlowHandler | null = null;
    if (this.acceptors.has(port)) handler = this.acceptors.get(port).accept(f);
    if (handler === null) {
      hostTcpAbort(sock);
      return;
    }
    f.handler = handler;
    this.flows.set(sock, f);
    f.open();
  }

  /** The flow of `sock`, or null (aborted or closed already). */
  flow(sock: i32): HostFlow | null {
    return this.flows.has(sock) ? this.flows.get(sock) : null;
  }

  forget(sock: i32): void {
    this.flows.delete(sock);
  }

  /** A buffer of at least `n` bytes for fill(), reused. */
  scratch(n: i32): Uint8Array {
    if (this.buffer.byteLength < n) this.buffer = new Uint8Array(n);
    return this.buffer.subarray(0, n);
  }
}
