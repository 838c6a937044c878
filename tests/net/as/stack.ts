// Entry for tests/net/*.test.ts: the whole stack, built from the boot
// arguments on the harness's "service" device as an app builds it, with
// hooks to bind sockets, send, read counters and shrink the limits.
import {
  Limits, UdpHandler, UdpSocket, UdpDatagram, NO_MAC, ipv4Argument,
} from "../../../libos/net/index";
import { Stack } from "../../../libos/stack/index";
import { IpAddress } from "../../../libos/wire/index";
import { step } from "../../../libos/platform/index";
import { ipv4ToString } from "../../../libos/wire/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes } from "../../harness/as/io";

const limits = new Limits();
let stack: Stack | null = null;

/** Set a limit before boot(); false for an unknown name. */
export function setLimit(name: string, value: i64): bool {
  if (name == "arpCacheSize") limits.arpCacheSize = <i32>value;
  else if (name == "arpPendingMax") limits.arpPendingMax = <i32>value;
  else if (name == "arpTimeout") limits.arpTimeout = value;
  else if (name == "arpTries") limits.arpTries = <i32>value;
  else if (name == "arpRetryInterval") limits.arpRetryInterval = value;
  else if (name == "arpQueuePerAddress") limits.arpQueuePerAddress = <i32>value;
  else if (name == "arpQueueBytes") limits.arpQueueBytes = <i32>value;
  else if (name == "arpAnnouncements") limits.arpAnnouncements = <i32>value;
  else if (name == "reassemblySlots") limits.reassemblySlots = <i32>value;
  else if (name == "reassemblyMaxDatagram") limits.reassemblyMaxDatagram = <i32>value;
  else if (name == "reassemblyMaxFragments") limits.reassemblyMaxFragments = <i32>value;
  else if (name == "reassemblyTotalBytes") limits.reassemblyTotalBytes = <i32>value;
  else if (name == "reassemblyTimeout") limits.reassemblyTimeout = value;
  else if (name == "icmpErrorBurst") limits.icmpErrorBurst = <i32>value;
  else if (name == "icmpErrorInterval") limits.icmpErrorInterval = value;
  else return false;
  return true;
}

export function boot(): void {
  stack = Stack.fromBootArguments("service", limits);
}

export function address(): string {
  return ipv4Argument().value;
}

/** One turn of the event loop without waiting, or waiting for the next
 * timer or frame. */
export function stepNow(): void { step(false); }
export function stepWait(): void { step(true); }

export function counters(): string {
  return stack!.counters();
}

// ---- UDP
let events = "";

/** Echoes every datagram, in place. */
class Echo extends UdpHandler {
  receive(s: UdpSocket, d: UdpDatagram): void {
    s.reply(d, d.payload);
  }
}

/** Notes "SRC:PORT>DST:PORT len=N[ bcast] PAYLOAD" per datagram. */
class Recorder extends UdpHandler {
  receive(s: UdpSocket, d: UdpDatagram): void {
    let text = d.src.toString() + ":" + d.srcPort.toString() + ">" + d.dst.toString() + ":" +
      d.dstPort.toString() + " len=" + d.payload.byteLength.toString() + (d.broadcast ? " bcast" : "");
    if (d.payload.byteLength <= 64) text += " " + String.UTF8.decode(d.payload.slice().buffer);
    events += text + "\n";
  }
}

/** Answers with a copy of the payload, reversed (not in place). */
class Reverser extends UdpHandler {
  receive(s: UdpSocket, d: UdpDatagram): void {
    const out = d.payload.slice();
    out.reverse();
    s.reply(d, out);
  }
}

const sockets = new Map<u16, UdpSocket>();

/** kind: 0 echo, 1 recorder, 2 reverser; the bound port, 0 if taken. */
export function bind(port: u16, kind: i32): u16 {
  const h: UdpHandler = kind == 0 ? new Echo() : kind == 1 ? new Recorder() : new Reverser();
  const s = stack!.udp.bind(port, h);
  if (s === null) return 0;
  sockets.set(s.port, s);
  return s.port;
}

export function close(port: u16): void {
  sockets.get(port).close();
  sockets.delete(port);
}

/** The stack booted (for entries that extend this one). */
export function stackNow(): Stack {
  return stack!;
}

/** The socket bound on `port` (for entries that extend this one). */
export function socketOn(port: u16): UdpSocket {
  return sockets.get(port);
}

/** Send the input bytes from socket `port` to dst:dstPort. */
export function sendTo(port: u16, dst: u32, dstPort: u16): bool {
  return sockets.get(port).sendTo(IpAddress.v4(dst), dstPort, inputBytes());
}

export function events_(): string {
  const e = events;
  events = "";
  return e;
}

// ---- ARP and reassembly state
/** The cached MAC of `ip`, or -1. */
export function arpLookup(ip: u32): i64 {
  const m = stack!.arp.lookup(ip);
  return m == NO_MAC ? -1 : <i64>m;
}
export function arpUsed(): i32 { return stack!.arp.cache.used; }
export function arpQueueBytes(): i32 { return stack!.arp.queueBytes; }
export function reassemblyPending(): i32 { return stack!.ipv4.reassembly.pending; }
export function reassemblyBytes(): i32 { return stack!.ipv4.reassembly.heldBytes; }
