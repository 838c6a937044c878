// Entry for tests/dns/resolver.test.ts: a stack with TCP and a Resolver
// (servers from --dns-server), looked up through exports; the test plays
// the DNS server with a fake clock.
import { Stack } from "../../../libos/stack/index";
import "../../../libos/net/tcp/index"; // TCP for truncated answers
import { Resolution, ResolveHandler, Resolver, resolveErrorName } from "../../../libos/dns/index";
import { step } from "../../../libos/platform/index";
import { ipv6ToText } from "../../../libos/wire/index";

const stack = Stack.fromBootArguments();
const resolver = Resolver.fromStack(stack);
let results: string[] = [];

class Keep extends ResolveHandler {
  resolved(r: Resolution): void {
    let s = r.name + " ";
    if (r.error != 0) s += "error " + resolveErrorName(r.error);
    else {
      const parts: string[] = [];
      for (let i = 0; i < r.addresses.length; i++) {
        const a = r.addresses[i];
        parts.push(a.byteLength == 4 ? a[0].toString() + "." + a[1].toString() + "." + a[2].toString() + "." + a[3].toString() : ipv6ToText(a));
      }
      s += parts.join(" ");
    }
    results.push(s + " ttl " + r.ttl.toString() + (r.fromCache ? " cache" : ""));
  }
}

export function lookup(name: string, aaaa: bool): void {
  resolver.lookup(name, aaaa ? 28 : 1, new Keep());
}

export function turn(): void {
  step(false);
}

export function takeResults(): string {
  const s = results.join("\n");
  results = [];
  return s;
}

export function counters(): string {
  const c = resolver.counters;
  return "queries=" + c.queries.toString() + " cacheHits=" + c.cacheHits.toString() + " ignored=" + c.ignored.toString() +
    " timeouts=" + c.timeouts.toString() + " tcp=" + c.tcpFallbacks.toString() + " cached=" + resolver.cached.toString();
}

