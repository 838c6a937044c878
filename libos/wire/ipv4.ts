// IPv4 headers (RFC 791).
//
//   0        4        8               16    19                 31
//   +--------+--------+---------------+-----+------------------+
//   |version | IHL    | DSCP/ECN      | total length           |
//   +--------+--------+---------------+-----+------------------+
//   | identification                  |flags| fragment offset  |
//   +-----------------+---------------+-----+------------------+
//   | TTL             | protocol      | header checksum        |
//   +-----------------+---------------+------------------------+
//   | source | destination | options (IHL > 5) … | payload …
//
// Options are checked for length only and skipped: the representation never
// holds them, and emit writes a 20-byte header. Ethernet may pad a packet:
// the total length, not the buffer, says where the payload ends.
import { Ipv4Address, ipv4ToString } from "./address";
import { finish, sumBytes } from "./checksum";
import { WireError } from "./error";
import { get16, get32, get8, set16, set32, set8 } from "./field";

export const IPV4_VER_IHL = 0;
export const IPV4_DSCP_ECN = 1;
export const IPV4_LENGTH = 2;
export const IPV4_IDENT = 4;
export const IPV4_FLG_OFF = 6;
export const IPV4_TTL = 8;
export const IPV4_PROTOCOL = 9;
export const IPV4_CHECKSUM = 10;
export const IPV4_SRC = 12;
export const IPV4_DST = 16;
export const IPV4_HEADER_LEN = 20;
/** The total length is a 16-bit field. */
export const IPV4_MAX_LEN = 65535;

export const IP_PROTOCOL_ICMP: u8 = 1;
export const IP_PROTOCOL_TCP: u8 = 6;
export const IP_PROTOCOL_UDP: u8 = 17;

const FLAG_DF: u16 = 0x4000;
const FLAG_MF: u16 = 0x2000;
const OFFSET_MASK: u16 = 0x1fff;

/** A view over a packet; call check() before any accessor. */
export class Ipv4Packet {
  constructor(readonly bytes: Uint8Array) {}

  /** Ok when the header, its options and the total length all fit. */
  check(): WireError {
    const len = this.bytes.byteLength;
    if (len < IPV4_HEADER_LEN) return WireError.Truncated;
    const hl = this.headerLen;
    if (hl < IPV4_HEADER_LEN) return WireError.BadHeaderLength;
    if (hl > len) return WireError.Truncated;
    const total = <i32>this.totalLen;
    if (total < hl) return WireError.BadLength;
    if (total > len) return WireError.Truncated;
    return WireError.Ok;
  }

  get version(): u8 { return get8(this.bytes, IPV4_VER_IHL) >> 4; }
  /** Header length in bytes (IHL × 4). */
  get headerLen(): i32 { return <i32>(get8(this.bytes, IPV4_VER_IHL) & 0x0f) << 2; }
  /** Set version 4 and the header length in bytes (a multiple of 4). */
  setVersionAndHeaderLen(headerLen: i32): void {
    set8(this.bytes, IPV4_VER_IHL, <u8>(0x40 | (headerLen >> 2)));
  }
  get dscp(): u8 { return get8(this.bytes, IPV4_DSCP_ECN) >> 2; }
  get ecn(): u8 { return get8(this.bytes, IPV4_DSCP_ECN) & 3; }
  setDscpEcn(dscp: u8, ecn: u8): void {
    set8(this.bytes, IPV4_DSCP_ECN, <u8>((dscp << 2) | (ecn & 3)));
  }
  get totalLen(): u16 { return get16(this.bytes, IPV4_LENGTH); }
  set totalLen(v: u16) { set16(this.bytes, IPV4_LENGTH, v); }
  get ident(): u16 { return get16(this.bytes, IPV4_IDENT); }
  set ident(v: u16) { set16(this.bytes, IPV4_IDENT, v); }
  get dontFragment(): bool { return (get16(this.bytes, IPV4_FLG_OFF) & FLAG_DF) != 0; }
  get moreFragments(): bool { return (get16(this.bytes, IPV4_FLG_OFF) & FLAG_MF) != 0; }
  /** Offset of this fragment's data in the datagram, in bytes. */
  get fragmentOffset(): i32 { return <i32>(get16(this.bytes, IPV4_FLG_OFF) & OFFSET_MASK) << 3; }
  /** Flags and offset together; `offset` in bytes, a multiple of 8. The
   * reserved flag is written as zero (RFC 791 §3.1). */
  setFragment(dontFragment: bool, moreFragments: bool, offset: i32): void {
    set16(this.bytes, IPV4_FLG_OFF,
      (dontFragment ? FLAG_DF : 0) | (moreFragments ? FLAG_MF : 0) | (<u16>(offset >> 3) & OFFSET_MASK));
  }
  get ttl(): u8 { return get8(this.bytes, IPV4_TTL); }
  set ttl(v: u8) { set8(this.bytes, IPV4_TTL, v); }
  get protocol(): u8 { return get8(this.bytes, IPV4_PROTOCOL); }
  set protocol(v: u8) { set8(this.bytes, IPV4_PROTOCOL, v); }
  get checksum(): u16 { return get16(this.bytes, IPV4_CHECKSUM); }
  set checksum(v: u16) { set16(this.bytes, IPV4_CHECKSUM, v); }
  get src(): Ipv4Address { return get32(this.bytes, IPV4_SRC); }
  set src(v: Ipv4Address) { set32(this.bytes, IPV4_SRC, v); }
  get dst(): Ipv4Address { return get32(this.bytes, IPV4_DST); }
  set dst(v: Ipv4Address) { set32(this.bytes, IPV4_DST, v); }

