// ICMPv6 (RFC 4443): echo request and reply, and the errors: destination
// unreachable, packet too big, time exceeded, parameter problem. Neighbor
// Discovery messages are ICMPv6 too: ndisc.ts reads them. Other types parse
// as Unsupported.
//
//   0      1      2          4                   8
//   +------+------+----------+-------------------+-------
//   | type | code | checksum | rest of header    | data …
//   +------+------+----------+-------------------+-------
//   echo: rest = identifier, sequence number; data = the echoed bytes
//   errors: rest = unused, MTU (packet too big) or pointer (parameter
//   problem); data = as much of the datagram in error as fits in 1280
//   bytes (§2.4 (c)), starting with its IPv6 header
//
// The checksum covers the IPv6 pseudo-header (§2.3, RFC 8200 §8.1).
import { WireError } from "./error";
import { get16, get32, get8, place, set16, set32, set8 } from "./field";
import { IpAddress } from "./ip";
import { checksumV6, IP_PROTOCOL_ICMPV6, IPV6_HEADER_LEN } from "./ipv6";

export const ICMPV6_TYPE = 0;
export const ICMPV6_CODE = 1;
export const ICMPV6_CHECKSUM = 2;
export const ICMPV6_IDENT = 4;
export const ICMPV6_SEQ = 6;
/** Packet too big's MTU, parameter problem's pointer (32 bits). */
export const ICMPV6_PARAM = 4;
export const ICMPV6_HEADER_LEN = 8;

export enum Icmpv6Type {
  DstUnreachable = 1,
  PacketTooBig = 2,
  TimeExceeded = 3,
  ParamProblem = 4,
  EchoRequest = 128,
  EchoReply = 129,
  RouterSolicit = 133,
  RouterAdvert = 134,
  NeighborSolicit = 135,
  NeighborAdvert = 136,
  Redirect = 137,
}

/** Destination unreachable codes (§3.1). */
export enum Unreachable6Code {
  NoRoute = 0,
  Prohibited = 1,
  BeyondScope = 2,
  Address = 3,
  Port = 4,
}

/** Time exceeded codes (§3.3). */
export enum TimeExceeded6Code {
  HopLimit = 0,
  Reassembly = 1,
}

/** §2.1: types 0-127 are errors, 128-255 informational. */
export function isIcmpv6Error(type: u8): bool {
  return type < 128;
}

/** A view over an ICMPv6 message; call check() before any accessor. */
export class Icmpv6Packet {
  constructor(readonly bytes: Uint8Array) {}

  check(): WireError {
    return this.bytes.byteLength < ICMPV6_HEADER_LEN ? WireError.Truncated : WireError.Ok;
  }

  get type(): u8 { return get8(this.bytes, ICMPV6_TYPE); }
  set type(v: u8) { set8(this.bytes, ICMPV6_TYPE, v); }
  get code(): u8 { return get8(this.bytes, ICMPV6_CODE); }
  set code(v: u8) { set8(this.bytes, ICMPV6_CODE, v); }
  get checksum(): u16 { return get16(this.bytes, ICMPV6_CHECKSUM); }
  set checksum(v: u16) { set16(this.bytes, ICMPV6_CHECKSUM, v); }
  get echoIdent(): u16 { return get16(this.bytes, ICMPV6_IDENT); }
  set echoIdent(v: u16) { set16(this.bytes, ICMPV6_IDENT, v); }
  get echoSeq(): u16 { return get16(this.bytes, ICMPV6_SEQ); }
  set echoSeq(v: u16) { set16(this.bytes, ICMPV6_SEQ, v); }
  /** The MTU of packet too big, the pointer of parameter problem, zero in
   * the other errors. */
  get param(): u32 { return get32(this.bytes, ICMPV6_PARAM); }
  set param(v: u32) { set32(this.bytes, ICMPV6_PARAM, v); }

  get data(): Uint8Array { return this.bytes.subarray(ICMPV6_HEADER_LEN); }

