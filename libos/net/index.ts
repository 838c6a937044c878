// libos/net — the network stack: Ethernet, ARP, IPv4, ICMP, UDP and TCP
// (libos/net/tcp/, with its own index) over one link, composed like
// mirage-tcpip (link -> ethernet -> arp -> ipv4 -> icmp -> udp, tcp), each
// layer a module that says at its top what it does.
//
// This layer promises:
// - Hostile frames are counted and dropped, by reason, per layer (every
//   `…Counters` class, registered with libos/platform's counters registry); nothing a frame
//   holds can trap the stack or grow its memory without bound.
// - Bounded memory, all limits in one place (`Limits`, config.ts): the ARP
//   cache (resolved entries and resolutions in progress bounded apart, so
//   a flood of addresses that never answer evicts no real neighbour) and
//   its queues, reassembly slots, runs of fragments and bytes, the ICMP
//   error rate. Buffers are allocated at start, or on demand up to a
//   limit, never per frame.
// - The device is read at most 64 frames per wake-up, so timers (and
//   TCP's output) run between reads under a flood.
// - No allocation on the per-frame path: layers look at frames through
//   windows (window.ts) moved over the receive buffer; answers (ARP
//   replies, echo replies, `socket.reply(d, d.payload)`) are written in
//   place over the question and go back to the link address it came from.
// - Outgoing datagrams larger than the MTU are fragmented; incoming
//   fragments are reassembled (RFC 791, RFC 1122 §3.3.2).
//
// - The IP seam (ip.ts): UDP and TCP are written against IpLayer and
//   IpAddress (libos/wire/ip.ts), never a 32-bit address; IPv4 is one
//   IpLayer (ipv4.ts, with arp.ts, icmp.ts, reassembly.ts, fragment.ts
//   beside it), and IPv6 plugs in as another, held in IpFamilies.
// - Configuration as events (config.ts ConfigEvent/ConfigListener): a
//   source (DHCP, libos/dhcp) emits them; the stack above (libos/stack)
//   applies them. Nothing here imports a source.
//
// Apps get all this assembled from libos/stack:
//   class Echo extends UdpHandler {
//     receive(s: UdpSocket, d: UdpDatagram): void { s.reply(d, d.payload); }
//   }
//   const stack = Stack.fromBootArguments();   // --ipv4, --ipv4-gateway, --dhcp
//   stack.udp.bind(7, new Echo());
//   run();
//
// IPv6 is libos/net/ipv6 (its own index): an app that imports it gets it.
//
// Not supported (yet): IPv4 options (accepted
// and skipped, never sent; source routes are dropped, RFC 7126),
// multicast, more than one interface or address, forwarding, path MTU
// discovery, acting on ICMP errors received, giving up an address another
// host claims (it is defended instead, RFC 5227 §2.4 (c)).
export {
  Ipv4Config, Limits, parseCidr, parseIpv4, isMulticast, isLoopback, ConfigEvent, ConfigChange, ConfigListener,
} from "./config";
export { ipv4Argument, gatewayArgument, configFromArguments } from "./args";
export { Link, DeviceLink } from "./link";
export { IpLayer, IpFamilies, IpDatagram, IpProtocol, IP_HEADROOM, StartedIpLayer, Ipv6Factory } from "./ip";
export { EthernetLayer, EthernetCounters, EtherTypeHandler } from "./ethernet";
export { ArpLayer, ArpCounters, NO_MAC } from "./arp";
export { ArpCache, ArpEntry, EntryState } from "./arpcache";
export { Ipv4Layer, Ipv4Counters } from "./ipv4";
export { Reassembly, ReassemblyCounters } from "./reassembly";
export { IcmpLayer, IcmpCounters } from "./icmp";
export { UdpLayer, UdpCounters, UdpSocket, UdpHandler, UdpDatagram, UDP_MAX_PAYLOAD } from "./udp";
export { moveWindow, newWindow } from "./window";
