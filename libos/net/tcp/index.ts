// libos/net/tcp — TCP (RFC 9293) over the stack's IPv4 layer.
//
// This layer promises:
// - Connections that survive loss, duplication, reordering and corruption:
//   retransmission per RFC 6298 with exponential backoff, fast retransmit
//   and recovery (NewReno, RFC 6582; SACK-based, RFC 6675, when the peer
//   does SACK), with what small windows need (limited transmit RFC 3042,
//   early retransmit RFC 5827, tail loss probes RFC 8985 §7, lost
//   retransmissions found by SACK, spurious timeouts undone RFC 4015),
//   delayed ACKs, zero-window probes, out-of-order data kept and reported
//   in SACK blocks (RFC 2018), MSS, window scaling and timestamps with PAWS
//   (RFC 7323), optional keepalive.
// - Resistance to off-path attacks: initial sequence numbers per RFC 6528,
//   RST and SYN injection answered with challenge ACKs rate-limited per
//   connection and by a global budget drawn anew each second (RFC 5961,
//   CVE-2016-5696), ACKs for out-of-window segments rate-limited per
//   connection, old ACKs refused, SYN cookies when a backlog is full;
//   SYN+FIN probes dropped, options of illegal length skipped (as Linux),
//   overlapping out-of-order data keeping its first copy.
// - Bounded memory: at most `maxConnections` connections (TIME-WAIT aside,
//   bounded by `maxTimeWait`), at most `backlog` half-open ones per
//   listener, one receive and one send buffer per connection from fixed
//   pools; defaults from the guest memory, boot arguments to override them
//   (config.ts, args.ts). A full send buffer says so (write returns less);
//   a full receive buffer closes the window. Nothing grows with traffic.
// - An application API of handler objects (api.ts): listen, accept (the
//   listener's handler), connect, write/fill with backpressure, readable
//   callbacks over the bytes in place, shutdown, close, abort.
//
// An app:
//   class Echo extends TcpHandler {
//     readable(c: TcpConnection): void {
//       const data = c.received();
//       c.consume(c.write(data));
//     }
//     peerClosed(c: TcpConnection): void { c.close(); }
//   }
//   class EchoServer extends TcpListenHandler {
//     accept(c: TcpConnection): TcpHandler | null { return new Echo(); }
//   }
//   const stack = Stack.fromBootArguments();
//   const tcp = TcpLayer.fromStack(stack);  // --tcp-* boot arguments
//   tcp.listen(7, new EchoServer());
//   run();
//
// Files: seq (sequence arithmetic), api (handlers, states), connection
// (the control block and the application's calls), input (segment
// arrival), passive (LISTEN, SYN cookies), output (what is sent when),
// congestion (RFC 5681/6582/6675), sack (the scoreboard), rto (RFC 6298),
// timers, buffer (pools, send ring, receive buffer), isn (RFC 6528,
// cookies), config and args (limits), layer (table, demultiplexing,
// batching), counters.
//
// Not supported: urgent data (the pointer is ignored, RFC 6093 advises
// against its use), TCP Fast Open (data on a SYN is dropped and sent
// again), ECN, IPv6, path MTU discovery, user timeouts (RFC 5482), D-SACK,
// RACK's time-based loss detection beyond the tail probe, slow start
// after idle (RFC 5681 §4.1), CUBIC.
export { TcpLayer, HEADROOM } from "./layer";
export { TcpConnection } from "./connection";
export { TcpListener } from "./listener";
export { TcpHandler, TcpListenHandler, TcpState, CloseReason, stateName, reasonName } from "./api";
export { TcpConfig } from "./config";
export { TcpCounters } from "./counters";
export { ByteSource } from "./buffer";
export { configFromArguments as tcpConfigFromArguments } from "./args";
export { seqLt, seqLe, seqGt, seqGe, seqDiff } from "./seq";
