// ICMP for IPv4 (RFC 792): echo request and reply, destination unreachable,
// time exceeded. Other types parse as Unsupported.
//
//   0      1      2          4                   8
//   +------+------+----------+-------------------+-------
//   | type | code | checksum | rest of header    | data …
//   +------+------+----------+-------------------+-------
//   echo: rest = identifier, sequence number; data = the echoed bytes
//   errors: rest = unused (or next-hop MTU, RFC 1191); data = the IPv4
//   header and at least the first 8 bytes of the datagram in error
import { WireError } from "./error";
import { finish, sumBuffer } from "./checksum";
import { get16, get8, place, set16, set8 } from "./field";
import { Ipv4Packet, IPV4_HEADER_LEN } from "./ipv4";

export const ICMP_TYPE = 0;
export const ICMP_CODE = 1;
export const ICMP_CHECKSUM = 2;
export const ICMP_IDENT = 4;
export const ICMP_SEQ = 6;
export const ICMP_UNUSED = 4;
export const ICMP_NEXT_HOP_MTU = 6;
export const ICMP_HEADER_LEN = 8;

export enum IcmpType {
  EchoReply = 0,
  DstUnreachable = 3,
  EchoRequest = 8,
  TimeExceeded = 11,
}

/** Destination unreachable codes (RFC 792, RFC 1122 §3.2.2.1). */
export enum UnreachableCode {
  Network = 0,
  Host = 1,
  Protocol = 2,
  Port = 3,
  FragmentationNeeded = 4,
  SourceRouteFailed = 5,
}
/** The largest destination unreachable code assigned (RFC 1812 §5.2.7.1). */
const UNREACHABLE_CODE_MAX: u8 = 15;

export enum TimeExceededCode {
  TtlExceeded = 0,
  ReassemblyTimeExceeded = 1,
}

/** A view over an ICMP message; call check() before any accessor. */
export class Icmpv4Packet {
  constructor(readonly bytes: Uint8Array) {}

  check(): WireError {
    return this.bytes.byteLength < ICMP_HEADER_LEN ? WireError.Truncated : WireError.Ok;
  }

  get type(): u8 { return get8(this.bytes, ICMP_TYPE); }
  set type(v: u8) { set8(this.bytes, ICMP_TYPE, v); }
  get code(): u8 { return get8(this.bytes, ICMP_CODE); }
  set code(v: u8) { set8(this.bytes, ICMP_CODE, v); }
  get checksum(): u16 { return get16(this.bytes, ICMP_CHECKSUM); }
  set checksum(v: u16) { set16(this.bytes, ICMP_CHECKSUM, v); }
  get echoIdent(): u16 { return get16(this.bytes, ICMP_IDENT); }
  set echoIdent(v: u16) { set16(this.bytes, ICMP_IDENT, v); }
  get echoSeq(): u16 { return get16(this.bytes, ICMP_SEQ); }
  set echoSeq(v: u16) { set16(this.bytes, ICMP_SEQ, v); }
  /** Bytes 4–5 of an error message: unused, sent as zero. */
  get unused(): u16 { return get16(this.bytes, ICMP_UNUSED); }
  set unused(v: u16) { set16(this.bytes, ICMP_UNUSED, v); }
  get nextHopMtu(): u16 { return get16(this.bytes, ICMP_NEXT_HOP_MTU); }
  set nextHopMtu(v: u16) { set16(this.bytes, ICMP_NEXT_HOP_MTU, v); }

  /** Everything after the 8-byte header. */
  get data(): Uint8Array { return this.bytes.subarray(ICMP_HEADER_LEN); }

  /** The checksum covers the whole message (RFC 792). */
  verifyChecksum(): bool {
    return finish(sumBuffer(this.bytes)) == 0;
  }

  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = finish(sumBuffer(this.bytes));
  }
}

/** A valid ICMP message of one of the supported types. */
export class Icmpv4Repr {
  type: IcmpType = IcmpType.EchoRequest;
  code: u8 = 0;
  /** Echo identifier and sequence number. */
  ident: u16 = 0;
  seq: u16 = 0;
  /** Fragmentation needed: the next hop's MTU (RFC 1191), else 0. */
  nextHopMtu: u16 = 0;
  /** Echo: the data. Errors: the quoted datagram, starting with an IPv4
   * header whose length fits (see quotedPacket). A view into the parsed
   * bytes, not a copy. */
  data: Uint8Array = new Uint8Array(0);

