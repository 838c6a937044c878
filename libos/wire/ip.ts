// One address type for both IP versions (as smoltcp's IpAddress): sockets,
// connection tables and applications hold an IpAddress and never see
// whether it is 32 or 128 bits; only the per-version layers
// (libos/net/ipv4*, later ipv6) and this folder look inside.
//
// Layout: `version` 4 or 6, and the 128 bits as two u64 halves, first
// octet most significant in `hi`. An IPv4 address sits in the low 32 bits
// of `lo` (hi = 0), so that `v4` is a plain read.
//
// An IpAddress handed to a receive callback (a datagram's source, …) is
// reused for the next one, as the datagram is: `clone()` what must outlive
// the call. Those made by parse, v4() and v6() are the caller's own.
import { Ipv4Address, ipv4ToString } from "./address";
import { ipv6ToText } from "./dnsrdata";

export const IP_V4: u8 = 4;
export const IP_V6: u8 = 6;

export class IpAddress {
  constructor(public version: u8 = IP_V4, public hi: u64 = 0, public lo: u64 = 0) {}

  static v4(a: Ipv4Address): IpAddress {
    return new IpAddress(IP_V4, 0, <u64>a);
  }

  static v6(hi: u64, lo: u64): IpAddress {
    return new IpAddress(IP_V6, hi, lo);
  }

  /** "10.0.0.2", "fe80::1" or "[fe80::1]" (as in URLs); null for anything else. */
  static parse(text: string): IpAddress | null {
    if (text.startsWith("[") && text.endsWith("]")) text = text.substring(1, text.length - 1);
    if (text.indexOf(":") >= 0) return parseV6(text);
    const a = parseV4(text);
    return a < 0 ? null : IpAddress.v4(<u32>a);
  }

  get isV4(): bool {
    return this.version == IP_V4;
  }

  get isV6(): bool {
    return this.version == IP_V6;
  }

  /** The IPv4 address (only meaningful when isV4). */
  get v4(): Ipv4Address {
    return <u32>this.lo;
  }

  /** 0.0.0.0 or :: */
  get isUnspecified(): bool {
    return this.hi == 0 && this.lo == 0;
  }

  /** 224.0.0.0/4 (RFC 5771) or ff00::/8 (RFC 4291 §2.7). */
  get isMulticast(): bool {
    return this.version == IP_V4 ? (<u32>this.lo >> 28) == 0xe : (this.hi >> 56) == 0xff;
  }

  equals(o: IpAddress): bool {
    return this.version == o.version && this.hi == o.hi && this.lo == o.lo;
  }

  /** Whether this is the IPv4 address `a`, without building an IpAddress. */
  isV4Address(a: Ipv4Address): bool {
    return this.version == IP_V4 && this.lo == <u64>a;
  }

  /** Take `o`'s value (for the reused addresses of the receive path). */
  set(o: IpAddress): IpAddress {
    this.version = o.version;
    this.hi = o.hi;
    this.lo = o.lo;
    return this;
  }

  setV4(a: Ipv4Address): IpAddress {
    this.version = IP_V4;
    this.hi = 0;
    this.lo = <u64>a;
    return this;
  }

  setV6(hi: u64, lo: u64): IpAddress {
    this.version = IP_V6;
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  clone(): IpAddress {
    return new IpAddress(this.version, this.hi, this.lo);
  }

  /** 64 bits that differ between addresses that differ, for hash tables
   * (callers compare with equals() on a match). */
  get hash(): u64 {
    return this.version == IP_V4 ? this.lo : (this.hi * 0x9e3779b97f4a7c15) ^ this.lo ^ 0x6000_0000_0000_0000;
  }

  /** Dotted quad, or RFC 5952 text for IPv6. */
  toString(): string {
    if (this.version == IP_V4) return ipv4ToString(<u32>this.lo);
    const b = new Uint8Array(16);
    store<u64>(b.dataStart, bswap<u64>(this.hi));
    store<u64>(b.dataStart + 8, bswap<u64>(this.lo));
    return ipv6ToText(b);
  }
}

/** An address and a port: one end of a flow or of a datagram. */
export class IpEndpoint {
  constructor(public address: IpAddress = new IpAddress(), public port: u16 = 0) {}

