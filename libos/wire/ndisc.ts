// Neighbor Discovery messages (RFC 4861 §4) and their options (§4.6), over
// an ICMPv6 message (icmpv6.ts) whose checksum the caller has verified.
//
//   RS 133: reserved(4)                                 options at 8
//   RA 134: cur hop limit, M|O flags, router lifetime(2),
//           reachable time(4), retrans timer(4)         options at 16
//   NS 135: reserved(4), target(16)                     options at 24
//   NA 136: R|S|O flags, reserved(3), target(16)        options at 24
//   Redirect 137: reserved(4), target(16), destination(16), options at 40
//   option: type(1), length(1, in 8-byte units, never 0), value
//     1 source / 2 target link-layer address: the MAC (6 bytes)
//     3 prefix information (length 4): prefix length, L|A flags, valid
//       and preferred lifetimes (4 each), reserved(4), prefix(16)
//     5 MTU (length 1): reserved(2), MTU(4)
//
// parse applies the validity checks of §6.1.1, §6.1.2, §7.1.1 and §7.1.2
// that need only the message and its IPv6 header (hop limit 255, code 0,
// length, every option's length non-zero, the rules for an unspecified
// source); what needs the interface's state is libos/net's.
import { MacAddress, macToString } from "./address";
import { WireError } from "./error";
import { get16, get32, get48, get8, set16, set32, set48, set8 } from "./field";
import { IpAddress, IP_V6 } from "./ip";
import { Icmpv6Packet, Icmpv6Type } from "./icmpv6";
import { isLinkLocal, readIpv6, writeIpv6 } from "./ipv6";

export const ND_OPT_SOURCE_LL: u8 = 1;
export const ND_OPT_TARGET_LL: u8 = 2;
export const ND_OPT_PREFIX: u8 = 3;
export const ND_OPT_MTU: u8 = 5;
export const ND_PREFIX_OPT_LEN = 32;
/** Prefix information options kept from one advertisement. */
export const ND_MAX_PREFIXES = 4;
/** §6.1.1, §7.1.1: ND messages are sent with hop limit 255, so that one
 * that crossed a router is known for an off-link forgery. */
export const ND_HOP_LIMIT: u8 = 255;
/** No link-layer address option (a MAC is 48 bits). */
export const ND_NO_MAC: MacAddress = u64.MAX_VALUE;

const NA_ROUTER: u8 = 0x80;
const NA_SOLICITED: u8 = 0x40;
const NA_OVERRIDE: u8 = 0x20;

/** A prefix information option (§4.6.2). */
export class NdPrefix {
  readonly prefix: IpAddress = new IpAddress(IP_V6);
  prefixLen: u8 = 0;
  onLink: bool = false;
  autonomous: bool = false;
  /** Seconds; 0xffffffff is infinity. */
  valid: u32 = 0;
  preferred: u32 = 0;
}

/** A valid ND message (one of the five types). */
export class NdRepr {
  type: Icmpv6Type = Icmpv6Type.NeighborSolicit;
  /** NS, NA, Redirect: the target address. */
  readonly target: IpAddress = new IpAddress(IP_V6);
  /** Redirect: the destination. */
  readonly destination: IpAddress = new IpAddress(IP_V6);
  /** NA flags. */
  router: bool = false;
  solicited: bool = false;
  overrideFlag: bool = false;
  /** RA fields. */
  curHopLimit: u8 = 0;
  managed: bool = false;
  other: bool = false;
  routerLifetime: u16 = 0;
  reachableTime: u32 = 0;
  retransTimer: u32 = 0;
  /** Options: ND_NO_MAC / 0 / none when absent. */
  sourceMac: MacAddress = ND_NO_MAC;
  targetMac: MacAddress = ND_NO_MAC;
  mtu: u32 = 0;
  readonly prefixes: StaticArray<NdPrefix> = makePrefixes();
  prefixCount: i32 = 0;

