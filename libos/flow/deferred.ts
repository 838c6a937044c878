// A flow whose events reach the handler from a timer due at once, never
// from inside the call that caused them (as TCP delivers its own): a
// handler that writes from `readable` does not re-enter anyone's handler.
// The in-memory pipe and the node target's host sockets are made this way;
// each sets the want* flags and calls `schedule()`, and `deliver()` calls
// the handler in a stream's order.
import { Timer, now } from "../platform/index";
import { CloseReason, Flow } from "./flow";

class Deliver extends Timer {
  constructor(readonly flow: DeferredFlow) { super(); }
  fire(time: i64): void { this.flow.deliver(); }
}

export abstract class DeferredFlow extends Flow {
  private readonly timer!: Deliver;
  protected wantConnected: bool = false;
  protected wantReadable: bool = false;
  protected wantWritable: bool = false;
  protected wantPeerClosed: bool = false;
  protected wantClosed: bool = false;
  /** The application closed it: it reads no more. */
  protected appClosed: bool = false;
  /** Over: `closed` was or will be called with `reason`. */
  protected dead: bool = false;
  protected reason: CloseReason = CloseReason.Normal;

  constructor() {
    super();
    this.timer = new Deliver(this);
  }

  protected schedule(): void {
    if (!this.timer.armed) this.timer.armAt(now());
  }

  /** The flow is over: `closed(reason)` is due. */
  protected finish(reason: CloseReason): void {
    this.dead = true;
    this.reason = reason;
    this.wantClosed = true;
    this.schedule();
  }

  /** The timer: tell the handler what happened, in a stream's order. */
  deliver(): void {
    const h = this.handler;
    if (h === null) return;
    if (this.wantConnected) {
      this.wantConnected = false;
      h.connected(this);
    }
    if (this.wantReadable && !this.dead) {
      this.wantReadable = false;
      h.readable(this);
    }
    if (this.wantWritable && !this.dead) {
      this.wantWritable = false;
      if (this.writeSpace > 0) h.writable(this);
    }
    if (this.wantPeerClosed && !this.appClosed) {
      this.wantPeerClosed = false;
      if (!this.dead || this.reason == CloseReason.Normal) h.peerClosed(this);
    }
    if (this.wantClosed) {
      this.wantClosed = false;
      this.handler = null;
      h.closed(this, this.reason);
    }
  }
}
