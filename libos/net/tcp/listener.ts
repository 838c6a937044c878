// A listening port (RFC 9293 LISTEN): its handler decides on each new
// connection; `backlog` bounds the connections it has in SYN-RECEIVED.
import { FlowAcceptor } from "../../flow/index";
import { TcpLayer } from "./layer";

export class TcpListener {
  /** Connections of this listener in SYN-RECEIVED. */
  pending: i32 = 0;
  /** Connections accepted so far. */
  accepted: u64 = 0;
  /** SYNs answered with a cookie because the backlog was full. */
  cookiesSent: u64 = 0;
  closed: bool = false;

  constructor(
    readonly layer: TcpLayer,
    readonly port: u16,
    public handler: FlowAcceptor,
    readonly backlog: i32,
  ) {}

  /** Stop listening; connections already made are not touched. */
  close(): void {
    this.layer.unlisten(this.port);
  }
}
