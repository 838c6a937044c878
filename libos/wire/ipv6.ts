// IPv6 headers (RFC 8200 §3).
//
//   0       4               12                              31
//   +-------+---------------+-------------------------------+
//   |version| traffic class | flow label                    |
//   +-------+---------------+-------+-----------+-----------+
//   | payload length                | next hdr  | hop limit |
//   +-------------------------------+-----------+-----------+
//   | source address (16 bytes) | destination address (16 bytes) |
//   +---------------------------+----------------------------------
//   | extension headers (ipv6ext.ts) … | upper-layer payload …
//
// Addresses are read as two u64 halves, first octet most significant, as
// IpAddress holds them. Ethernet may pad a packet: the payload length, not
// the buffer, says where the payload ends.
import { finish, sumBytes } from "./checksum";
import { WireError } from "./error";
import { get16, get32, get8, set16, set32, set8 } from "./field";
import { IpAddress, IP_V6 } from "./ip";

export const IPV6_VER_TC_FLOW = 0;
export const IPV6_PAYLOAD_LEN = 4;
export const IPV6_NEXT_HEADER = 6;
export const IPV6_HOP_LIMIT = 7;
export const IPV6_SRC = 8;
export const IPV6_DST = 24;
export const IPV6_HEADER_LEN = 40;
/** The payload length is a 16-bit field (no jumbograms, RFC 2675). */
export const IPV6_MAX_PAYLOAD = 65535;
/** RFC 8200 §5: every link carries 1280 bytes whole. */
export const IPV6_MIN_MTU = 1280;

export const IP_PROTOCOL_ICMPV6: u8 = 58;

@inline function getU64(b: Uint8Array, at: i32): u64 {
  return bswap<u64>(load<u64>(b.dataStart + <usize>at));
}

@inline function setU64(b: Uint8Array, at: i32, v: u64): void {
  store<u64>(b.dataStart + <usize>at, bswap<u64>(v));
}

/** The 16 bytes at `at` of `b` into `a` (the caller checked the length). */
export function readIpv6(b: Uint8Array, at: i32, a: IpAddress): IpAddress {
  return a.setV6(getU64(b, at), getU64(b, at + 8));
}

/** `a`'s 128 bits at `at` of `b` (the caller checked the length). */
export function writeIpv6(b: Uint8Array, at: i32, a: IpAddress): void {
  setU64(b, at, a.hi);
  setU64(b, at + 8, a.lo);
}

/** A view over a packet; call check() before any accessor. */
export class Ipv6Packet {
  constructor(readonly bytes: Uint8Array) {}

  /** Ok when the fixed header and the payload length fit. */
  check(): WireError {
    const len = this.bytes.byteLength;
    if (len < IPV6_HEADER_LEN) return WireError.Truncated;
    if (IPV6_HEADER_LEN + <i32>this.payloadLen > len) return WireError.Truncated;
    return WireError.Ok;
  }

  get version(): u8 { return get8(this.bytes, IPV6_VER_TC_FLOW) >> 4; }
  get trafficClass(): u8 { return <u8>(get32(this.bytes, IPV6_VER_TC_FLOW) >> 20); }
  get flowLabel(): u32 { return get32(this.bytes, IPV6_VER_TC_FLOW) & 0xfffff; }
  /** Version 6, the traffic class and the flow label, in one word. */
  setVersionClassFlow(trafficClass: u8, flowLabel: u32): void {
    set32(this.bytes, IPV6_VER_TC_FLOW, (6 << 28) | (<u32>trafficClass << 20) | (flowLabel & 0xfffff));
  }
  get payloadLen(): u16 { return get16(this.bytes, IPV6_PAYLOAD_LEN); }
  set payloadLen(v: u16) { set16(this.bytes, IPV6_PAYLOAD_LEN, v); }
  get nextHeader(): u8 { return get8(this.bytes, IPV6_NEXT_HEADER); }
  set nextHeader(v: u8) { set8(this.bytes, IPV6_NEXT_HEADER, v); }
  get hopLimit(): u8 { return get8(this.bytes, IPV6_HOP_LIMIT); }
  set hopLimit(v: u8) { set8(this.bytes, IPV6_HOP_LIMIT, v); }
  /** The source into `a` (no allocation: the receive path reuses it). */
  readSrc(a: IpAddress): IpAddress { return readIpv6(this.bytes, IPV6_SRC, a); }
  readDst(a: IpAddress): IpAddress { return readIpv6(this.bytes, IPV6_DST, a); }
  setSrc(a: IpAddress): void { writeIpv6(this.bytes, IPV6_SRC, a); }
  setDst(a: IpAddress): void { writeIpv6(this.bytes, IPV6_DST, a); }

  /** After the fixed header, up to the payload length (padding left out). */
  get payload(): Uint8Array { return this.bytes.subarray(IPV6_HEADER_LEN, IPV6_HEADER_LEN + <i32>this.payloadLen); }
}

