// Ethernet II frames (IEEE 802.3 with an EtherType, RFC 894 for IPv4).
//
//   0      6      12     14
//   +------+------+------+----------
//   | dst  | src  | type | payload …   (no FCS: devices strip it)
//   +------+------+------+----------
import { MacAddress, macToString } from "./address";
import { WireError } from "./error";
import { get16, get48, set16, set48 } from "./field";

export const ETH_DST = 0;
export const ETH_SRC = 6;
export const ETH_TYPE = 12;
export const ETH_HEADER_LEN = 14;

export const ETHERTYPE_IPV4: u16 = 0x0800;
export const ETHERTYPE_ARP: u16 = 0x0806;
export const ETHERTYPE_VLAN: u16 = 0x8100;
export const ETHERTYPE_IPV6: u16 = 0x86dd;
/** Values below this are IEEE 802.3 lengths, not types. */
const ETHERTYPE_MIN: u16 = 0x0600;

/** A view over a frame; call check() before any accessor. */
export class EthernetFrame {
  constructor(readonly bytes: Uint8Array) {}

  /** Ok when the buffer holds a whole header. */
  check(): WireError {
    return this.bytes.byteLength < ETH_HEADER_LEN ? WireError.Truncated : WireError.Ok;
  }

  get dst(): MacAddress { return get48(this.bytes, ETH_DST); }
  set dst(v: MacAddress) { set48(this.bytes, ETH_DST, v); }
  get src(): MacAddress { return get48(this.bytes, ETH_SRC); }
  set src(v: MacAddress) { set48(this.bytes, ETH_SRC, v); }
  get etherType(): u16 { return get16(this.bytes, ETH_TYPE); }
  set etherType(v: u16) { set16(this.bytes, ETH_TYPE, v); }

  /** Everything after the header (may include padding to 60 bytes). */
  get payload(): Uint8Array { return this.bytes.subarray(ETH_HEADER_LEN); }
}

/** A valid Ethernet II header. */
export class EthernetRepr {
  constructor(
    public dst: MacAddress = 0,
    public src: MacAddress = 0,
    public etherType: u16 = 0,
  ) {}

  /** Fill from a frame, or return why not (leaving this unchanged). */
  parse(frame: EthernetFrame): WireError {
    const e = frame.check();
    if (e != WireError.Ok) return e;
    const type = frame.etherType;
    if (type < ETHERTYPE_MIN) return WireError.Unsupported; // an 802.3 length
    this.dst = frame.dst;
    this.src = frame.src;
    this.etherType = type;
    return WireError.Ok;
  }

  bufferLen(): i32 {
    return ETH_HEADER_LEN;
  }

  /** Write the header: exactly bufferLen() bytes. */
  emit(frame: EthernetFrame): void {
    if (frame.bytes.byteLength < ETH_HEADER_LEN) throw new Error("ethernet: buffer too short to emit");
    frame.dst = this.dst;
    frame.src = this.src;
    frame.etherType = this.etherType;
  }

  toString(): string {
    return "EthernetII src=" + macToString(this.src) + " dst=" + macToString(this.dst) +
      " type=0x" + this.etherType.toString(16).padStart(4, "0");
  }
}