  /** Fill from an ICMPv6 message sent `src` -> `dst` with `hopLimit`, or
   * return why not. The checksum is the caller's (Icmpv6Packet). */
  parse(packet: Icmpv6Packet, src: IpAddress, dst: IpAddress, hopLimit: u8): WireError {
    const b = packet.bytes;
    const len = b.byteLength;
    if (len < 8) return WireError.Truncated;
    const type = <i32>packet.type;
    let optionsAt: i32;
    switch (type) {
      case Icmpv6Type.RouterSolicit: optionsAt = 8; break;
      case Icmpv6Type.RouterAdvert: optionsAt = 16; break;
      case Icmpv6Type.NeighborSolicit:
      case Icmpv6Type.NeighborAdvert: optionsAt = 24; break;
      case Icmpv6Type.Redirect: optionsAt = 40; break;
      default: return WireError.Unsupported;
    }
    if (len < optionsAt) return WireError.Truncated;
    if (hopLimit != ND_HOP_LIMIT || packet.code != 0) return WireError.Malformed;
    // RA and Redirect come from a router's link-local address (§6.1.2, §8.1).
    if ((type == Icmpv6Type.RouterAdvert || type == Icmpv6Type.Redirect) && !isLinkLocal(src)) return WireError.Malformed;
    if (!this.options(b, optionsAt)) return WireError.Malformed;
    this.type = <Icmpv6Type>type;
    if (type == Icmpv6Type.RouterAdvert) {
      this.curHopLimit = get8(b, 4);
      const flags = get8(b, 5);
      this.managed = (flags & 0x80) != 0;
      this.other = (flags & 0x40) != 0;
      this.routerLifetime = get16(b, 6);
      this.reachableTime = get32(b, 8);
      this.retransTimer = get32(b, 12);
    } else if (type >= Icmpv6Type.NeighborSolicit) {
      readIpv6(b, 8, this.target);
      if (this.target.isMulticast) return WireError.Malformed; // §7.1.1, §7.1.2
      if (type == Icmpv6Type.Redirect) readIpv6(b, 24, this.destination);
      if (type == Icmpv6Type.NeighborAdvert) {
        const flags = get8(b, 4);
        this.router = (flags & NA_ROUTER) != 0;
        this.solicited = (flags & NA_SOLICITED) != 0;
        this.overrideFlag = (flags & NA_OVERRIDE) != 0;
        // §7.1.2: a solicited advertisement is never sent to a group.
        if (this.solicited && dst.isMulticast) return WireError.Malformed;
      }
    }
    // §6.1.1, §7.1.1: from the unspecified address (DAD), no source
    // link-layer option, and an NS goes to a solicited-node group.
    if (src.isUnspecified) {
      if (this.sourceMac != ND_NO_MAC) return WireError.Malformed;
      if (type == Icmpv6Type.NeighborSolicit && !isSolicitedNode(dst)) return WireError.Malformed;
      if (type != Icmpv6Type.NeighborSolicit && type != Icmpv6Type.RouterSolicit) return WireError.Malformed;
    }
    return WireError.Ok;
  }

  /** Read the options from `at`; false when one is malformed. */
  private options(b: Uint8Array, at: i32): bool {
    this.sourceMac = ND_NO_MAC;
    this.targetMac = ND_NO_MAC;
    this.mtu = 0;
    this.prefixCount = 0;
    const len = b.byteLength;
    let i = at;
    while (i < len) {
      if (i + 2 > len) return false;
      const type = get8(b, i);
      const olen = <i32>get8(b, i + 1) << 3;
      // §4.6: a zero length would never end; the option must fit.
      if (olen == 0 || i + olen > len) return false;
      if ((type == ND_OPT_SOURCE_LL || type == ND_OPT_TARGET_LL) && olen >= 8) {
        const mac = get48(b, i + 2);
        if (type == ND_OPT_SOURCE_LL) this.sourceMac = mac;
        else this.targetMac = mac;
      } else if (type == ND_OPT_MTU && olen == 8) {
        this.mtu = get32(b, i + 4);
      } else if (type == ND_OPT_PREFIX) {
        if (olen != ND_PREFIX_OPT_LEN) return false; // §4.6.2: length 4
        if (this.prefixCount < ND_MAX_PREFIXES) {
          const p = this.prefixes[this.prefixCount++];
          p.prefixLen = get8(b, i + 2);
          const flags = get8(b, i + 3);
          p.onLink = (flags & 0x80) != 0;
          p.autonomous = (flags & 0x40) != 0;
          p.valid = get32(b, i + 4);
          p.preferred = get32(b, i + 8);
          readIpv6(b, i + 16, p.prefix);
        }
      } // §4.6: options not understood are skipped
      i += olen;
    }
    return true;
  }

  /** The message's length once emitted (RS, NS, NA; RA with its MTU and
   * prefixes). */
  bufferLen(): i32 {
    let n = this.type == Icmpv6Type.RouterSolicit ? 8 : this.type == Icmpv6Type.RouterAdvert ? 16 : 24;
    if (this.sourceMac != ND_NO_MAC) n += 8;
    if (this.targetMac != ND_NO_MAC) n += 8;
    if (this.type == Icmpv6Type.RouterAdvert) {
      if (this.mtu != 0) n += 8;
      n += this.prefixCount * ND_PREFIX_OPT_LEN;
    }
    return n;
  }

