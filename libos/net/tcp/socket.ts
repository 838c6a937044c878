// What an application holds of a TCP connection: a Flow (libos/flow) plus
// the knobs only TCP has (keepalive, state, statistics). The control block
// behind it (connection.ts) is private to libos/net/tcp; this handle is
// the only door to it, so what an application can do to a connection is
// exactly what is written here.
import { ByteSource, Flow } from "../../flow/index";
import { IpEndpoint } from "../../wire/index";
import { TcpState, stateName } from "./api";
import { TcpConnection } from "./connection";

export class TcpSocket extends Flow {
  private localEnd: IpEndpoint | null = null;
  private remoteEnd: IpEndpoint | null = null;

  /** @internal made by the control block it stands for. */
  constructor(private readonly tcb: TcpConnection) {
    super();
  }

  received(): Uint8Array {
    return this.tcb.received();
  }

  consume(n: i32): void {
    this.tcb.consume(n);
  }

  get unread(): i32 {
    return this.tcb.unread;
  }

  get receiveCapacity(): i32 {
    return this.tcb.layer.config.rcvBuf;
  }

  get writeSpace(): i32 {
    const c = this.tcb;
    const space = c.sendSpace;
    // Told there is less than all of it: `writable` when space frees.
    if (c.snd !== null && space < c.snd!.capacity) c.wantWritable = true;
    return space;
  }

  get unacknowledged(): i32 {
    return this.tcb.unacknowledged;
  }

  write(data: Uint8Array, offset: i32 = 0, len: i32 = -1): i32 {
    return this.tcb.write(data, offset, len);
  }

  fill(src: ByteSource, max: i32): i32 {
    return this.tcb.fill(src, max);
  }

  shutdown(): void {
    this.tcb.shutdown();
  }

  close(): void {
    this.tcb.close();
  }

  abort(): void {
    this.tcb.abort();
  }

  get isOpen(): bool {
    const c = this.tcb;
    return !c.dead && !c.finQueued && c.canSend();
  }

  get isClosed(): bool {
    return this.tcb.dead || this.tcb.inTimeWait;
  }

  get local(): IpEndpoint {
    let e = this.localEnd;
    if (e === null) {
      const c = this.tcb;
      e = new IpEndpoint(c.layer.localAddress(c.remote).clone(), c.localPort);
      this.localEnd = e;
    }
    return e;
  }

  get remote(): IpEndpoint {
    let e = this.remoteEnd;
    if (e === null) {
      const c = this.tcb;
      e = new IpEndpoint(c.remote, c.remotePort);
      this.remoteEnd = e;
    }
    return e;
  }

  // ---- TCP's own

  /** RFC 9293 §3.3.2. */
  get state(): TcpState {
    return this.tcb.state;
  }

  /** Keepalive probes on an idle connection (RFC 1122 §4.2.3.6: off
   * unless asked; times from the layer's configuration). */
  setKeepAlive(on: bool): void {
    this.tcb.setKeepAlive(on);
  }

  get bytesIn(): u64 {
    return this.tcb.bytesIn;
  }

  get bytesOut(): u64 {
    return this.tcb.bytesOut;
  }

  get retransmits(): u64 {
    return this.tcb.retransmits;
  }

  /** The smoothed round-trip time in nanoseconds (0 before a sample). */
  get rtt(): i64 {
    return this.tcb.rto.srtt;
  }

  toString(): string {
    return this.tcb.toString();
  }

  /** The control block's variables as "name=value" words, for tests and
   * diagnostics (read only). */
  inspect(): string {
    const c = this.tcb;
    return "state=" + stateName(c.state) + " iss=" + c.iss.toString() + " irs=" + c.irs.toString() +
      " sndUna=" + c.sndUna.toString() + " sndNxt=" + c.sndNxt.toString() + " sndMax=" + c.sndMax.toString() +
      " sndWnd=" + c.sndWnd.toString() + " rcvNxt=" + c.rcvNxt.toString() + " cwnd=" + c.cwnd.toString() +
      " ssthresh=" + c.ssthresh.toString() + " mss=" + c.mss.toString() + " rto=" + c.rto.current.toString() +
      " srtt=" + c.rto.srtt.toString() + " sndWscale=" + c.sndWscale.toString() +
      " rcvWscale=" + c.rcvWscale.toString() + " tsOk=" + (c.tsOk ? "1" : "0") + " sackOk=" + (c.sackOk ? "1" : "0") +
      " inRecovery=" + (c.inRecovery ? "1" : "0") + " unread=" + c.unread.toString() +
      " unacked=" + c.unacknowledged.toString() + " sendSpace=" + c.sendSpace.toString() +
      " dead=" + (c.dead ? "1" : "0") + " retransmits=" + c.retransmits.toString();
  }
}
