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
//
// HTTPS: built with --tls-cert FILE --tls-key FILE, the image also serves
// TLS 1.3 on --https-port (443); --https-redirect makes port 80 answer
// every request with a 301 to the HTTPS site, and --hsts=SECONDS adds
// Strict-Transport-Security to the HTTPS answers, which always carry
// X-Content-Type-Options: nosniff. Over HTTPS the gzip variants the build
// made go out only with --https-gzip: compression under TLS is what the
// BREACH attack reads secrets through (RFC 7457 lists it), and although a
// static site reflects nothing an attacker sends, nginx's default (gzip
// off) is the safer one to match; testssl.sh rates it MEDIUM.
import { Stack } from "../../libos/stack/index";
import "../../libos/net/tcp/index"; // TCP in the image: stack.tcp
import "../../libos/net/ipv6/index"; // IPv6 in the image: link-local, SLAAC or --ipv6
import { IpAddress } from "../../libos/wire/index";
import { HttpConfig, HttpServer } from "../../libos/http/index";
import { Flag, IntRange, Logger, declareArgument, fail, run } from "../../libos/platform/index";
import { HttpHandler } from "../../libos/http/index";
import { TlsServer, TlsServerConfig } from "../../libos/tls/index";
import { credentialsError, embeddedCertificate } from "../../libos/tls/credentials";
import { WebsiteHandler } from "./handler";
import { RedirectToHttps, WithHsts, WithNoSniff } from "./secure";
import { Site } from "./site";

const portArgument = declareArgument("port", "80", "the TCP port to serve on", new IntRange(1, 65535));
const httpsPortArgument = declareArgument("https-port", "443", "the TCP port to serve HTTPS on (images built with --tls-cert)", new IntRange(1, 65535));
const redirectArgument = declareArgument("https-redirect", "false", "answer every plain HTTP request with a redirect to HTTPS", new Flag());
const hstsArgument = declareArgument("hsts", "0", "send Strict-Transport-Security with this max-age in seconds on HTTPS (0: not sent)", new IntRange(0, 1 << 30));
const httpsGzipArgument = declareArgument("https-gzip", "false", "send the gzip variants of the site's files over HTTPS too (off: BREACH)", new Flag());
const log = new Logger("website");

const stack = Stack.fromBootArguments();
const site = Site.load();
const files = new WebsiteHandler(site);
const certificate = embeddedCertificate();
if (certificate === null && credentialsError.length > 0) fail("website: " + credentialsError);
const httpsPort = <u16>httpsPortArgument.int;
const redirect = certificate !== null && redirectArgument.flag;
const plain: HttpHandler = redirect ? new RedirectToHttps(httpsPort) : files;
const http = new HttpServer(plain, new HttpConfig());
const port = <u16>portArgument.int;
const tcp = stack.tcp;
if (!tcp.listen(port, http)) fail("website: port " + port.toString() + " is taken");
const address = IpAddress.v4(stack.config.address).toString();
log.info("serving " + site.count.toString() + " files on " + address + ":" + port.toString() +
  (redirect ? " (redirecting to https)" : "") + " (tcp " + tcp.describe() + ")");
if (certificate !== null) {
  const hsts = hstsArgument.int;
  const secureFiles = httpsGzipArgument.flag ? files : new WebsiteHandler(site, false);
  const secure: HttpHandler = new WithNoSniff(hsts > 0 ? new WithHsts(secureFiles, hsts) : secureFiles);
  const tls = new TlsServer(new TlsServerConfig([certificate!]), new HttpServer(secure, new HttpConfig()));
  if (!tcp.listen(httpsPort, tls)) fail("website: port " + httpsPort.toString() + " is taken");
  log.info("serving https on " + address + ":" + httpsPort.toString() + " for " + certificate!.names.join(", "));
}
run();