  /** Whether the header checksum is right (RFC 791 §3.1: over the header,
   * options included). */
  verifyChecksum(): bool {
    return finish(sumBytes(this.bytes.dataStart, this.headerLen)) == 0;
  }

  /** Compute and store the header checksum. */
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = finish(sumBytes(this.bytes.dataStart, this.headerLen));
  }

  /** The option bytes, between the fixed header and the payload. */
  get options(): Uint8Array { return this.bytes.subarray(IPV4_HEADER_LEN, this.headerLen); }
  /** The payload, up to the total length (Ethernet padding left out). */
  get payload(): Uint8Array { return this.bytes.subarray(this.headerLen, this.totalLen); }
}

/** A valid IPv4 header, without options. */
export class Ipv4Repr {
  src: Ipv4Address = 0;
  dst: Ipv4Address = 0;
  protocol: u8 = 0;
  /** Bytes after the header in this packet (this fragment's data). */
  payloadLen: i32 = 0;
  ttl: u8 = 64;
  dscp: u8 = 0;
  ecn: u8 = 0;
  ident: u16 = 0;
  dontFragment: bool = false;
  moreFragments: bool = false;
  /** In bytes, a multiple of 8. */
  fragmentOffset: i32 = 0;

  /** Fill from a packet, or return why not (leaving this unchanged).
   * `verifyChecksum` false is for devices that checked it already. */
  parse(packet: Ipv4Packet, verifyChecksum: bool = true): WireError {
    const e = packet.check();
    if (e != WireError.Ok) return e;
    if (packet.version != 4) return WireError.BadVersion;
    if (verifyChecksum && !packet.verifyChecksum()) return WireError.BadChecksum;
    const payloadLen = <i32>packet.totalLen - packet.headerLen;
    const offset = packet.fragmentOffset;
    // A fragment reaching past the largest datagram (RFC 791 §3.2) can only
    // be an attack on reassembly ("ping of death").
    if (offset + payloadLen > IPV4_MAX_LEN) return WireError.BadLength;
    this.src = packet.src;
    this.dst = packet.dst;
    this.protocol = packet.protocol;
    this.payloadLen = payloadLen;
    this.ttl = packet.ttl;
    this.dscp = packet.dscp;
    this.ecn = packet.ecn;
    this.ident = packet.ident;
    this.dontFragment = packet.dontFragment;
    this.moreFragments = packet.moreFragments;
    this.fragmentOffset = offset;
    return WireError.Ok;
  }

  bufferLen(): i32 {
    return IPV4_HEADER_LEN;
  }

  /** Write the 20-byte header, checksum included: exactly bufferLen() bytes.
   * The payload is the caller's to write after it. */
  emit(packet: Ipv4Packet): void {
    if (packet.bytes.byteLength < IPV4_HEADER_LEN) throw new Error("ipv4: buffer too short to emit");
    if (this.payloadLen < 0 || this.payloadLen > IPV4_MAX_LEN - IPV4_HEADER_LEN) {
      throw new Error("ipv4: payload length out of range");
    }
    packet.setVersionAndHeaderLen(IPV4_HEADER_LEN);
    packet.setDscpEcn(this.dscp, this.ecn);
    packet.totalLen = <u16>(IPV4_HEADER_LEN + this.payloadLen);
    packet.ident = this.ident;
    packet.setFragment(this.dontFragment, this.moreFragments, this.fragmentOffset);
    packet.ttl = this.ttl;
    packet.protocol = this.protocol;
    packet.src = this.src;
    packet.dst = this.dst;
    packet.fillChecksum();
  }

  toString(): string {
    let s = "IPv4 src=" + ipv4ToString(this.src) + " dst=" + ipv4ToString(this.dst) +
      " proto=" + this.protocol.toString() + " len=" + this.payloadLen.toString() +
      " ttl=" + this.ttl.toString() + " id=" + this.ident.toString();
    if (this.dscp != 0 || this.ecn != 0) s += " dscp=" + this.dscp.toString() + " ecn=" + this.ecn.toString();
    if (this.dontFragment) s += " DF";
    if (this.moreFragments) s += " MF";
    if (this.fragmentOffset != 0) s += " off=" + this.fragmentOffset.toString();
    return s;
  }
}
