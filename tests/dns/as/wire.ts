// Entry for tests/dns/*wire*.test.ts: the DNS and DHCP wire formats driven
// with bytes from the JS side (h.input) and read back as text or bytes
// (h.output). Emit fills its buffer with 0xA5 first, so a byte the code
// under test forgets to write shows up.
import {
  WireError, wireErrorName, DnsMessage, DnsHeader, DnsName, DnsWriter, DhcpPacket, DhcpRepr,
  ipv4ToString, macToString,
} from "../../../libos/wire/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

function err(e: WireError): string { return "error: " + wireErrorName(e); }

function filled(len: i32): Uint8Array {
  const b = new Uint8Array(len);
  b.fill(0xa5);
  return b;
}

// ---- DNS
let last: DnsMessage = new DnsMessage();

/** Parse the input; the message as text (or the error). */
export function dnsParse(): string {
  const m = new DnsMessage();
  const e = m.parse(inputBytes());
  if (e != WireError.Ok) return err(e);
  last = m;
  return m.toString();
}

/** Emit the last parsed message within `limit` bytes. */
export function dnsEmit(limit: i32): void {
  const b = filled(limit);
  const n = last.emit(b, limit);
  setOutput(b.subarray(0, n));
}

/** Parse, then emit within `limit`: the bytes. */
export function dnsRoundTrip(limit: i32): string {
  const m = new DnsMessage();
  const e = m.parse(inputBytes());
  if (e != WireError.Ok) return err(e);
  last = m;
  const b = filled(limit);
  setOutput(b.subarray(0, m.emit(b, limit)));
  return "ok";
}

export function dnsHeaderView(): string {
  const h = new DnsHeader(inputBytes());
  const e = h.check();
  if (e != WireError.Ok) return err(e);
  return "id=" + h.id.toString() + " qr=" + (h.isResponse ? "1" : "0") + " opcode=" + h.opcode.toString() +
    " rcode=" + h.rcode.toString() + " qd=" + h.qdcount.toString() + " an=" + h.ancount.toString() +
    " ns=" + h.nscount.toString() + " ar=" + h.arcount.toString();
}

/** Read the name at `at` of the input: "name end" or the error. */
export function nameRead(at: i32): string {
  const n = new DnsName();
  const end = n.read(inputBytes(), at);
  if (end < 0) return err(n.error);
  return n.toString() + " " + end.toString();
}

/** Presentation text to wire bytes (output), "ok" or "invalid". */
export function nameFromText(text: string): string {
  const n = new DnsName();
  if (!n.setText(text)) return "invalid";
  setOutput(n.bytes.slice(0, n.length));
  return n.toString();
}

/** Write the names given as wire bytes, one after another, compressed,
 * in a message with a 12-byte header of 0xA5: the bytes. */
export function compressNames(count: i32, limit: i32): i32 {
  const input = inputBytes();
  const w = new DnsWriter();
  const b = filled(limit);
  w.reset(b, limit);
  w.pos = 12;
  let at = 0;
  let written = 0;
  for (let i = 0; i < count; i++) {
    const n = new DnsName();
    if (!n.setWire(input, at)) break;
    at += n.length;
    if (!w.name(n.bytes, 0)) break;
    written++;
  }
  setOutput(b.subarray(0, w.pos));
  return written;
}

// ---- DHCP
let lastDhcp: DhcpRepr = new DhcpRepr();

export function dhcpParse(): string {
  const r = new DhcpRepr();
  const e = r.parse(new DhcpPacket(inputBytes()));
  if (e != WireError.Ok) return err(e);
  lastDhcp = r;
  let s = "op=" + r.op.toString() + " type=" + (<i32>r.messageType).toString() + " xid=0x" + r.xid.toString(16) +
    " secs=" + r.secs.toString() + " bcast=" + (r.broadcast ? "1" : "0") +
    " ciaddr=" + ipv4ToString(r.ciaddr) + " yiaddr=" + ipv4ToString(r.yiaddr) +
    " siaddr=" + ipv4ToString(r.siaddr) + " chaddr=" + macToString(r.chaddr);
  if (r.serverId != 0) s += " server=" + ipv4ToString(r.serverId);
  if (r.requestedIp != 0) s += " requested=" + ipv4ToString(r.requestedIp);
  if (r.leaseTime != 0) s += " lease=" + r.leaseTime.toString();
  if (r.renewalTime != 0) s += " t1=" + r.renewalTime.toString();
  if (r.rebindingTime != 0) s += " t2=" + r.rebindingTime.toString();
  if (r.hasSubnetMask) s += " mask=" + ipv4ToString(r.subnetMask);
  if (r.broadcastAddress != 0) s += " broadcast=" + ipv4ToString(r.broadcastAddress);
  for (let i = 0; i < r.routers.length; i++) s += " router=" + ipv4ToString(r.routers[i]);
  for (let i = 0; i < r.dnsServers.length; i++) s += " dns=" + ipv4ToString(r.dnsServers[i]);
  if (r.hostName.length > 0) s += " host=" + r.hostName;
  if (r.domainName.length > 0) s += " domain=" + r.domainName;
  if (r.message.length > 0) s += " message=" + r.message;
  if (r.parameterList.byteLength > 0) {
    s += " prl=";
    for (let i = 0; i < r.parameterList.byteLength; i++) s += (i > 0 ? "," : "") + r.parameterList[i].toString();
  }
  return s;
}

/** Emit the last parsed DHCP message: the bytes. */
export function dhcpEmit(): void {
  const b = filled(lastDhcp.bufferLen());
  lastDhcp.emit(new DhcpPacket(b));
  setOutput(b);
}


