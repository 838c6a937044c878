// libos/flow — the byte-stream seam (mirage-flow's FLOW).
//
// This layer promises: one interface, Flow, for a reliable ordered byte
// stream with zero-copy reads (`received`/`consume`), bounded writes that
// say how much they took (`write`, `fill` from a ByteSource), a `writable`
// event whenever send space frees, half-close (`shutdown`), `close`,
// `abort`, and both endpoints. Whatever carries bytes implements it: TCP
// (libos/net/tcp, TcpSocket), TLS over another flow (libos/tls, to come),
// the development target's host sockets, and the in-memory pipe here.
// Whatever speaks a protocol over bytes is written against it and nothing
// else: HTTP (libos/http), DNS over TCP (libos/dns), apps.
//
// A line server, with backpressure (the pattern every server follows):
//   class Lines extends FlowHandler {           // echoes each line
//     done: bool = false;
//     readable(f: Flow): void { this.serve(f); }
//     writable(f: Flow): void { this.serve(f); }   // space freed: go on
//     peerClosed(f: Flow): void { this.done = true; this.serve(f); }
//     serve(f: Flow): void {
//       const data = f.received();
//       let used = 0;
//       for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, used)) {
//         if (f.writeSpace < nl + 1 - used) break;   // wait for writable
//         f.write(data, used, nl + 1 - used);
//         used = nl + 1;
//       }
//       f.consume(used);
//       // close() drops what is unread: only once every line is answered.
//       if (this.done && data.indexOf(10, used) < 0) f.close();
//     }
//   }
//   class LineServer extends FlowAcceptor {
//     accept(f: Flow): FlowHandler | null { return new Lines(); }
//   }
//   stack.tcp.listen(7, new LineServer());
//
// Depends on libos/platform and libos/wire (IpEndpoint) only.
export { Flow, FlowHandler, FlowAcceptor, ByteSource, CloseReason, reasonName } from "./flow";
export { PipeEnd, pipePair } from "./pipe";
export { DeferredFlow } from "./deferred";
