// Entry for tests/wire/ipv6.test.ts: libos/wire's IPv6 header, extension
// header walk, ICMPv6 and Neighbor Discovery, driven with bytes from the JS
// side. Emit fills its buffer with 0xA5 first, so a byte left unwritten
// shows up.
import {
  WireError, wireErrorName, IpAddress, Ipv6Packet, Ipv6Repr, Ipv6ExtChain, ExtVerdict, IPV6_HEADER_LEN,
  Icmpv6Packet, Icmpv6Repr, NdRepr, eui64, solicitedNode, multicastMac, macToString, sumPseudoHeaderV6, finish,
  sumBytes, IP_PROTOCOL_UDP,
} from "../../../libos/wire/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

function err(e: WireError): string { return "error: " + wireErrorName(e); }

/** The view's fields of the input packet, or the check's error. */
export function ipv6View(): string {
  const p = new Ipv6Packet(inputBytes());
  const e = p.check();
  if (e != WireError.Ok) return err(e);
  return "v=" + p.version.toString() + " tc=" + p.trafficClass.toString() + " flow=0x" + p.flowLabel.toString(16) +
    " len=" + p.payloadLen.toString() + " next=" + p.nextHeader.toString() + " hlim=" + p.hopLimit.toString() +
    " src=" + p.readSrc(new IpAddress()).toString() + " dst=" + p.readDst(new IpAddress()).toString() +
    " payload=" + p.payload.length.toString();
}

export function ipv6Parse(): string {
  const r = new Ipv6Repr();
  const e = r.parse(new Ipv6Packet(inputBytes()));
  return e != WireError.Ok ? err(e) : r.toString();
}

/** Parse the input, emit its header again into a 0xA5-filled buffer and
 * copy the payload after it: the bytes. */
export function ipv6RoundTrip(): i32 {
  const input = inputBytes();
  const r = new Ipv6Repr();
  const e = r.parse(new Ipv6Packet(input));
  if (e != WireError.Ok) return -1;
  const out = new Uint8Array(IPV6_HEADER_LEN + r.payloadLen);
  out.fill(0xa5);
  r.emit(new Ipv6Packet(out));
  out.set(input.subarray(IPV6_HEADER_LEN, IPV6_HEADER_LEN + r.payloadLen), IPV6_HEADER_LEN);
  setOutput(out);
  return r.bufferLen();
}

/** The extension header walk of the input packet. */
export function extWalk(): string {
  const b = inputBytes();
  const p = new Ipv6Packet(b);
  const e = p.check();
  if (e != WireError.Ok) return err(e);
  const c = new Ipv6ExtChain();
  const v = c.walk(b, p.nextHeader, IPV6_HEADER_LEN + <i32>p.payloadLen);
  switch (v) {
    case ExtVerdict.Ok: {
      let s = "upper=" + c.upper.toString() + " at=" + c.upperAt.toString() + " headers=" + c.headers.toString();
      if (c.fragment) {
        s += " fragment off=" + c.fragmentOffset.toString() + " M=" + (c.moreFragments ? "1" : "0") +
          " id=0x" + c.ident.toString(16) + " next=" + c.fragmentNext.toString();
      }
      if (c.routing) s += " routing";
      return s;
    }
    case ExtVerdict.Truncated: return "truncated";
    case ExtVerdict.TooLong: return "too long";
    case ExtVerdict.NoNextHeader: return "no next header";
    default:
      return c.silent ? "discard" : "problem code=" + (<i32>c.problemCode).toString() + " pointer=" +
        c.problemPointer.toString() + (c.problemUnlessMulticast ? " unless multicast" : "");
  }
}

/** The input packet's upper-layer bytes as ICMPv6 (after `at`). */
function icmpOf(b: Uint8Array, at: i32): Icmpv6Packet {
  const p = new Ipv6Packet(b);
  return new Icmpv6Packet(b.subarray(at, IPV6_HEADER_LEN + <i32>p.payloadLen));
}

export function icmpv6Parse(at: i32): string {
  const b = inputBytes();
  const ip = new Ipv6Repr();
  const e = ip.parse(new Ipv6Packet(b));
  if (e != WireError.Ok) return err(e);
  const r = new Icmpv6Repr();
  const e2 = r.parse(icmpOf(b, at), ip.src, ip.dst);
  return e2 != WireError.Ok ? err(e2) : r.toString();
}

/** Parse the ICMPv6 message after the fixed header, emit it into a
 * 0xA5-filled buffer: the bytes. */
export function icmpv6RoundTrip(): void {
  const b = inputBytes();
  const ip = new Ipv6Repr();
  ip.parse(new Ipv6Packet(b));
  const r = new Icmpv6Repr();
  if (r.parse(icmpOf(b, IPV6_HEADER_LEN), ip.src, ip.dst) != WireError.Ok) return;
  r.data = r.data.slice();
  const out = new Uint8Array(r.bufferLen());
  out.fill(0xa5);
  r.emit(new Icmpv6Packet(out), ip.src, ip.dst);
  setOutput(out);
}

function ndOf(b: Uint8Array, r: NdRepr, ip: Ipv6Repr): WireError {
  const e = ip.parse(new Ipv6Packet(b));
  if (e != WireError.Ok) return e;
  const m = icmpOf(b, IPV6_HEADER_LEN);
  if (m.check() != WireError.Ok) return WireError.Truncated;
  if (!m.verifyChecksum(ip.src, ip.dst)) return WireError.BadChecksum;
  return r.parse(m, ip.src, ip.dst, ip.hopLimit);
}

export function ndParse(): string {
  const r = new NdRepr();
  const e = ndOf(inputBytes(), r, new Ipv6Repr());
  return e != WireError.Ok ? err(e) : r.toString();
}

/** Parse the ND message, emit it into a 0xA5-filled buffer: the bytes. */
export function ndRoundTrip(): void {
  const r = new NdRepr();
  const ip = new Ipv6Repr();
  if (ndOf(inputBytes(), r, ip) != WireError.Ok) return;
  const out = new Uint8Array(r.bufferLen());
  out.fill(0xa5);
  r.emit(new Icmpv6Packet(out), ip.src, ip.dst);
  setOutput(out);
}

/** The link-local address of `mac`, its solicited-node group and that
 * group's Ethernet address. */
export function addresses(mac: u64): string {
  const ll = IpAddress.v6(0xfe80_0000_0000_0000, eui64(mac));
  const group = solicitedNode(ll, new IpAddress());
  return ll.toString() + " " + group.toString() + " " + macToString(multicastMac(group));
}

/** The UDP checksum of the input packet's payload under the IPv6
 * pseudo-header: 0 when right. */
export function udpChecksumV6(): u32 {
  const b = inputBytes();
  const ip = new Ipv6Repr();
  ip.parse(new Ipv6Packet(b));
  const acc = sumPseudoHeaderV6(ip.src, ip.dst, IP_PROTOCOL_UDP, <u32>ip.payloadLen);
  return finish(sumBytes(b.dataStart + IPV6_HEADER_LEN, ip.payloadLen, acc));
}
