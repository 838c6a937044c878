// __NAME__: echoes UDP datagrams on port 7 (RFC 862) over the network
// device named "service".
//
//   npm run build
//   sudo npm run boot -- --net:service=tap0 -- --ipv4=10.0.0.2/24
//   echo hi | socat - UDP:10.0.0.2:7
import { UdpDatagram, UdpHandler, UdpSocket } from "morgana/net";
import { Stack } from "morgana/stack";
import { Logger, run } from "morgana/platform";
import { IpAddress } from "morgana/wire";

const PORT: u16 = 7;

// AssemblyScript has no closures: a callback is a handler object.
class Echo extends UdpHandler {
  receive(socket: UdpSocket, d: UdpDatagram): void {
    // Never to a broadcast, nor to a service port that might answer back.
    if (d.broadcast || d.srcPort < 1024) return;
    socket.reply(d, d.payload);
  }
}

const stack = Stack.fromBootArguments();
stack.udp.bind(PORT, new Echo());
new Logger("__NAME__").info("echoing UDP on " + IpAddress.v4(stack.config.address).toString() + ":" + PORT.toString());
run();
