// Entry for tests/wire/*.test.ts: each protocol's view and representation,
// driven with bytes from the JS side (h.input) and read back as text or
// bytes (h.output). Emit and construct fill their buffer with 0xA5 first,
// so a byte the code under test forgets to write shows up.
import {
  WireError, wireErrorName, macToString, ipv4ToString,
  EthernetFrame, EthernetRepr, ETHERTYPE_ARP, ETHERTYPE_IPV4,
  ArpPacket, ArpRepr, ArpOperation,
  Ipv4Packet, Ipv4Repr, IP_PROTOCOL_ICMP, IP_PROTOCOL_UDP,
  Icmpv4Packet, Icmpv4Repr, IcmpType,
  UdpPacket, UdpRepr,
  checksum, sumBytes, finish,
} from "../../../libos/wire/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

function filled(len: i32): Uint8Array {
  const b = new Uint8Array(len);
  b.fill(0xa5);
  return b;
}
function err(e: WireError): string { return "error: " + wireErrorName(e); }
function hex(v: u32): string { return "0x" + v.toString(16).padStart(4, "0"); }
function flag(b: bool): string { return b ? "1" : "0"; }

// ---- Ethernet
export function ethView(): string {
  const f = new EthernetFrame(inputBytes());
  const e = f.check();
  if (e != WireError.Ok) return err(e);
  return "dst=" + macToString(f.dst) + " src=" + macToString(f.src) +
    " type=" + hex(f.etherType) + " payload=" + f.payload.length.toString();
}
export function ethConstruct(dst: u64, src: u64, type: u16): void {
  const payload = inputBytes();
  const f = new EthernetFrame(filled(14 + payload.length));
  f.dst = dst;
  f.src = src;
  f.etherType = type;
  f.payload.set(payload);
  setOutput(f.bytes);
}
export function ethParse(): string {
  const r = new EthernetRepr();
  const e = r.parse(new EthernetFrame(inputBytes()));
  return e != WireError.Ok ? err(e) : r.toString();
}
export function ethEmit(dst: u64, src: u64, type: u16): void {
  const payload = inputBytes();
  const r = new EthernetRepr(dst, src, type);
  const b = filled(r.bufferLen() + payload.length);
  r.emit(new EthernetFrame(b));
  b.set(payload, r.bufferLen());
  setOutput(b);
}

// ---- ARP
export function arpView(): string {
  const p = new ArpPacket(inputBytes());
  const e = p.check();
  if (e != WireError.Ok) return err(e);
  return "htype=" + p.hardwareType.toString() + " ptype=" + hex(p.protocolType) +
    " hlen=" + p.hardwareLen.toString() + " plen=" + p.protocolLen.toString() +
    " op=" + p.operation.toString() +
    " sha=" + macToString(p.senderMac) + " spa=" + ipv4ToString(p.senderIp) +
    " tha=" + macToString(p.targetMac) + " tpa=" + ipv4ToString(p.targetIp);
}
export function arpConstruct(op: u16, sha: u64, spa: u32, tha: u64, tpa: u32): void {
  const p = new ArpPacket(filled(28));
  p.hardwareType = 1;
  p.protocolType = 0x0800;
  p.hardwareLen = 6;
  p.protocolLen = 4;
  p.operation = op;
  p.senderMac = sha;
  p.senderIp = spa;
  p.targetMac = tha;
  p.targetIp = tpa;
  setOutput(p.bytes);
}
export function arpParse(): string {
  const r = new ArpRepr();
  const e = r.parse(new ArpPacket(inputBytes()));
  return e != WireError.Ok ? err(e) : r.toString();
}
export function arpEmit(op: u16, sha: u64, spa: u32, tha: u64, tpa: u32): void {
  const r = new ArpRepr(<ArpOperation>op, sha, spa, tha, tpa);
  const b = filled(r.bufferLen());
  r.emit(new ArpPacket(b));
  setOutput(b);
}

