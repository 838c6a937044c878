// website: a static website over HTTP/1.1, the files embedded in the image
// at build time (apps/website/site/, or --site DIR), served from port 80.
//
//   npm run build -- --target hvt --app website [--site ./my-site]
//   dist/morgana-hvt --net:service=tap0 -- dist/website.hvt --ipv4=10.0.0.2/24
//   curl http://10.0.0.2/
//
// Boot arguments: the stack's (--ipv4, --ipv4-gateway, --dhcp), TCP's
// (--tcp-max-connections, --tcp-rcvbuf, …, defaults from the memory),
// --port, and the platform's --stats=SECONDS, which prints every layer's
// counters (tcp, tcpload, http, …) on one line that often; the tests and
// benchmarks read it.
import { Stack } from "../../libos/stack/index";
import "../../libos/net/tcp/index"; // TCP in the image: stack.tcp
import "../../libos/net/ipv6/index"; // IPv6 in the image: link-local, SLAAC or --ipv6
import { IpAddress } from "../../libos/wire/index";
import { HttpConfig, HttpServer } from "../../libos/http/index";
import { IntRange, Logger, declareArgument, fail, run } from "../../libos/platform/index";
import { WebsiteHandler } from "./handler";
import { Site } from "./site";

const portArgument = declareArgument("port", "80", "the TCP port to serve on", new IntRange(1, 65535));
const log = new Logger("website");

const stack = Stack.fromBootArguments();
const site = Site.load();
const http = new HttpServer(new WebsiteHandler(site), new HttpConfig());
const port = <u16>portArgument.int;
const tcp = stack.tcp;
if (!tcp.listen(port, http)) fail("website: port " + port.toString() + " is taken");
log.info("serving " + site.count.toString() + " files on " + IpAddress.v4(stack.config.address).toString() + ":" +
  port.toString() + " (tcp " + tcp.describe() + ")");
run();
