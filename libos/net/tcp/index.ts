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
// - Orphans (connections the application closed) are bounded as Linux's
//   tcp_orphan_retries bounds them: `orphanRetries` retransmissions or
//   zero-window probes (answered or not), ~100 s. When the table is full,
//   a new SYN takes the slot of the oldest orphan, else of a connection
//   a listener's FlowAcceptor.spareFlow() offers (an idle one: TCP does
//   not know what is idle for the protocol above), reset to make room.
// - What applications hold of a connection is a TcpSocket (socket.ts): a
//   Flow (libos/flow: received/consume, write/fill with backpressure,
//   shutdown, close, abort, endpoints) plus keepalive, state and
//   statistics. The control block (connection.ts) is private to this
//   folder. Listening takes a FlowAcceptor; connect takes an IpEndpoint
//   and a FlowHandler. Addresses are IpAddress: the connection table and
//   everything here work for any IP version the stack has.
// - No Nagle: what is written in one turn of the event loop goes out at
//   its end, in full segments, so there is no "nodelay" to ask for.
//
// An app (the stack gives TCP: `stack.tcp`, made on first use):
//   class Echo extends FlowHandler {
//     readable(f: Flow): void { f.consume(f.write(f.received())); }
//     writable(f: Flow): void { f.consume(f.write(f.received())); }
//     peerClosed(f: Flow): void { f.close(); }
//   }
//   class EchoServer extends FlowAcceptor {
//     accept(f: Flow): FlowHandler | null { return new Echo(); }
//   }
//   stack.tcp.listen(7, new EchoServer());
//   run();
//
// Files: seq (sequence arithmetic), api (states), socket (the
// application's handle), connection (the control block), input (segment
// arrival), passive (LISTEN, SYN cookies), output (what is sent when),
// congestion (RFC 5681/6582/6675), sack (the scoreboard), rto (RFC 6298),
// timers, buffer (pools, send ring, receive buffer), isn (RFC 6528,
// cookies), config and args (limits), layer (table, demultiplexing,
// batching), counters.
//
// Not supported: urgent data (the pointer is ignored, RFC 6093 advises
// against its use), TCP Fast Open (data on a SYN is dropped and sent
// again), ECN, path MTU discovery, user timeouts (RFC 5482), D-SACK,
// RACK's time-based loss detection beyond the tail probe, slow start
// after idle (RFC 5681 §4.1), CUBIC.
export { TcpLayer } from "./layer";

// Importing TCP puts it in the image: the stack's `tcp` is made by this.
import { IpFamilies } from "../ip";
import { StreamTransport, StreamTransportFactory, registerTcp } from "../transport";
import { TcpLayer } from "./layer";
import { configFromArguments } from "./args";
class TcpFactory extends StreamTransportFactory {
  make(ip: IpFamilies): StreamTransport { return new TcpLayer(ip, configFromArguments()); }
}
registerTcp(new TcpFactory());

export { TcpSocket } from "./socket";
export { TcpListener } from "./listener";
export { TcpState, CloseReason, stateName, reasonName } from "./api";
export { TcpConfig } from "./config";
export { TcpCounters } from "./counters";
export { configFromArguments as tcpConfigFromArguments } from "./args";
export { seqLt, seqLe, seqGt, seqGe, seqDiff } from "./seq";