// ---- IPv4
export function ipv4View(): string {
  const p = new Ipv4Packet(inputBytes());
  const e = p.check();
  if (e != WireError.Ok) return err(e);
  return "v=" + p.version.toString() + " hl=" + p.headerLen.toString() +
    " dscp=" + p.dscp.toString() + " ecn=" + p.ecn.toString() +
    " len=" + p.totalLen.toString() + " id=" + p.ident.toString() +
    " df=" + flag(p.dontFragment) + " mf=" + flag(p.moreFragments) +
    " off=" + p.fragmentOffset.toString() + " ttl=" + p.ttl.toString() +
    " proto=" + p.protocol.toString() + " csum=" + hex(p.checksum) +
    " ok=" + flag(p.verifyChecksum()) +
    " src=" + ipv4ToString(p.src) + " dst=" + ipv4ToString(p.dst) +
    " options=" + p.options.length.toString() + " payload=" + p.payload.length.toString();
}
export function ipv4Construct(
  dscp: u8, ident: u16, df: bool, mf: bool, offset: i32, ttl: u8, proto: u8, src: u32, dst: u32,
): void {
  const payload = inputBytes();
  const p = new Ipv4Packet(filled(20 + payload.length));
  p.setVersionAndHeaderLen(20);
  p.setDscpEcn(dscp, 0);
  p.totalLen = <u16>(20 + payload.length);
  p.ident = ident;
  p.setFragment(df, mf, offset);
  p.ttl = ttl;
  p.protocol = proto;
  p.src = src;
  p.dst = dst;
  p.fillChecksum();
  p.payload.set(payload);
  setOutput(p.bytes);
}
export function ipv4Parse(verify: bool): string {
  const r = new Ipv4Repr();
  const e = r.parse(new Ipv4Packet(inputBytes()), verify);
  return e != WireError.Ok ? err(e) : r.toString();
}
export function ipv4Emit(
  dscp: u8, ident: u16, df: bool, mf: bool, offset: i32, ttl: u8, proto: u8, src: u32, dst: u32,
): void {
  const payload = inputBytes();
  const r = new Ipv4Repr();
  r.dscp = dscp;
  r.ident = ident;
  r.dontFragment = df;
  r.moreFragments = mf;
  r.fragmentOffset = offset;
  r.ttl = ttl;
  r.protocol = proto;
  r.src = src;
  r.dst = dst;
  r.payloadLen = payload.length;
  const b = filled(r.bufferLen() + payload.length);
  r.emit(new Ipv4Packet(b));
  b.set(payload, r.bufferLen());
  setOutput(b);
}

// ---- ICMPv4
export function icmpView(): string {
  const p = new Icmpv4Packet(inputBytes());
  const e = p.check();
  if (e != WireError.Ok) return err(e);
  return "type=" + p.type.toString() + " code=" + p.code.toString() +
    " csum=" + hex(p.checksum) + " ok=" + flag(p.verifyChecksum()) +
    " ident=" + p.echoIdent.toString() + " seq=" + p.echoSeq.toString() +
    " data=" + p.data.length.toString();
}
export function icmpConstruct(type: u8, code: u8, ident: u16, seq: u16): void {
  const data = inputBytes();
  const p = new Icmpv4Packet(filled(8 + data.length));
  p.type = type;
  p.code = code;
  p.echoIdent = ident;
  p.echoSeq = seq;
  p.data.set(data);
  p.fillChecksum();
  setOutput(p.bytes);
}
export function icmpParse(verify: bool): string {
  const r = new Icmpv4Repr();
  const e = r.parse(new Icmpv4Packet(inputBytes()), verify);
  if (e != WireError.Ok) return err(e);
  let s = r.toString();
  if (r.type == IcmpType.DstUnreachable || r.type == IcmpType.TimeExceeded) {
    const q = r.quotedPacket();
    s += " quoting " + ipv4ToString(q.src) + " > " + ipv4ToString(q.dst) + " proto=" + q.protocol.toString();
  }
  return s;
}
export function icmpEmit(type: u8, code: u8, ident: u16, seq: u16, mtu: u16): void {
  const r = new Icmpv4Repr();
  r.type = <IcmpType>type;
  r.code = code;
  r.ident = ident;
  r.seq = seq;
  r.nextHopMtu = mtu;
  r.data = inputBytes();
  const b = filled(r.bufferLen());
  r.emit(new Icmpv4Packet(b));
  setOutput(b);
}
/** Emit an echo reply whose data is already in place in the buffer. */
export function icmpEmitInPlace(ident: u16, seq: u16): void {
  const data = inputBytes();
  const b = filled(8 + data.length);
  b.set(data, 8);
  const r = new Icmpv4Repr();
  r.type = IcmpType.EchoReply;
  r.ident = ident;
  r.seq = seq;
  r.data = b.subarray(8);
  r.emit(new Icmpv4Packet(b));
  setOutput(b);
}

