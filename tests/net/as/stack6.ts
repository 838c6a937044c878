// Entry for tests/net/ipv6.test.ts: the stack entry (stack.ts) with IPv6 in
// the image, and hooks to send UDP to an IPv6 address and read the
// neighbour cache.
import "../../../libos/net/ipv6/index";
import { Ipv6Layer, NudState } from "../../../libos/net/ipv6/index";
import { IpAddress } from "../../../libos/wire/index";
import { inputBytes } from "../../harness/as/io";
export * from "./stack";
import { stackNow, socketOn } from "./stack";

/** Send the input bytes from socket `port` to [hi:lo]:dstPort. */
export function sendTo6(port: u16, hi: u64, lo: u64, dstPort: u16): bool {
  return socketOn(port).sendTo(IpAddress.v6(hi, lo), dstPort, inputBytes());
}

/** The neighbour cache's state for [hi:lo] ("none", "incomplete", …) and
 * its MAC. */
export function neighbour(hi: u64, lo: u64): string {
  const v6 = stackNow().ipv6;
  if (v6 === null) return "no ipv6";
  const n = (v6 as Ipv6Layer).neighbours.find(IpAddress.v6(hi, lo));
  if (n === null) return "none";
  const names = ["free", "incomplete", "reachable", "stale", "delay", "probe"];
  return names[<i32>n.state] + " " + n.mac.toString(16) + (n.confirmed ? " confirmed" : "");
}

export { NudState };

// ---- configuration events
import { ConfigEvent, ConfigListener } from "../../../libos/net/index";

let configEvents = "";

/** Notes "CHANGE ADDRESS/PREFIX SOURCE" for each IPv6 event. */
class Recorder6 extends ConfigListener {
  configChanged(e: ConfigEvent): void {
    const a = e.ipv6;
    if (a === null) return;
    configEvents += (e.change == 0 ? "bound " : e.change == 1 ? "renewed " : "lost ") + a.toString() + "/" +
      e.prefixLen6.toString() + " " + e.source + "\n";
  }
}

/** Listen to the stack's configuration events (after boot). */
export function recordConfig(): void {
  stackNow().onConfigChange(new Recorder6());
}

/** The IPv6 events since the last call, one a line. */
export function configEvents6(): string {
  const e = configEvents;
  configEvents = "";
  return e;
}
