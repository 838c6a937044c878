// website: a static website over HTTP/1.1, the files embedded in the image
// at build time (apps/website/site/, or --site DIR), served from port 80.
//
//   npm run build -- --target hvt --app website [--site ./my-site]
//   dist/morgana-hvt --net:service=tap0 -- dist/website.hvt --ipv4=10.0.0.2/24
//   curl http://10.0.0.2/
//
// Boot arguments: the stack's (--ipv4, --ipv4-gateway, --dhcp), TCP's
// (--tcp-max-connections, --tcp-rcvbuf, …, defaults from the memory),
// --port, and --stats=SECONDS to print a line of counters that often
// (memory, connections, requests), which the tests and benchmarks read.
import { Stack } from "../../libos/net/index";
import { TcpLayer } from "../../libos/net/tcp/index";
import { HttpConfig, HttpServer } from "../../libos/http/index";
import { IntRange, Logger, SECOND, Timer, declareArgument, fail, memoryLimit, println, run } from "../../libos/platform/index";
import { ipv4ToString } from "../../libos/wire/index";
import { WebsiteHandler } from "./handler";
import { Site } from "./site";

const portArgument = declareArgument("port", "80", "the TCP port to serve on", new IntRange(1, 65535));
const statsArgument = declareArgument(
  "stats", "0", "print a line of counters every this many seconds (0: never)", new IntRange(0, 86400));

const log = new Logger("website");

class StatsTimer extends Timer {
  constructor(readonly tcp: TcpLayer, readonly http: HttpServer, readonly every: i64) { super(); }
  fire(time: i64): void {
    println(statsLine(this.tcp, this.http));
    this.armAfter(this.every);
  }
}

/** "stats memory=BYTES bound=BYTES active=N timewait=N open=N requests=N …" */
function statsLine(tcp: TcpLayer, http: HttpServer): string {
  const c = http.counters;
  const t = tcp.counters;
  return "stats memory=" + (<i64>memory.size() << 16).toString() + " limit=" + memoryLimit().toString() +
    " buffers=" + tcp.config.bufferBound.toString() + " active=" + tcp.active.toString() +
    " timewait=" + tcp.timeWait.toString() + " open=" + http.open.toString() +
    " requests=" + c.requests.toString() + " errors=" + c.errors.toString() +
    " s2xx=" + c.status2xx.toString() + " s3xx=" + c.status3xx.toString() + " s4xx=" + c.status4xx.toString() +
    " s5xx=" + c.status5xx.toString() + " rcvpool=" + tcp.rcvPool.allocated.toString() +
    " sndpool=" + tcp.sndPool.allocated.toString() + " retransmits=" + t.retransmits.toString() +
    " rto=" + t.rtoExpired.toString() + " spurious=" + t.spuriousTimeouts.toString() + " fastrtx=" + t.fastRetransmits.toString() +
    " resets=" + t.resetsOut.toString() + " cookies=" + t.cookiesSent.toString() +
    " dropNoRoom=" + t.dropNoRoom.toString() + " states=" + tcp.stateCounts().replaceAll(" ", ",");
}

const stack = Stack.fromBootArguments();
const tcp = TcpLayer.fromStack(stack);
const site = Site.load();
const http = new HttpServer(new WebsiteHandler(site), new HttpConfig());
const port = <u16>portArgument.int;
if (!http.listen(tcp, port)) fail("website: port " + port.toString() + " is taken");
log.info("serving " + site.count.toString() + " files on " + ipv4ToString(stack.config.address) + ":" +
  port.toString() + " (tcp " + tcp.config.toString() + ")");
const every = statsArgument.int;
if (every > 0) new StatsTimer(tcp, http, every * SECOND).armAfter(every * SECOND);
run();