  /** "10.0.0.2:80" or "[fe80::1]:80"; null for anything else. */
  static parse(text: string): IpEndpoint | null {
    const colon = text.lastIndexOf(":");
    if (colon <= 0) return null;
    const host = text.substring(0, colon);
    if (host.indexOf(":") >= 0 && !host.startsWith("[")) return null; // IPv6 needs brackets
    const a = IpAddress.parse(host);
    const p = parsePort(text.substring(colon + 1));
    if (a === null || p < 0) return null;
    return new IpEndpoint(a, <u16>p);
  }

  equals(o: IpEndpoint): bool {
    return this.port == o.port && this.address.equals(o.address);
  }

  clone(): IpEndpoint {
    return new IpEndpoint(this.address.clone(), this.port);
  }

  toString(): string {
    const a = this.address.toString();
    return (this.address.isV6 ? "[" + a + "]" : a) + ":" + this.port.toString();
  }
}

/** A port: 1 to 5 decimal digits worth at most 65535, or -1. */
export function parsePort(text: string): i32 {
  if (text.length == 0 || text.length > 5) return -1;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v <= 65535 ? v : -1;
}

/** A dotted quad ("10.0.0.2") as an address, or -1. Each octet is 1 to 3
 * decimal digits worth at most 255; nothing else is accepted (no octal,
 * no shortened forms). */
export function parseV4(text: string): i64 {
  let value: u32 = 0;
  let octet: u32 = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 46) { // '.'
      if (digits == 0 || dots == 3) return -1;
      value = (value << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      octet = octet * 10 + <u32>(c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots != 3 || digits == 0) return -1;
  return <i64>((value << 8) | octet);
}

/** RFC 4291 §2.2 text: up to eight groups of 1-4 hex digits, one "::" for
 * a run of zero groups, an embedded dotted quad last. Null otherwise. */
function parseV6(text: string): IpAddress | null {
  const groups = new StaticArray<u32>(8);
  let n = 0;
  let gap = -1;
  let i = 0;
  const len = text.length;
  if (len < 2) return null;
  if (text.startsWith("::")) {
    gap = 0;
    i = 2;
    if (len == 2) return IpAddress.v6(0, 0);
  } else if (text.charCodeAt(0) == 58) {
    return null;
  }
  while (i < len) {
    if (n == 8) return null;
    // An embedded IPv4 address takes the last two groups.
    const rest = text.substring(i);
    if (rest.indexOf(".") >= 0 && rest.indexOf(":") < 0) {
      const a = parseV4(rest);
      if (a < 0 || n > 6) return null;
      groups[n++] = <u32>(a >> 16);
      groups[n++] = <u32>(a & 0xffff);
      i = len;
      break;
    }
    let v: u32 = 0;
    let digits = 0;
    while (i < len) {
      const c = text.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      v = (v << 4) | <u32>d;
      if (++digits > 4) return null;
      i++;
    }
    if (digits == 0) return null;
    groups[n++] = v;
    if (i == len) break;
    if (text.charCodeAt(i) != 58) return null;
    i++;
    if (i < len && text.charCodeAt(i) == 58) {
      if (gap >= 0) return null; // one "::" at most
      gap = n;
      i++;
      if (i == len) break;
    } else if (i == len) {
      return null; // a trailing single ':'
    }
  }
  if (gap < 0 && n != 8) return null;
  if (gap >= 0 && n == 8) return null; // "::" must stand for at least one group
  const full = new StaticArray<u32>(8);
  if (gap < 0) {
    for (let k = 0; k < 8; k++) full[k] = groups[k];
  } else {
    for (let k = 0; k < gap; k++) full[k] = groups[k];
    const tail = n - gap;
    for (let k = 0; k < tail; k++) full[8 - tail + k] = groups[gap + k];
  }
  let hi: u64 = 0;
  let lo: u64 = 0;
  for (let k = 0; k < 4; k++) hi = (hi << 16) | <u64>full[k];
  for (let k = 4; k < 8; k++) lo = (lo << 16) | <u64>full[k];
  return IpAddress.v6(hi, lo);
}
