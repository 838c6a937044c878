// UDP datagrams (RFC 768).
//
//   0          2          4        6          8
//   +----------+----------+--------+----------+---------
//   | src port | dst port | length | checksum | payload …
//   +----------+----------+--------+----------+---------
//
// The checksum covers a pseudo-header (addresses, protocol, length), the
// header and the payload. A checksum field of 0 means "none" (RFC 768), so
// a computed 0 is sent as 0xffff, its other one's complement form.
import { Ipv4Address } from "./address";
import { finish, sumBytes, sumPseudoHeader } from "./checksum";
import { WireError } from "./error";
import { get16, place, set16 } from "./field";
import { IP_PROTOCOL_UDP } from "./ipv4";

export const UDP_SRC_PORT = 0;
export const UDP_DST_PORT = 2;
export const UDP_LENGTH = 4;
export const UDP_CHECKSUM = 6;
export const UDP_HEADER_LEN = 8;

/** A view over a datagram; call check() before any accessor. */
export class UdpPacket {
  constructor(readonly bytes: Uint8Array) {}

  /** Ok when the header fits and the length field is within the buffer. */
  check(): WireError {
    const len = this.bytes.byteLength;
    if (len < UDP_HEADER_LEN) return WireError.Truncated;
    const field = <i32>this.length;
    if (field < UDP_HEADER_LEN) return WireError.BadLength;
    if (field > len) return WireError.Truncated;
    return WireError.Ok;
  }

  get srcPort(): u16 { return get16(this.bytes, UDP_SRC_PORT); }
  set srcPort(v: u16) { set16(this.bytes, UDP_SRC_PORT, v); }
  get dstPort(): u16 { return get16(this.bytes, UDP_DST_PORT); }
  set dstPort(v: u16) { set16(this.bytes, UDP_DST_PORT, v); }
  /** Header and payload, in bytes. */
  get length(): u16 { return get16(this.bytes, UDP_LENGTH); }
  set length(v: u16) { set16(this.bytes, UDP_LENGTH, v); }
  get checksum(): u16 { return get16(this.bytes, UDP_CHECKSUM); }
  set checksum(v: u16) { set16(this.bytes, UDP_CHECKSUM, v); }

  /** The payload, up to the length field. */
  get payload(): Uint8Array { return this.bytes.subarray(UDP_HEADER_LEN, this.length); }

  /** True when the checksum is right or absent (0). Allocates nothing:
   * the stack verifies every datagram with it. */
  verifyChecksum(src: Ipv4Address, dst: Ipv4Address): bool {
    return this.verifyWith(sumPseudoHeader(src, dst, IP_PROTOCOL_UDP, this.length));
  }

  /** verifyChecksum with the pseudo-header sum given (any IP version). */
  verifyWith(pseudo: u64): bool {
    if (this.checksum == 0) return true;
    return finish(sumBytes(this.bytes.dataStart, this.length, pseudo)) == 0;
  }

  fillChecksum(src: Ipv4Address, dst: Ipv4Address): void {
    this.fillWith(sumPseudoHeader(src, dst, IP_PROTOCOL_UDP, this.length));
  }

  /** fillChecksum with the pseudo-header sum given (any IP version). A
   * sum of 0 is sent as 0xffff: 0 means "no checksum" (RFC 768). */
  fillWith(pseudo: u64): void {
    this.checksum = 0;
    const sum = finish(sumBytes(this.bytes.dataStart, this.length, pseudo));
    this.checksum = sum == 0 ? 0xffff : sum;
  }
}

/** A valid UDP datagram. */
export class UdpRepr {
  srcPort: u16 = 0;
  dstPort: u16 = 0;
  /** A view into the parsed bytes, not a copy. */
  payload: Uint8Array = new Uint8Array(0);

  /** Fill from a datagram carried from `src` to `dst`, or return why not
   * (leaving this unchanged). */
  parse(packet: UdpPacket, src: Ipv4Address, dst: Ipv4Address, verifyChecksum: bool = true): WireError {
    const e = packet.check();
    if (e != WireError.Ok) return e;
    // Port 0 is reserved; nothing may be sent to it (RFC 768 allows it only
    // as a source, meaning "no reply").
    if (packet.dstPort == 0) return WireError.Malformed;
    if (verifyChecksum && !packet.verifyChecksum(src, dst)) return WireError.BadChecksum;
    this.srcPort = packet.srcPort;
    this.dstPort = packet.dstPort;
    this.payload = packet.payload;
    return WireError.Ok;
  }

  bufferLen(): i32 {
    return UDP_HEADER_LEN + this.payload.byteLength;
  }

  /** Write the datagram, payload and checksum included: exactly bufferLen()
   * bytes. The payload is copied unless it is already in place. */
  emit(packet: UdpPacket, src: Ipv4Address, dst: Ipv4Address): void {
    const len = this.bufferLen();
    if (len > 0xffff) throw new Error("udp: payload too long");
    if (packet.bytes.byteLength < len) throw new Error("udp: buffer too short to emit");
    const d = new UdpPacket(packet.bytes.subarray(0, len));
    d.srcPort = this.srcPort;
    d.dstPort = this.dstPort;
    d.length = <u16>len;
    place(d.bytes, UDP_HEADER_LEN, this.payload);
    d.fillChecksum(src, dst);
  }

  toString(): string {
    return "UDP src=" + this.srcPort.toString() + " dst=" + this.dstPort.toString() +
      " len=" + this.payload.byteLength.toString();
  }
}
