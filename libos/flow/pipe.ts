// An in-memory pair of flows: what one end writes, the other reads, each
// direction through a bounded buffer. For tests (the same HTTP server over
// TCP and over a pipe) and for joining two services inside one image.
//
// Events are delivered from a timer due at once, never from inside the
// call that caused them (deferred.ts), as TCP delivers its own: a handler
// that writes from `readable` does not re-enter the peer's handler.
import { moveWindow } from "../platform/index";
import { IpEndpoint } from "../wire/ip";
import { ByteSource, CloseReason } from "./flow";
import { DeferredFlow } from "./deferred";

export class PipeEnd extends DeferredFlow {
  peer: PipeEnd | null = null;
  /** Bytes the peer wrote and we have not consumed: buf[start, end). */
  private readonly buf: Uint8Array;
  private start: i32 = 0;
  private end: i32 = 0;
  private readonly view: Uint8Array = new Uint8Array(0);
  private shut: bool = false;
  private peerShut: bool = false;

  constructor(capacity: i32, readonly localEnd: IpEndpoint, readonly remoteEnd: IpEndpoint) {
    super();
    this.buf = new Uint8Array(capacity);
    this.wantConnected = true;
  }

  get local(): IpEndpoint { return this.localEnd; }
  get remote(): IpEndpoint { return this.remoteEnd; }
  get unread(): i32 { return this.end - this.start; }
  get receiveCapacity(): i32 { return this.buf.byteLength; }
  get isOpen(): bool { return !this.dead && !this.shut; }
  get isClosed(): bool { return this.dead; }

  get writeSpace(): i32 {
    const p = this.peer;
    if (p === null || !this.isOpen || p.dead) return 0;
    return p.space;
  }

  get unacknowledged(): i32 {
    const p = this.peer;
    return p === null ? 0 : p.unread;
  }

  /** Room left in our receive buffer (compacted as needed). */
  get space(): i32 {
    return this.buf.byteLength - (this.end - this.start);
  }

  received(): Uint8Array {
    if (this.dead) return new Uint8Array(0);
    return moveWindow(this.view, this.buf, this.start, this.end - this.start);
  }

  consume(n: i32): void {
    if (n <= 0) return;
    const k = min(n, this.end - this.start);
    this.start += k;
    if (this.start == this.end) this.start = this.end = 0;
    const p = this.peer;
    if (p !== null && k > 0) p.notify(EVENT_WRITABLE);
  }

  write(data: Uint8Array, offset: i32 = 0, len: i32 = -1): i32 {
    if (len < 0) len = data.byteLength - offset;
    if (offset < 0 || len < 0 || offset + len > data.byteLength) throw new RangeError("pipe: write outside its buffer");
    const n = min(len, this.writeSpace);
    if (n <= 0) return 0;
    const p = this.peer!;
    p.take(data.dataStart + <usize>offset, n);
    return n;
  }

  fill(src: ByteSource, max: i32): i32 {
    const n = min(max, this.writeSpace);
    if (n <= 0) return 0;
    return this.peer!.takeFrom(src, n);
  }

  shutdown(): void {
    if (this.shut || this.dead) return;
    this.shut = true;
    const p = this.peer;
    if (p !== null) p.notify(EVENT_PEER_CLOSED);
    this.checkDone();
  }

  close(): void {
    this.appClosed = true;
    this.start = this.end = 0;
    this.shutdown();
  }

  abort(): void {
    if (this.dead) return;
    this.finish(CloseReason.Aborted);
    const p = this.peer;
    if (p !== null && !p.dead) p.finish(CloseReason.Reset);
  }

  // ---- the other end's calls

  private take(ptr: usize, n: i32): void {
    this.compact(n);
    memory.copy(this.buf.dataStart + <usize>this.end, ptr, n);
    this.end += n;
    this.arrived(n);
  }

  private takeFrom(src: ByteSource, n: i32): i32 {
    this.compact(n);
    const got = src.fill(moveWindow(this.view, this.buf, this.end, n));
    const k = got < 0 ? 0 : min(got, n);
    this.end += k;
    this.arrived(k);
    return k;
  }

  private arrived(n: i32): void {
    if (n <= 0) return;
    if (this.appClosed) {
      // We read no more: what arrives is dropped, as TCP drops it.
      this.start = this.end = 0;
      const p = this.peer;
      if (p !== null) p.notify(EVENT_WRITABLE);
      return;
    }
    this.notify(EVENT_READABLE);
  }

  /** Room for `n` more bytes at the end, moving the unread ones down. */
  private compact(n: i32): void {
    if (this.end + n <= this.buf.byteLength) return;
    const len = this.end - this.start;
    memory.copy(this.buf.dataStart, this.buf.dataStart + <usize>this.start, len);
    this.start = 0;
    this.end = len;
  }

  notify(event: i32): void {
    if (this.dead) return;
    if (event == EVENT_READABLE) this.wantReadable = true;
    else if (event == EVENT_WRITABLE) this.wantWritable = true;
    else if (event == EVENT_PEER_CLOSED) {
      this.wantPeerClosed = true;
      this.peerShut = true;
      this.checkDone();
    }
    this.schedule();
  }

  /** Both directions are shut: the flow ended normally. */
  private checkDone(): void {
    if (this.shut && this.peerShut && !this.dead) {
      this.finish(CloseReason.Normal);
      const p = this.peer;
      if (p !== null && p.shut && !p.dead) p.finish(CloseReason.Normal);
    }
  }
}

const EVENT_READABLE = 1;
const EVENT_WRITABLE = 2;
const EVENT_PEER_CLOSED = 3;

/** Two connected ends, each with `capacity` bytes of receive buffer. The
 * first is the "client" (local a, remote b), the second the "server". */
export function pipePair(capacity: i32, a: IpEndpoint, b: IpEndpoint): PipeEnd[] {
  const x = new PipeEnd(capacity, a, b);
  const y = new PipeEnd(capacity, b, a);
  x.peer = y;
  y.peer = x;
  return [x, y];
}

