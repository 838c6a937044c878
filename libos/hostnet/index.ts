// libos/hostnet — the stack over the host's sockets, for the node target
// (as MirageOS's socket stack is for its unix target).
//
// This layer promises: an app's main runs unchanged. The build adds this
// module to the image (toolchain/targets/node), which registers a stack
// maker; Stack.fromBootArguments() then returns a stack whose `udp` is the
// stack's own UDP over host datagram sockets (udp.ts) and whose `tcp`
// is a StreamTransport of host TCP connections (tcp.ts), both bound to the
// host address `morgana run --bind` chose (127.0.0.1 by default). There is
// no link, ARP, ICMP, IP routing or DHCP: the host's kernel has them, and
// --dhcp is refused. The stack's other layers exist but carry nothing.
import { fail, Logger } from "../platform/index";
import { ConfigChange, ConfigEvent, Ipv4Config, Limits } from "../net/config";
import { Link } from "../net/link";
import { IP_PROTOCOL_UDP, IpAddress } from "../wire/index";
import { Stack } from "../stack/index";
import { StackMaker, registerStackMaker } from "../stack/target";
import { hostAddress } from "./abi";
import { HostEvents } from "./events";
import { HostStreams } from "./tcp";
import { HostIpLayer } from "./udp";
export { hostTurn } from "./turn";

const log = new Logger("net");

/** No frames: the layers below IP are the host's. */
class NoLink extends Link {
  constructor() { super(0, 65535); }
  transmit(frame: Uint8Array): bool { return false; }
}

class HostStackMaker extends StackMaker {
  make(dhcp: bool, limits: Limits): Stack {
    if (dhcp) {
      fail("--dhcp: the node target has no DHCP, the host's own addresses are used; drop --dhcp " +
        "(morgana run --bind ADDRESS chooses the address, 127.0.0.1 by default)");
    }
    const address = hostAddress();
    const config = new Ipv4Config(address, 32);
    const stack = new Stack(new NoLink(), config, limits);
    const ip = new HostIpLayer(address);
    stack.ip.v4 = ip;
    ip.register(IP_PROTOCOL_UDP, stack.udp);
    const tcp = new HostStreams(IpAddress.v4(address));
    stack.useTcp(tcp);
    new HostEvents(ip, tcp);
    log.info("ipv4 " + IpAddress.v4(address).toString() + " (host sockets, node target)");
    stack.configChanged(new ConfigEvent(ConfigChange.Bound, config, [], "host"));
    return stack;
  }
}

registerStackMaker(new HostStackMaker());