  /** Fill from a message, or return why not (leaving this unchanged). */
  parse(packet: Icmpv4Packet, verifyChecksum: bool = true): WireError {
    const e = packet.check();
    if (e != WireError.Ok) return e;
    if (verifyChecksum && !packet.verifyChecksum()) return WireError.BadChecksum;
    const type = <i32>packet.type;
    const code = packet.code;
    let mtu: u16 = 0;
    switch (type) {
      case IcmpType.EchoRequest:
      case IcmpType.EchoReply:
        if (code != 0) return WireError.Malformed;
        break;
      case IcmpType.DstUnreachable:
        if (code > UNREACHABLE_CODE_MAX) return WireError.Malformed;
        if (code == <u8>UnreachableCode.FragmentationNeeded) mtu = packet.nextHopMtu;
        if (!quotesIpv4(packet.data)) return WireError.Malformed;
        break;
      case IcmpType.TimeExceeded:
        if (code > <u8>TimeExceededCode.ReassemblyTimeExceeded) return WireError.Malformed;
        if (!quotesIpv4(packet.data)) return WireError.Malformed;
        break;
      default:
        return WireError.Unsupported;
    }
    const echo = type == IcmpType.EchoRequest || type == IcmpType.EchoReply;
    this.type = <IcmpType>type;
    this.code = code;
    this.ident = echo ? packet.echoIdent : 0;
    this.seq = echo ? packet.echoSeq : 0;
    this.nextHopMtu = mtu;
    this.data = packet.data;
    return WireError.Ok;
  }

  /** An error message's quoted datagram as a packet view; its check() may
   * well fail on the total length, since the quote is cut short. */
  quotedPacket(): Ipv4Packet {
    return new Ipv4Packet(this.data);
  }

  bufferLen(): i32 {
    return ICMP_HEADER_LEN + this.data.byteLength;
  }

  /** Write the message, data and checksum included: exactly bufferLen()
   * bytes. The data is copied unless it is already in place. */
  emit(packet: Icmpv4Packet): void {
    const len = this.bufferLen();
    if (packet.bytes.byteLength < len) throw new Error("icmpv4: buffer too short to emit");
    const m = new Icmpv4Packet(packet.bytes.subarray(0, len));
    m.type = <u8>this.type;
    m.code = this.code;
    if (this.type == IcmpType.EchoRequest || this.type == IcmpType.EchoReply) {
      m.echoIdent = this.ident;
      m.echoSeq = this.seq;
    } else {
      m.unused = 0;
      m.nextHopMtu = this.nextHopMtu;
    }
    place(m.bytes, ICMP_HEADER_LEN, this.data);
    m.fillChecksum();
  }

  toString(): string {
    let s: string;
    switch (this.type) {
      case IcmpType.EchoRequest: s = "ICMP echo request"; break;
      case IcmpType.EchoReply: s = "ICMP echo reply"; break;
      case IcmpType.DstUnreachable: s = "ICMP destination unreachable"; break;
      default: s = "ICMP time exceeded";
    }
    if (this.type == IcmpType.EchoRequest || this.type == IcmpType.EchoReply) {
      s += " id=" + this.ident.toString() + " seq=" + this.seq.toString();
    } else {
      s += " code=" + this.code.toString();
      if (this.nextHopMtu != 0) s += " mtu=" + this.nextHopMtu.toString();
    }
    return s + " data=" + this.data.byteLength.toString();
  }
}

/** Whether an error's data starts with a whole IPv4 header (RFC 792: the
 * header and 64 bits of the original datagram; RFC 1812 allows more). */
function quotesIpv4(data: Uint8Array): bool {
  if (data.byteLength < IPV4_HEADER_LEN) return false;
  const q = new Ipv4Packet(data);
  return q.version == 4 && q.headerLen >= IPV4_HEADER_LEN && q.headerLen <= data.byteLength;
}
