// Addresses as plain integers: no allocation, compared with ==.
// A MAC address is a u64 holding 48 bits, first octet most significant; an
// IPv4 address is a u32, first octet most significant (10.0.0.1 = 0x0a000001).

export type MacAddress = u64;
export type Ipv4Address = u32;

export const MAC_BROADCAST: MacAddress = 0xffff_ffff_ffff;
export const MAC_ZERO: MacAddress = 0;
export const IPV4_ANY: Ipv4Address = 0;
export const IPV4_BROADCAST: Ipv4Address = 0xffff_ffff;

/** Group bit set: multicast or broadcast (IEEE 802, the first octet's low bit). */
export function macIsMulticast(m: MacAddress): bool {
  return ((m >> 40) & 1) != 0;
}

/** The first 6 bytes of `b`, e.g. NetDevice.mac. */
export function macFromBytes(b: Uint8Array): MacAddress {
  let m: u64 = 0;
  for (let i = 0; i < 6; i++) m = (m << 8) | <u64>b[i];
  return m;
}

export function ipv4(a: u8, b: u8, c: u8, d: u8): Ipv4Address {
  return (<u32>a << 24) | (<u32>b << 16) | (<u32>c << 8) | <u32>d;
}

/** "02:00:00:00:01:02" */
export function macToString(m: MacAddress): string {
  let s = "";
  for (let shift = 40; shift >= 0; shift -= 8) {
    const octet = <u32>((m >> shift) & 0xff);
    s += (octet < 16 ? "0" : "") + octet.toString(16) + (shift > 0 ? ":" : "");
  }
  return s;
}

/** "10.99.1.2" */
export function ipv4ToString(a: Ipv4Address): string {
  return (a >> 24).toString() + "." + ((a >> 16) & 0xff).toString() + "." +
    ((a >> 8) & 0xff).toString() + "." + (a & 0xff).toString();
}
