/**
 * Frames built and read in JavaScript, from the RFCs (independently of
 * libos/wire, so that tests of the one check the other): Ethernet, ARP,
 * IPv4, ICMP echo and UDP, addresses as text ("10.0.0.1",
 * "02:00:00:00:00:01").
 */
export function ip(text: string): number {
  return text.split(".").reduce((a, o) => a * 256 + Number(o), 0);
}
export function ipText(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join(".");
}
export function macBytes(text: string): number[] {
  return text.split(":").map((h) => parseInt(h, 16));
}
export function macText(b: Uint8Array, at = 0): string {
  return Array.from(b.subarray(at, at + 6), (x) => x.toString(16).padStart(2, "0")).join(":");
}
export const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
export const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const be16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
export const be32 = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** RFC 1071, the plain way: 16-bit big-endian words, carries folded. */
export function inetChecksum(...parts: ArrayLike<number>[]): number {
  const bytes = parts.flatMap((p) => Array.from(p));
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// ---- builders
export function ethernet(dst: string, src: string, type: number, payload: ArrayLike<number>): Uint8Array {
  return Uint8Array.from([...macBytes(dst), ...macBytes(src), ...u16(type), ...Array.from(payload)]);
}

export function arp(op: number, sha: string, spa: string, tha: string, tpa: string): Uint8Array {
  return Uint8Array.from([
    ...u16(1), ...u16(0x0800), 6, 4, ...u16(op),
    ...macBytes(sha), ...u32(ip(spa)), ...macBytes(tha), ...u32(ip(tpa)),
  ]);
}

export interface Ipv4Fields {
  src: string;
  dst: string;
  protocol?: number;
  ident?: number;
  ttl?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes. */
  offset?: number;
  options?: number[];
  /** Override the computed fields (to build bad packets). */
  version?: number;
  ihl?: number;
  totalLength?: number;
  checksum?: number;
}

/** An IPv4 packet (RFC 791 §3.1), its header checksum computed unless given. */
export function ipv4(f: Ipv4Fields, payload: ArrayLike<number>): Uint8Array {
  const options = f.options ?? [];
  const hl = 20 + options.length;
  const flags = (f.df ? 0x4000 : 0) | (f.mf ? 0x2000 : 0) | ((f.offset ?? 0) >> 3);
  const h = [
    ((f.version ?? 4) << 4) | (f.ihl ?? hl / 4), 0, ...u16(f.totalLength ?? hl + payload.length),
    ...u16(f.ident ?? 0x1234), ...u16(flags), f.ttl ?? 64, f.protocol ?? 17, 0, 0,
    ...u32(ip(f.src)), ...u32(ip(f.dst)), ...options,
  ];
  const sum = f.checksum ?? inetChecksum(h);
  h[10] = sum >> 8;
  h[11] = sum & 0xff;
  return Uint8Array.from([...h, ...Array.from(payload)]);
}

export function icmpEcho(type: number, ident: number, seq: number, data: ArrayLike<number>): Uint8Array {
  const m = [type, 0, 0, 0, ...u16(ident), ...u16(seq), ...Array.from(data)];
  const sum = inetChecksum(m);
  m[2] = sum >> 8;
  m[3] = sum & 0xff;
  return Uint8Array.from(m);
}

/** A UDP datagram with its checksum (or `checksum` as given). */
export function udp(src: string, dst: string, srcPort: number, dstPort: number, payload: ArrayLike<number>, checksum?: number): Uint8Array {
  const len = 8 + payload.length;
  const d = [...u16(srcPort), ...u16(dstPort), ...u16(len), 0, 0, ...Array.from(payload)];
  let sum = checksum ?? inetChecksum([...u32(ip(src)), ...u32(ip(dst)), 0, 17, ...u16(len)], d);
  if (checksum === undefined && sum === 0) sum = 0xffff;
  d[6] = sum >> 8;
  d[7] = sum & 0xff;
  return Uint8Array.from(d);
}

