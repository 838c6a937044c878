// The stream transport seam: what the stack's `tcp` is to an app. TCP
// (libos/net/tcp) is one; the development target's host sockets are
// another. Listening takes a FlowAcceptor, connecting an IpEndpoint and a
// FlowHandler; what comes out is a Flow.
//
// TCP plugs in by registering a factory when its module is imported, so
// an image that never imports libos/net/tcp carries none of it (a UDP
// echo is ~120 KB smaller): AssemblyScript compiles every subclass a
// program can reach, and the stack reaches TCP only through here.
import { Flow, FlowAcceptor, FlowHandler } from "../flow/index";
import { IpEndpoint } from "../wire/index";
import { IpFamilies } from "./ip";

export abstract class StreamTransport {
  /** Listen on `port` with `acceptor` deciding on each new flow; false if
   * something listens there already. */
  abstract listen(port: u16, acceptor: FlowAcceptor, backlog: i32 = -1): bool;

  /** Stop listening on `port` (flows made already are not touched). */
  abstract unlisten(port: u16): void;

  /** Open a flow to `to`; the handler hears `connected` or `closed`. Null
   * when no connection or port is free. */
  abstract connect(to: IpEndpoint, handler: FlowHandler, srcPort: u16 = 0): Flow | null;

  /** One line on the transport's limits, for start-up logs. */
  abstract describe(): string;
}

/** Makes the stream transport over a stack's IP layers. */
export abstract class StreamTransportFactory {
  abstract make(ip: IpFamilies): StreamTransport;
}

let tcpFactory: StreamTransportFactory | null = null;

/** Called by libos/net/tcp when it is imported. */
export function registerTcp(f: StreamTransportFactory): void {
  tcpFactory = f;
}

/** The registered TCP factory, or null when the image has no TCP. */
export function tcpTransportFactory(): StreamTransportFactory | null {
  return tcpFactory;
}
