// libos/net/ipv6 — IPv6 (RFC 8200) beside IPv4, under the same IpLayer:
// importing this module gives the stack an IPv6 layer (an image that does
// not import it carries none of it, as with TCP).
//
// This layer promises:
// - Addresses (addresses.ts, nd.ts): link-local from the MAC (modified
//   EUI-64), static (--ipv6=ADDRESS/PREFIX) or SLAAC from router
//   advertisements (--ipv6=slaac, the default), each checked by Duplicate
//   Address Detection first and refused, with a console line, when
//   another host holds it; each logged with its origin when usable.
// - Neighbor Discovery (nd.ts, neighbours.ts): solicitations answered, a
//   neighbour cache with the NUD states, bounded and not evictable by
//   spoofed sources; router discovery (default router, hop limit, MTU,
//   on-link and SLAAC prefixes), one router at a time.
// - Input checks and extension headers per RFC 8200 §4 (layer.ts, via
//   wire/ipv6ext.ts: bounded chains, routing type 0 refused), fragment
//   reassembly with IPv4's bounds (../reassembly.ts; overlaps drop the
//   datagram, RFC 5722; atomic fragments are whole, RFC 6946), and
//   fragmentation of what we send beyond the path MTU.
// - ICMPv6 (icmp.ts): echo replies; port unreachable, parameter problem
//   and reassembly time exceeded, rate-limited; Packet Too Big lowers the
//   path MTU (pmtu.ts, RFC 8201), which TCP reads for the MSS of new
//   connections (IpLayer.mtuFor).
// - MLDv2 reports of the solicited-node groups (nd.ts), on joining and
//   when queried, so that a snooping switch forwards them.
// Not supported: MLDv1, RFC 7217 addresses, DHCPv6, redirects,
// more than one default router, RDNSS (RFC 8106).
import { Limits } from "../config";
import { EthernetLayer } from "../ethernet";
import { Ipv6Factory, StartedIpLayer, registerIpv6 } from "../ip";
import { fail, registerCounters } from "../../platform/index";
import { IpAddress } from "../../wire/index";
import { Ipv6Cidr, ipv6Argument, ipv6DadTransmitsArgument, ipv6GatewayArgument } from "./args";
import { Icmpv6Control, Icmpv6Layer } from "./icmp";
import { Ipv6Layer } from "./layer";
import { Ipv6Mode, NeighbourDiscovery } from "./nd";

class Ipv6LayerFactory extends Ipv6Factory {
  declareArguments(): void {
    ipv6Argument();
    ipv6GatewayArgument();
    ipv6DadTransmitsArgument();
  }

  make(ethernet: EthernetLayer, limits: Limits): StartedIpLayer | null {
    const v = ipv6Argument().value;
    const gw = ipv6GatewayArgument().value;
    const dad = ipv6DadTransmitsArgument();
    if (v == "none") {
      if (gw.length > 0) fail("--ipv6-gateway needs IPv6: drop it, or --ipv6=none");
      if (dad.given) fail("--ipv6-dad-transmits needs IPv6: drop it, or --ipv6=none");
      return null;
    }
    const layer = new Ipv6Layer(ethernet, limits);
    let nd: NeighbourDiscovery;
    let gateway: IpAddress | null = null;
    if (gw.length > 0) gateway = IpAddress.parse(gw);
    if (v == "slaac") {
      nd = new NeighbourDiscovery(layer, ethernet.mac, Ipv6Mode.Slaac, null, 0, gateway, <i32>dad.int);
    } else {
      const cidr = Ipv6Cidr.parse(v)!; // the validator took it
      nd = new NeighbourDiscovery(layer, ethernet.mac, Ipv6Mode.Static, cidr.address, cidr.prefixLen, gateway, <i32>dad.int);
    }
    const icmp = new Icmpv6Layer(layer, limits, nd);
    layer.control = new Icmpv6Control(icmp, nd);
    registerCounters("ipv6", layer.counters);
    registerCounters("reassembly6", layer.reassembly.counters);
    registerCounters("icmpv6", icmp.counters);
    registerCounters("nd", nd.counters);
    registerCounters("neighbours", layer.neighbours.counters);
    return layer;
  }
}
registerIpv6(new Ipv6LayerFactory());

export { Ipv6Layer, Ipv6Counters } from "./layer";
export { Icmpv6Layer, Icmpv6Counters } from "./icmp";
export { NeighbourDiscovery, NdCounters, Ipv6Mode } from "./nd";
export { NeighbourCache, NudState } from "./neighbours";
export { AddressTable, AddressOrigin, AddressState, InterfaceAddress } from "./addresses";
export { ipv6Argument, ipv6DadTransmitsArgument, ipv6GatewayArgument, Ipv6Cidr } from "./args";