  /** RFC 4443 §2.3: over the pseudo-header and the whole message. */
  verifyChecksum(src: IpAddress, dst: IpAddress): bool {
    return checksumV6(src, dst, IP_PROTOCOL_ICMPV6, this.bytes.dataStart, this.bytes.byteLength) == 0;
  }

  fillChecksum(src: IpAddress, dst: IpAddress): void {
    this.checksum = 0;
    this.checksum = checksumV6(src, dst, IP_PROTOCOL_ICMPV6, this.bytes.dataStart, this.bytes.byteLength);
  }
}

/** A valid echo or error message. */
export class Icmpv6Repr {
  type: Icmpv6Type = Icmpv6Type.EchoRequest;
  code: u8 = 0;
  ident: u16 = 0;
  seq: u16 = 0;
  /** Packet too big: the MTU; parameter problem: the pointer. */
  param: u32 = 0;
  /** Echo: the data; errors: the quoted datagram (a view, not a copy). */
  data: Uint8Array = new Uint8Array(0);

  /** Fill from a message sent `src` -> `dst`, or return why not. */
  parse(packet: Icmpv6Packet, src: IpAddress, dst: IpAddress, verifyChecksum: bool = true): WireError {
    const e = packet.check();
    if (e != WireError.Ok) return e;
    if (verifyChecksum && !packet.verifyChecksum(src, dst)) return WireError.BadChecksum;
    const type = <i32>packet.type;
    const code = packet.code;
    switch (type) {
      case Icmpv6Type.EchoRequest:
      case Icmpv6Type.EchoReply:
        if (code != 0) return WireError.Malformed;
        break;
      case Icmpv6Type.DstUnreachable:
        if (code > 7) return WireError.Malformed;
        if (!quotesIpv6(packet.data)) return WireError.Malformed;
        break;
      case Icmpv6Type.PacketTooBig:
        if (!quotesIpv6(packet.data)) return WireError.Malformed;
        break;
      case Icmpv6Type.TimeExceeded:
        if (code > 1 || !quotesIpv6(packet.data)) return WireError.Malformed;
        break;
      case Icmpv6Type.ParamProblem:
        if (code > 3 || !quotesIpv6(packet.data)) return WireError.Malformed;
        break;
      default:
        return WireError.Unsupported;
    }
    const echo = type >= 128;
    this.type = <Icmpv6Type>type;
    this.code = code;
    this.ident = echo ? packet.echoIdent : 0;
    this.seq = echo ? packet.echoSeq : 0;
    this.param = echo ? 0 : packet.param;
    this.data = packet.data;
    return WireError.Ok;
  }

  bufferLen(): i32 {
    return ICMPV6_HEADER_LEN + this.data.byteLength;
  }

  /** Write the message, checksum included: exactly bufferLen() bytes. */
  emit(packet: Icmpv6Packet, src: IpAddress, dst: IpAddress): void {
    const len = this.bufferLen();
    if (packet.bytes.byteLength < len) throw new Error("icmpv6: buffer too short to emit");
    const m = new Icmpv6Packet(packet.bytes.subarray(0, len));
    m.type = <u8>this.type;
    m.code = this.code;
    if (this.type >= 128) {
      m.echoIdent = this.ident;
      m.echoSeq = this.seq;
    } else {
      m.param = this.param;
    }
    place(m.bytes, ICMPV6_HEADER_LEN, this.data);
    m.fillChecksum(src, dst);
  }

  toString(): string {
    let s = "ICMPv6 type=" + (<i32>this.type).toString() + " code=" + this.code.toString();
    if (this.type >= 128) s += " id=" + this.ident.toString() + " seq=" + this.seq.toString();
    else if (this.param != 0) s += " param=" + this.param.toString();
    return s + " data=" + this.data.byteLength.toString();
  }
}

/** Whether an error's data starts with a whole IPv6 header. */
function quotesIpv6(data: Uint8Array): bool {
  return data.byteLength >= IPV6_HEADER_LEN && (get8(data, 0) >> 4) == 6;
}