// ---- UDP
export function udpView(src: u32, dst: u32): string {
  const p = new UdpPacket(inputBytes());
  const e = p.check();
  if (e != WireError.Ok) return err(e);
  return "src=" + p.srcPort.toString() + " dst=" + p.dstPort.toString() +
    " len=" + p.length.toString() + " csum=" + hex(p.checksum) +
    " ok=" + flag(p.verifyChecksum(src, dst)) + " payload=" + p.payload.length.toString();
}
export function udpConstruct(srcPort: u16, dstPort: u16, src: u32, dst: u32): void {
  const payload = inputBytes();
  const p = new UdpPacket(filled(8 + payload.length));
  p.srcPort = srcPort;
  p.dstPort = dstPort;
  p.length = <u16>(8 + payload.length);
  p.payload.set(payload);
  p.fillChecksum(src, dst);
  setOutput(p.bytes);
}
export function udpParse(src: u32, dst: u32, verify: bool): string {
  const r = new UdpRepr();
  const e = r.parse(new UdpPacket(inputBytes()), src, dst, verify);
  if (e != WireError.Ok) return err(e);
  setOutput(r.payload);
  return r.toString();
}
export function udpEmit(srcPort: u16, dstPort: u16, src: u32, dst: u32): void {
  const r = new UdpRepr();
  r.srcPort = srcPort;
  r.dstPort = dstPort;
  r.payload = inputBytes();
  const b = filled(r.bufferLen());
  r.emit(new UdpPacket(b), src, dst);
  setOutput(b);
}

// ---- Checksum
/** The checksum of the input from byte `offset` on. */
export function checksumFrom(offset: i32): u16 {
  return checksum(inputBytes().subarray(offset));
}
/** The same bytes summed in two pieces split at `at` (even). */
export function checksumSplit(at: i32): u16 {
  const b = inputBytes();
  return finish(sumBytes(b.dataStart + at, b.length - at, sumBytes(b.dataStart, at)));
}

// ---- Every layer at once, as a receiver would: for hostile input.
export function dissect(): string {
  const frame = new EthernetFrame(inputBytes());
  const eth = new EthernetRepr();
  let e = eth.parse(frame);
  if (e != WireError.Ok) return "ethernet " + err(e);
  if (eth.etherType == ETHERTYPE_ARP) {
    const arp = new ArpRepr();
    e = arp.parse(new ArpPacket(frame.payload));
    return e != WireError.Ok ? "arp " + err(e) : arp.toString();
  }
  if (eth.etherType != ETHERTYPE_IPV4) return "other";
  const packet = new Ipv4Packet(frame.payload);
  const ip = new Ipv4Repr();
  e = ip.parse(packet);
  if (e != WireError.Ok) return "ipv4 " + err(e);
  // Only the first fragment carries the next header.
  if (ip.fragmentOffset != 0) return ip.toString();
  if (ip.protocol == IP_PROTOCOL_ICMP) {
    const icmp = new Icmpv4Repr();
    e = icmp.parse(new Icmpv4Packet(packet.payload), !ip.moreFragments);
    return e != WireError.Ok ? "icmp " + err(e) : icmp.toString();
  }
  if (ip.protocol == IP_PROTOCOL_UDP) {
    const udp = new UdpRepr();
    e = udp.parse(new UdpPacket(packet.payload), ip.src, ip.dst, !ip.moreFragments);
    return e != WireError.Ok ? "udp " + err(e) : udp.toString();
  }
  return ip.toString();
}

// ---- IpAddress and IpEndpoint (wire/ip.ts)
import { IpAddress, IpEndpoint } from "../../../libos/wire/index";

/** The address `text` names, printed back ("4 10.0.0.1", "6 fe80::1"), or
 * "null" when it is refused. */
export function ipParse(text: string): string {
  const a = IpAddress.parse(text);
  if (a === null) return "null";
  return a.version.toString() + " " + a.toString();
}

/** The endpoint `text` names, printed back, or "null". */
export function endpointParse(text: string): string {
  const e = IpEndpoint.parse(text);
  return e === null ? "null" : e.toString();
}

/** Whether `a` and `b` parse to equal addresses with equal hashes. */
export function ipEqual(a: string, b: string): bool {
  const x = IpAddress.parse(a)!;
  const y = IpAddress.parse(b)!;
  return x.equals(y) && x.hash == y.hash;
}
