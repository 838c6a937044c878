// ARP for IPv4 over Ethernet (RFC 826), the only pairing in use; other
// hardware or protocol types are reported Unsupported.
//
//   0     2     4    5    6     8      14     18     24     28
//   +-----+-----+----+----+-----+------+------+------+------+
//   |htype|ptype|hlen|plen| oper| sha  | spa  | tha  | tpa  |
//   +-----+-----+----+----+-----+------+------+------+------+
import { Ipv4Address, MacAddress, ipv4ToString, macToString } from "./address";
import { WireError } from "./error";
import { get16, get32, get48, get8, set16, set32, set48, set8 } from "./field";

export const ARP_HTYPE = 0;
export const ARP_PTYPE = 2;
export const ARP_HLEN = 4;
export const ARP_PLEN = 5;
export const ARP_OPER = 6;
export const ARP_SHA = 8;
export const ARP_SPA = 14;
export const ARP_THA = 18;
export const ARP_TPA = 24;
export const ARP_LEN = 28;

export const ARP_HTYPE_ETHERNET: u16 = 1;
export const ARP_PTYPE_IPV4: u16 = 0x0800;

export enum ArpOperation { Request = 1, Reply = 2 }

/** A view over an ARP packet; call check() before any accessor. */
export class ArpPacket {
  constructor(readonly bytes: Uint8Array) {}

  /** Ok when the buffer holds an Ethernet/IPv4 ARP packet's 28 bytes. The
   * type fields are checked here because they fix the field offsets. */
  check(): WireError {
    const b = this.bytes;
    if (b.byteLength < ARP_PLEN + 1) return WireError.Truncated;
    if (get16(b, ARP_HTYPE) != ARP_HTYPE_ETHERNET || get16(b, ARP_PTYPE) != ARP_PTYPE_IPV4 ||
        get8(b, ARP_HLEN) != 6 || get8(b, ARP_PLEN) != 4) {
      return WireError.Unsupported;
    }
    return b.byteLength < ARP_LEN ? WireError.Truncated : WireError.Ok;
  }

  get hardwareType(): u16 { return get16(this.bytes, ARP_HTYPE); }
  set hardwareType(v: u16) { set16(this.bytes, ARP_HTYPE, v); }
  get protocolType(): u16 { return get16(this.bytes, ARP_PTYPE); }
  set protocolType(v: u16) { set16(this.bytes, ARP_PTYPE, v); }
  get hardwareLen(): u8 { return get8(this.bytes, ARP_HLEN); }
  set hardwareLen(v: u8) { set8(this.bytes, ARP_HLEN, v); }
  get protocolLen(): u8 { return get8(this.bytes, ARP_PLEN); }
  set protocolLen(v: u8) { set8(this.bytes, ARP_PLEN, v); }
  get operation(): u16 { return get16(this.bytes, ARP_OPER); }
  set operation(v: u16) { set16(this.bytes, ARP_OPER, v); }
  get senderMac(): MacAddress { return get48(this.bytes, ARP_SHA); }
  set senderMac(v: MacAddress) { set48(this.bytes, ARP_SHA, v); }
  get senderIp(): Ipv4Address { return get32(this.bytes, ARP_SPA); }
  set senderIp(v: Ipv4Address) { set32(this.bytes, ARP_SPA, v); }
  get targetMac(): MacAddress { return get48(this.bytes, ARP_THA); }
  set targetMac(v: MacAddress) { set48(this.bytes, ARP_THA, v); }
  get targetIp(): Ipv4Address { return get32(this.bytes, ARP_TPA); }
  set targetIp(v: Ipv4Address) { set32(this.bytes, ARP_TPA, v); }
}

/** A valid Ethernet/IPv4 ARP request or reply. */
export class ArpRepr {
  constructor(
    public operation: ArpOperation = ArpOperation.Request,
    public senderMac: MacAddress = 0,
    public senderIp: Ipv4Address = 0,
    public targetMac: MacAddress = 0,
    public targetIp: Ipv4Address = 0,
  ) {}

  /** Fill from a packet, or return why not (leaving this unchanged). */
  parse(packet: ArpPacket): WireError {
    const e = packet.check();
    if (e != WireError.Ok) return e;
    const op = packet.operation;
    // RFC 826 defines only these two; RARP and InARP are other protocols.
    if (op != ArpOperation.Request && op != ArpOperation.Reply) return WireError.Unsupported;
    this.operation = <ArpOperation>op;
    this.senderMac = packet.senderMac;
    this.senderIp = packet.senderIp;
    this.targetMac = packet.targetMac;
    this.targetIp = packet.targetIp;
    return WireError.Ok;
  }

  bufferLen(): i32 {
    return ARP_LEN;
  }

  /** Write the packet: exactly bufferLen() bytes. */
  emit(packet: ArpPacket): void {
    if (packet.bytes.byteLength < ARP_LEN) throw new Error("arp: buffer too short to emit");
    packet.hardwareType = ARP_HTYPE_ETHERNET;
    packet.protocolType = ARP_PTYPE_IPV4;
    packet.hardwareLen = 6;
    packet.protocolLen = 4;
    packet.operation = <u16>this.operation;
    packet.senderMac = this.senderMac;
    packet.senderIp = this.senderIp;
    packet.targetMac = this.targetMac;
    packet.targetIp = this.targetIp;
  }

  toString(): string {
    return "ARP " + (this.operation == ArpOperation.Request ? "request" : "reply") +
      " sender=" + macToString(this.senderMac) + "/" + ipv4ToString(this.senderIp) +
      " target=" + macToString(this.targetMac) + "/" + ipv4ToString(this.targetIp);
  }
}
