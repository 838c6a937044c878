/**
 * The field forms that several record types share in their presentation
 * formats (hex, base64, NSEC-style type lists, RFC 4034 times, algorithm
 * mnemonics), for zone-types.ts and its companions. Each mistake is a
 * ZoneError at the token.
 */
import { ZoneError } from "./zone-error.ts";

export interface Token { text: string; quoted: boolean; line: number; column: number }

export interface Helpers {
  name(t: Token): Uint8Array;
  number(t: Token, max: number): number;
  charString(t: Token): Uint8Array;
  unescape(t: Token): number[];
  ipv4(t: Token): Uint8Array;
  ipv6(t: Token): Uint8Array;
  typeNumber(t: Token): number | null;
}

/** RFC 8624's algorithm mnemonics, which NSD takes beside numbers. */
export const ALGORITHMS: Record<string, number> = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, "DSA-NSEC3-SHA1": 6, "RSASHA1-NSEC3-SHA1": 7, RSASHA256: 8, RSASHA512: 10,
  "ECC-GOST": 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16, INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};

export const be = (v: number, n: number) => Array.from({ length: n }, (_, i) => Math.floor(v / 2 ** (8 * (n - 1 - i))) & 0xff);
export const bytes = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

export function hex(f: Token[], at: Token): Uint8Array {
  const s = f.map((t) => t.text).join("");
  if (!/^([0-9a-fA-F]{2})+$/.test(s)) throw new ZoneError(`'${s}' is not hex digits in pairs`, f[0]?.line ?? at.line, f[0]?.column ?? at.column);
  return Uint8Array.from(Buffer.from(s, "hex"));
}

/** An NSEC3 salt: hex, or "-" for none; with its length byte. */
export function salt(t: Token): number[] {
  if (t.text === "-") return [0];
  const b = hex([t], t);
  if (b.length > 255) throw new ZoneError("a salt is at most 255 bytes", t.line, t.column);
  return [b.length, ...b];
}

/** RFC 4648 §7 base32hex without padding, as NSEC3 writes hashed names. */
export function base32hex(t: Token): number[] {
  const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
  const s = t.text.toUpperCase();
  let bits = 0, value = 0;
  const out: number[] = [];
  for (const c of s) {
    const v = digits.indexOf(c);
    if (v < 0) throw new ZoneError(`'${t.text}' is not base32hex`, t.line, t.column);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) { bits -= 8; out.push((value >> bits) & 0xff); }
  }
  if (out.length === 0 || out.length > 255) throw new ZoneError(`'${t.text}' is not a hashed owner name`, t.line, t.column);
  return out;
}

/** RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC, or seconds since 1970. */
export function sigTime(t: Token): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(t.text);
  if (m) return (Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000) % 2 ** 32;
  if (/^\d{1,10}$/.test(t.text) && Number(t.text) <= 0xffffffff) return Number(t.text);
  throw new ZoneError(`'${t.text}' is not a time (YYYYMMDDHHmmSS, or seconds)`, t.line, t.column);
}

export function base64(f: Token[], at: Token): Uint8Array {
  const s = f.map((t) => t.text).join("");
  const b = Buffer.from(s, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0 || b.toString("base64") !== s) {
    throw new ZoneError(`'${s.length > 40 ? s.slice(0, 40) + "…" : s}' is not base64`, f[0]?.line ?? at.line, f[0]?.column ?? at.column);
  }
  return Uint8Array.from(b);
}

/** Mnemonics a type list may name though no record of them is read here
 * (IANA's registry, the ones NSD knows). */
export const OTHER_TYPES: Record<string, number> = {
  MD: 3, MF: 4, MB: 7, MG: 8, MR: 9, NULL: 10, WKS: 11, MINFO: 14, AFSDB: 18, X25: 19, ISDN: 20, RT: 21, NSAP: 22,
  SIG: 24, KEY: 25, PX: 26, GPOS: 27, NXT: 30, KX: 36, CERT: 37, A6: 38, APL: 42, IPSECKEY: 45, RRSIG: 46, DHCID: 49,
  NSEC3: 50, NSEC3PARAM: 51, SMIMEA: 53, HIP: 55, CSYNC: 62, ZONEMD: 63, NID: 104, L32: 105, L64: 106, LP: 107,
  EUI48: 108, EUI64: 109, TA: 32768, DLV: 32769,
};

/** RFC 4034 §4.1.2: per window of 256 types, its number, the bitmap's
 * length and the bitmap, trailing zero bytes left out. */
export function typeBitmap(f: Token[], h: Helpers): number[] {
  const types = new Set<number>();
  for (const t of f) {
    const n = h.typeNumber(t) ?? OTHER_TYPES[t.text.toUpperCase()] ?? null;
    if (n === null) throw new ZoneError(`unknown type '${t.text}' in the type list`, t.line, t.column);
    types.add(n);
  }
  const out: number[] = [];
  for (let w = 0; w < 256; w++) {
    const bits = new Array(32).fill(0);
    for (const t of types) if (t >> 8 === w) bits[(t & 0xff) >> 3] |= 0x80 >> (t & 7);
    let len = 32;
    while (len > 0 && bits[len - 1] === 0) len--;
    if (len) out.push(w, len, ...bits.slice(0, len));
  }
  return out;
}


/** Refuse a record with fewer than `min` or more than `max` fields, saying what the type takes. */
export function fieldCount(f: Token[], at: Token, min: number, max: number, what: string): void {
  if (f.length < min || f.length > max) throw new ZoneError(`${what} (${f.length} field${f.length === 1 ? "" : "s"} given)`, at.line, at.column);
}
