// Entry for tests/dns/dhcp-client.test.ts: a stack booted from the boot
// arguments the test gives (--dhcp=true), so that the DHCP client runs as
// it does in an image; the test plays the server with a fake clock.
import { Stack } from "../../../libos/stack/index";
import { dhcpStateName } from "../../../libos/dhcp/index";
import { Resolution, ResolveHandler, Resolver } from "../../../libos/dns/index";
import { step } from "../../../libos/platform/index";
import { ipv4ToString } from "../../../libos/wire/index";

const stack = Stack.fromBootArguments();
// A resolver made at boot, before any lease: it follows the configuration.
const resolver = Resolver.fromStack(stack);

class Ignore extends ResolveHandler {
  resolved(r: Resolution): void {}
}

/** The resolver's servers now, comma separated. */
export function dnsServers(): string {
  let s = "";
  for (let i = 0; i < resolver.servers.length; i++) s += (i > 0 ? "," : "") + resolver.servers[i].toString();
  return s;
}

/** Start a lookup (its packets go out on the next turn or at once). */
export function lookup(name: string): void {
  resolver.lookup(name, 1, new Ignore());
}

export function turn(): void {
  step(false);
}

/** "state address/prefix gateway", e.g. "bound 10.0.0.77/24 10.0.0.1". */
export function state(): string {
  const d = stack.dhcp!;
  return dhcpStateName(d.state) + " " + stack.config.toString() + " " + ipv4ToString(stack.config.gateway);
}

export function counters(): string {
  const c = stack.dhcp!.counters;
  return "sent=" + c.sent.toString() + " received=" + c.received.toString() + " ignored=" + c.ignored.toString() +
    " offers=" + c.offers.toString() + " acks=" + c.acks.toString() + " naks=" + c.naks.toString() +
    " renewals=" + c.renewals.toString() + " expiries=" + c.expiries.toString();
}
