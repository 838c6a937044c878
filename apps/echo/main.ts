// echo: answers ping and echoes UDP datagrams on port 7 (RFC 862), both in
// place, over the network device named "service".
//
//   npm run build -- --target hvt --app echo
//   dist/morgana-hvt --net:service=tap0 -- dist/echo.hvt --ipv4=10.0.0.2/24
//   ping 10.0.0.2;  echo hi | socat - UDP:10.0.0.2:7
import { UdpDatagram, UdpHandler, UdpSocket } from "../../libos/net/index";
import { Stack } from "../../libos/stack/index";
import { IpAddress } from "../../libos/wire/index";
import { Logger, run } from "../../libos/platform/index";

const PORT: u16 = 7;

class Echo extends UdpHandler {
  receive(socket: UdpSocket, d: UdpDatagram): void {
    socket.reply(d, d.payload);
  }
}

const stack = Stack.fromBootArguments();
stack.udp.bind(PORT, new Echo());
new Logger("echo").info("echoing UDP on " + IpAddress.v4(stack.config.address).toString() + ":" + PORT.toString());
run();