  /** Write exactly bufferLen() bytes, checksum included (sent `src` ->
   * `dst`). Redirects are never sent (we are no router). */
  emit(packet: Icmpv6Packet, src: IpAddress, dst: IpAddress): void {
    const len = this.bufferLen();
    if (packet.bytes.byteLength < len) throw new Error("ndisc: buffer too short to emit");
    const b = packet.bytes.subarray(0, len);
    const m = new Icmpv6Packet(b);
    m.type = <u8>this.type;
    m.code = 0;
    set32(b, 4, 0);
    let i = 8;
    if (this.type == Icmpv6Type.RouterAdvert) {
      set8(b, 4, this.curHopLimit);
      set8(b, 5, (this.managed ? 0x80 : 0) | (this.other ? 0x40 : 0));
      set16(b, 6, this.routerLifetime);
      set32(b, 8, this.reachableTime);
      set32(b, 12, this.retransTimer);
      i = 16;
    } else if (this.type == Icmpv6Type.NeighborSolicit || this.type == Icmpv6Type.NeighborAdvert) {
      if (this.type == Icmpv6Type.NeighborAdvert) {
        set8(b, 4, (this.router ? NA_ROUTER : 0) | (this.solicited ? NA_SOLICITED : 0) | (this.overrideFlag ? NA_OVERRIDE : 0));
      }
      writeIpv6(b, 8, this.target);
      i = 24;
    }
    if (this.type == Icmpv6Type.RouterAdvert) {
      for (let k = 0; k < this.prefixCount; k++) {
        const p = this.prefixes[k];
        set8(b, i, ND_OPT_PREFIX);
        set8(b, i + 1, 4);
        set8(b, i + 2, p.prefixLen);
        set8(b, i + 3, (p.onLink ? 0x80 : 0) | (p.autonomous ? 0x40 : 0));
        set32(b, i + 4, p.valid);
        set32(b, i + 8, p.preferred);
        set32(b, i + 12, 0);
        writeIpv6(b, i + 16, p.prefix);
        i += ND_PREFIX_OPT_LEN;
      }
      if (this.mtu != 0) {
        set8(b, i, ND_OPT_MTU);
        set8(b, i + 1, 1);
        set16(b, i + 2, 0);
        set32(b, i + 4, this.mtu);
        i += 8;
      }
    }
    i = linkOption(b, i, ND_OPT_SOURCE_LL, this.sourceMac);
    linkOption(b, i, ND_OPT_TARGET_LL, this.targetMac);
    m.fillChecksum(src, dst);
  }

  toString(): string {
    let s: string;
    switch (this.type) {
      case Icmpv6Type.RouterSolicit: s = "RS"; break;
      case Icmpv6Type.RouterAdvert:
        s = "RA hlim=" + this.curHopLimit.toString() + " lifetime=" + this.routerLifetime.toString() +
          " reachable=" + this.reachableTime.toString() + " retrans=" + this.retransTimer.toString() +
          (this.managed ? " M" : "") + (this.other ? " O" : "");
        break;
      case Icmpv6Type.NeighborSolicit: s = "NS target=" + this.target.toString(); break;
      case Icmpv6Type.NeighborAdvert:
        s = "NA target=" + this.target.toString() + (this.router ? " R" : "") + (this.solicited ? " S" : "") +
          (this.overrideFlag ? " O" : "");
        break;
      default: s = "Redirect target=" + this.target.toString() + " dst=" + this.destination.toString();
    }
    if (this.sourceMac != ND_NO_MAC) s += " sll=" + macToString(this.sourceMac);
    if (this.targetMac != ND_NO_MAC) s += " tll=" + macToString(this.targetMac);
    if (this.mtu != 0) s += " mtu=" + this.mtu.toString();
    for (let k = 0; k < this.prefixCount; k++) {
      const p = this.prefixes[k];
      s += " prefix=" + p.prefix.toString() + "/" + p.prefixLen.toString() + (p.onLink ? " L" : "") +
        (p.autonomous ? " A" : "") + " valid=" + p.valid.toString() + " pref=" + p.preferred.toString();
    }
    return s;
  }
}

/** A link-layer address option at `i` unless `mac` is ND_NO_MAC; the
 * offset after it. */
function linkOption(b: Uint8Array, i: i32, type: u8, mac: MacAddress): i32 {
  if (mac == ND_NO_MAC) return i;
  set8(b, i, type);
  set8(b, i + 1, 1);
  set48(b, i + 2, mac);
  return i + 8;
}

function makePrefixes(): StaticArray<NdPrefix> {
  const a = new StaticArray<NdPrefix>(ND_MAX_PREFIXES);
  for (let i = 0; i < ND_MAX_PREFIXES; i++) a[i] = new NdPrefix();
  return a;
}

/** ff02::1:ff00:0/104 (RFC 4291 §2.7.1). */
export function isSolicitedNode(a: IpAddress): bool {
  return a.isV6 && a.hi == 0xff02_0000_0000_0000 && (a.lo >> 24) == 0x1ff;
}
