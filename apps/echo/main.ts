// echo: answers ping and echoes UDP datagrams on port 7 (RFC 862), both in
// place, over the network device named "service".
//
//   npm run build -- --target hvt --app echo
//   dist/morgana-hvt --net:service=tap0 -- dist/echo.hvt --ipv4=10.0.0.2/24
//   ping 10.0.0.2;  echo hi | socat - UDP:10.0.0.2:7
import { UdpDatagram, UdpHandler, UdpSocket } from "../../libos/net/index";
import { Stack } from "../../libos/stack/index";
import "../../libos/net/ipv6/index"; // IPv6 in the image: link-local, SLAAC or --ipv6
import { IpAddress } from "../../libos/wire/index";
import { Logger, run } from "../../libos/platform/index";

const PORT: u16 = 7;
/** Below this, ports belong to services (RFC 6335 §6: system ports). */
const FIRST_USER_PORT: u16 = 1024;

/** Datagrams left unanswered, as inetd leaves them: those sent to a
 * broadcast or multicast address (every host on the link would answer,
 * one datagram in, many out), and those from port 0 (RFC 768: no answer
 * wanted) or another system port, where a service may answer back: one
 * spoofed datagram between two echo servers (source port 7), or echo and
 * chargen, would bounce between them for ever. */
function refused(d: UdpDatagram): bool {
  return d.broadcast || d.dst.isMulticast || d.srcPort < FIRST_USER_PORT;
}

class Echo extends UdpHandler {
  refused: u64 = 0;

  receive(socket: UdpSocket, d: UdpDatagram): void {
    if (refused(d)) {
      this.refused++;
      return;
    }
    socket.reply(d, d.payload);
  }
}

const stack = Stack.fromBootArguments();
stack.udp.bind(PORT, new Echo());
new Logger("echo").info("echoing UDP on " + IpAddress.v4(stack.config.address).toString() + ":" + PORT.toString());
run();
