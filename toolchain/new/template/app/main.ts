// __NAME__: echoes UDP datagrams on port 7 (RFC 862) over the network
// device named "service".
//
//   npm run build
//   sudo npm run boot -- --net:service=tap0 -- --ipv4=10.0.0.2/24
//   echo hi | socat - UDP:10.0.0.2:7
import { Stack, UdpDatagram, UdpHandler, UdpSocket } from "morgana/net";
import { Logger, run } from "morgana/platform";
import { ipv4ToString } from "morgana/wire";

const PORT: u16 = 7;

// AssemblyScript has no closures: a callback is a handler object.
class Echo extends UdpHandler {
  receive(socket: UdpSocket, d: UdpDatagram): void {
    socket.reply(d, d.payload);
  }
}

const stack = Stack.fromBootArguments();
stack.udp.bind(PORT, new Echo());
new Logger("__NAME__").info("echoing UDP on " + ipv4ToString(stack.config.address) + ":" + PORT.toString());
run();