/** A valid fixed IPv6 header. Extension headers are ipv6ext.ts's. */
export class Ipv6Repr {
  readonly src: IpAddress = new IpAddress(IP_V6);
  readonly dst: IpAddress = new IpAddress(IP_V6);
  nextHeader: u8 = 0;
  /** Bytes after the fixed header, extension headers included. */
  payloadLen: i32 = 0;
  hopLimit: u8 = 64;
  trafficClass: u8 = 0;
  flowLabel: u32 = 0;

  /** Fill from a packet, or return why not (leaving this unchanged). */
  parse(packet: Ipv6Packet): WireError {
    const e = packet.check();
    if (e != WireError.Ok) return e;
    if (packet.version != 6) return WireError.BadVersion;
    packet.readSrc(this.src);
    packet.readDst(this.dst);
    this.nextHeader = packet.nextHeader;
    this.payloadLen = <i32>packet.payloadLen;
    this.hopLimit = packet.hopLimit;
    this.trafficClass = packet.trafficClass;
    this.flowLabel = packet.flowLabel;
    return WireError.Ok;
  }

  bufferLen(): i32 {
    return IPV6_HEADER_LEN;
  }

  /** Write the 40-byte header: exactly bufferLen() bytes. */
  emit(packet: Ipv6Packet): void {
    if (packet.bytes.byteLength < IPV6_HEADER_LEN) throw new Error("ipv6: buffer too short to emit");
    if (this.payloadLen < 0 || this.payloadLen > IPV6_MAX_PAYLOAD) throw new Error("ipv6: payload length out of range");
    packet.setVersionClassFlow(this.trafficClass, this.flowLabel);
    packet.payloadLen = <u16>this.payloadLen;
    packet.nextHeader = this.nextHeader;
    packet.hopLimit = this.hopLimit;
    packet.setSrc(this.src);
    packet.setDst(this.dst);
  }

  toString(): string {
    let s = "IPv6 src=" + this.src.toString() + " dst=" + this.dst.toString() + " next=" +
      this.nextHeader.toString() + " len=" + this.payloadLen.toString() + " hlim=" + this.hopLimit.toString();
    if (this.trafficClass != 0) s += " tc=" + this.trafficClass.toString();
    if (this.flowLabel != 0) s += " flow=0x" + this.flowLabel.toString(16);
    return s;
  }
}

/** The 128 bits of `a` added to a running checksum sum. */
@inline function sumAddress(a: IpAddress, acc: u64): u64 {
  // Each half as the machine would load it from its network-order bytes.
  const h = bswap<u64>(a.hi);
  const l = bswap<u64>(a.lo);
  return acc + (h & 0xffff_ffff) + (h >> 32) + (l & 0xffff_ffff) + (l >> 32);
}

/** The upper-layer pseudo-header of RFC 8200 §8.1 (source, destination,
 * 32-bit upper-layer length, three zero bytes, next header) as a running
 * sum, for TCP, UDP and ICMPv6 (RFC 4443 §2.3). */
export function sumPseudoHeaderV6(src: IpAddress, dst: IpAddress, nextHeader: u8, length: u32): u64 {
  return sumAddress(dst, sumAddress(src, 0)) + <u64>bswap<u32>(length) + <u64>bswap<u32>(<u32>nextHeader);
}

/** The checksum of `len` bytes at `ptr` under the IPv6 pseudo-header: 0
 * when they already hold a correct one. */
export function checksumV6(src: IpAddress, dst: IpAddress, nextHeader: u8, ptr: usize, len: i32): u16 {
  return finish(sumBytes(ptr, len, sumPseudoHeaderV6(src, dst, nextHeader, <u32>len)));
}

/** The solicited-node multicast address of `a` (RFC 4291 §2.7.1):
 * ff02::1:ffXX:XXXX with the low 24 bits of `a`. */
export function solicitedNode(a: IpAddress, into: IpAddress): IpAddress {
  return into.setV6(0xff02_0000_0000_0000, 0x0000_0001_ff00_0000 | (a.lo & 0xff_ffff));
}

/** The Ethernet address of an IPv6 multicast group (RFC 2464 §7):
 * 33:33 and the group's low 32 bits. */
export function multicastMac(group: IpAddress): u64 {
  return 0x3333_0000_0000 | (group.lo & 0xffff_ffff);
}

/** fe80::/10 (RFC 4291 §2.5.6). */
export function isLinkLocal(a: IpAddress): bool {
  return a.isV6 && (a.hi >> 54) == (0xfe80 >> 6);
}

/** The link-local address of a MAC: fe80:: and its modified EUI-64
 * interface identifier (RFC 4291 Appendix A, RFC 2464 §4-5): the MAC
 * split by ff:fe, its universal/local bit flipped. */
export function eui64(mac: u64): u64 {
  const hi24 = (mac >> 24) & 0xff_ffff;
  const lo24 = mac & 0xff_ffff;
  return ((hi24 << 40) | (<u64>0xfffe << 24) | lo24) ^ 0x0200_0000_0000_0000;
}
