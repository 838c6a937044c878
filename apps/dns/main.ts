// dns: an authoritative DNS server for the zones embedded at build time
// (apps/dns/zones/, or `--zones DIR` on the build command line), compiled
// from RFC 1035 master files by toolchain/assets/dns-zones.ts.
//
//   npm run build -- --target hvt --app dns [--zones DIR]
//   dist/morgana-hvt --net:service=tap0 -- dist/dns.hvt --ipv4=10.0.0.2/24
//   dig @10.0.0.2 www.morgana.test
//
// Built with --tls-cert FILE --tls-key FILE, it also answers DNS over TLS
// (RFC 7858) on port 853: the same TCP server inside a TlsServer.
//
// Boot arguments, besides the stack's (--ipv4, --ipv4-gateway, --dhcp,
// --log, --stats) and TCP's (--tcp-*):
//   --dns-udp-size=N     largest UDP answer (default 1232, DNS Flag Day 2020)
//   --dns-rate-limit=N   answers a second per /24 of sources (0: no limit)
import { Stack } from "../../libos/stack/index";
import "../../libos/net/tcp/index"; // TCP in the image: stack.tcp
import "../../libos/net/ipv6/index"; // IPv6 in the image: link-local, SLAAC or --ipv6
import { IpAddress } from "../../libos/wire/index";
import { Authority, DnsTcpServer, DnsUdpServer, RateLimit, ZoneTable } from "../../libos/dns/index";
import { IntRange, Logger, declareArgument, fail, findAsset, run } from "../../libos/platform/index";
import { TlsServer, TlsServerConfig } from "../../libos/tls/index";
import { credentialsError, embeddedCertificate } from "../../libos/tls/credentials";

const udpSize = declareArgument("dns-udp-size", "1232", "largest UDP answer in bytes", new IntRange(512, 4096));
const rateLimit = declareArgument("dns-rate-limit", "0", "answers a second per /24 of sources; 0: unlimited", new IntRange(0, 1000000));
const log = new Logger("dns");

const stack = Stack.fromBootArguments();
const asset = findAsset("zones.bin");
if (asset === null) fail("no zones.bin asset: build with the dns-zones compiler (app.json assets)");
const table = ZoneTable.load(asset!.bytes());
if (table === null) fail("zones.bin is not a zone table; rebuild the image");
const authority = new Authority(table!, <i32>udpSize.int);
const limit = rateLimit.int > 0 ? new RateLimit(<i32>rateLimit.int) : null;
// Both transports at once, with --ipv4 or --dhcp alike: they send from
// whatever address the stack has when they answer.
if (stack.udp.bind(53, new DnsUdpServer(authority, limit)) === null) fail("cannot bind UDP port 53");
if (!stack.tcp.listen(53, new DnsTcpServer(authority))) fail("cannot listen on TCP port 53");
const certificate = embeddedCertificate();
if (certificate === null && credentialsError.length > 0) fail("dns: " + credentialsError);
if (certificate !== null) {
  // RFC 7858 §3.2: ALPN is not used for DNS over TLS ("dot" is only for
  // clients that ask, RFC 9461); none offered, none required.
  const config = new TlsServerConfig([certificate!]);
  config.alpn = ["dot"];
  if (!stack.tcp.listen(853, new TlsServer(config, new DnsTcpServer(authority)))) fail("cannot listen on TCP port 853");
}
log.info("serving " + table!.zones.toString() + " zone(s), " + table!.nodes.toString() + " names on " +
  IpAddress.v4(stack.config.address).toString() + ":53, UDP and TCP" + (certificate !== null ? ", and TLS on 853" : ""));
run();
