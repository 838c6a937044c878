// Test-only: looks up each name of --lookup=NAME,NAME,… (type --type=A or
// AAAA, or HOST for lookupHost's family preference, --dns-prefer-ipv6) with libos/dns's Resolver, prints one line per answer, looks the
// first one up again (now from the cache), prints the counters and exits 0.
// With --dhcp=true it waits for the lease, and asks the DNS servers leased.
// Truncated answers are asked again over TCP.
import { ConfiguredHandler, Stack } from "../../../libos/stack/index";
import "../../../libos/net/tcp/index"; // TCP for truncated answers
import "../../../libos/net/ipv6/index"; // IPv6 DNS servers (--dns-server=fd00::1)
import { Resolution, ResolveHandler, Resolver, resolveErrorName } from "../../../libos/dns/index";
import { declareArgument, exit, println, OneOf } from "../../../libos/platform/index";
import { DnsType, ipv6ToText } from "../../../libos/wire/index";

const lookups = declareArgument("lookup", "", "names to look up, comma separated");
const typeArg = declareArgument("type", "A", "A, AAAA, or HOST (lookupHost: the preferred family, else the other)",
  new OneOf(["A", "AAAA", "HOST"]));

const stack = Stack.fromBootArguments();
// Made now, whatever the addressing: its servers follow the configuration
// (the DHCP lease, when it comes); TCP for answers truncated over UDP.
const resolver: Resolver = Resolver.fromStack(stack);
let names: string[] = [];
let pending = 0;

function show(r: Resolution): string {
  let s = "resolved " + r.name + " " + (r.type == <u16>DnsType.A ? "A" : "AAAA") + ": ";
  if (r.error != 0) return s + "error " + resolveErrorName(r.error) + " ttl " + r.ttl.toString();
  const parts: string[] = [];
  for (let i = 0; i < r.addresses.length; i++) {
    const a = r.addresses[i];
    parts.push(a.byteLength == 4 ? a[0].toString() + "." + a[1].toString() + "." + a[2].toString() + "." + a[3].toString() : ipv6ToText(a));
  }
  parts.sort();
  return s + parts.join(" ") + " ttl " + r.ttl.toString() + (r.fromCache ? " (cache)" : "");
}

class Again extends ResolveHandler {
  resolved(r: Resolution): void {
    println(show(r));
    const c = resolver.counters;
    println("counters queries=" + c.queries.toString() + " cacheHits=" + c.cacheHits.toString() +
      " ignored=" + c.ignored.toString() + " timeouts=" + c.timeouts.toString() + " tcp=" + c.tcpFallbacks.toString());
    exit(0);
  }
}

class Print extends ResolveHandler {
  resolved(r: Resolution): void {
    println(show(r));
    if (--pending == 0) resolver.lookup(names[0], r.type, new Again());
  }
}

class Start extends ConfiguredHandler {
  configured(stack: Stack): void {
    const rs = resolver;
    println("resolver servers " + rs.servers.length.toString());
    names = lookups.value.split(",");
    pending = names.length;
    const type: u16 = typeArg.value == "A" ? <u16>DnsType.A : <u16>DnsType.AAAA;
    for (let i = 0; i < names.length; i++) {
      if (typeArg.value == "HOST") rs.lookupHost(names[i], new Print());
      else rs.lookup(names[i], type, new Print());
    }
  }
}

stack.whenConfigured(new Start());
import { run } from "../../../libos/platform/index";
run();
