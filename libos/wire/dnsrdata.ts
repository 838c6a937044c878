// DNS record data (RDATA) per type.
//
// RDATA is kept in canonical form: uncompressed, exactly as a zone file
// would encode it. Reading decompresses the names inside the types whose
// RDATA may hold compressed names (RFC 1035's NS, CNAME, SOA, PTR, MX; SRV
// targets too, which RFC 2782 forbids compressing but a reader may meet)
// and checks the fixed layouts; every other type, unknown ones included,
// is carried as opaque bytes (RFC 3597 §4). Writing compresses only the
// RFC 1035 types (RFC 3597 §4: never a type the reader might not know).
import { WireError } from "./error";
import { DnsName, NAME_MAX, escapeByte, nameToText, wireNameLength } from "./dnsname";
import { DnsWriter } from "./dnswriter";

export enum DnsType {
  A = 1,
  NS = 2,
  CNAME = 5,
  SOA = 6,
  PTR = 12,
  HINFO = 13,
  MX = 15,
  TXT = 16,
  AAAA = 28,
  SRV = 33,
  DNAME = 39,
  OPT = 41,
  DS = 43,
  RRSIG = 46,
  NSEC = 47,
  DNSKEY = 48,
  TSIG = 250,
  IXFR = 251,
  AXFR = 252,
  MAILB = 253,
  MAILA = 254,
  ANY = 255,
  CAA = 257,
}

export const CLASS_IN: u16 = 1;
export const CLASS_ANY: u16 = 255;

/** The mnemonic of a type, or TYPEnnn (RFC 3597 §5). */
export function typeName(t: u16): string {
  switch (<i32>t) {
    case DnsType.A: return "A";
    case DnsType.NS: return "NS";
    case DnsType.CNAME: return "CNAME";
    case DnsType.SOA: return "SOA";
    case DnsType.PTR: return "PTR";
    case DnsType.HINFO: return "HINFO";
    case DnsType.MX: return "MX";
    case DnsType.TXT: return "TXT";
    case DnsType.AAAA: return "AAAA";
    case DnsType.SRV: return "SRV";
    case DnsType.DNAME: return "DNAME";
    case DnsType.OPT: return "OPT";
    case DnsType.DS: return "DS";
    case DnsType.ANY: return "ANY";
    case DnsType.AXFR: return "AXFR";
    case DnsType.IXFR: return "IXFR";
    case DnsType.CAA: return "CAA";
  }
  return "TYPE" + t.toString();
}

/** Types whose RDATA holds names that may arrive compressed. */
function nameLayout(t: u16): i32 {
  // Bytes before the first name; -1 for none. SOA has two names first.
  switch (<i32>t) {
    case DnsType.NS: case DnsType.CNAME: case DnsType.PTR: case DnsType.DNAME: case DnsType.SOA: return 0;
    case DnsType.MX: return 2;
    case DnsType.SRV: return 6;
  }
  return -1;
}

/** Decompress and check the RDATA of a `type` record: `len` bytes at `at`
 * of `msg`, written in canonical form to `out` (room for len + 510 bytes
 * is always enough). Its canonical length, or -1 with `scratch.error` set. */
export function readRdata(msg: Uint8Array, at: i32, len: i32, type: u16, scratch: DnsName, out: Uint8Array): i32 {
  const end = at + len;
  if (end > msg.byteLength) return fail(scratch, WireError.Truncated);
  switch (<i32>type) {
    case DnsType.A: if (len != 4) return fail(scratch, WireError.BadLength); break;
    case DnsType.AAAA: if (len != 16) return fail(scratch, WireError.BadLength); break;
    case DnsType.TXT: if (!charStrings(msg, at, end, 1)) return fail(scratch, WireError.Malformed); break;
    case DnsType.CAA: if (!validCaa(msg, at, len)) return fail(scratch, WireError.Malformed); break;
  }
  const fixed = nameLayout(type);
  if (fixed < 0) {
    memory.copy(out.dataStart, msg.dataStart + <usize>at, <usize>len);
    return len;
  }
  // Only the message up to this record's end may be read by the names.
  const bounded = msg.subarray(0, end);
  let pos = at;
  let o = 0;
  if (fixed > 0) {
    if (len < fixed) return fail(scratch, WireError.BadLength);
    memory.copy(out.dataStart, msg.dataStart + <usize>at, <usize>fixed);
    pos += fixed;
    o = fixed;
  }
  const names = type == DnsType.SOA ? 2 : 1;
  for (let k = 0; k < names; k++) {
    const next = scratch.read(bounded, pos);
    if (next < 0) return -1;
    memory.copy(out.dataStart + <usize>o, scratch.bytes.dataStart, <usize>scratch.length);
    o += scratch.length;
    pos = next;
  }
  if (type == DnsType.SOA) {
    if (end - pos != 20) return fail(scratch, WireError.BadLength);
    memory.copy(out.dataStart + <usize>o, msg.dataStart + <usize>pos, 20);
    return o + 20;
  }
  if (pos != end) return fail(scratch, WireError.BadLength);
  return o;
}

function fail(scratch: DnsName, e: WireError): i32 {
  scratch.error = e;
  return -1;
}

/** Character strings (RFC 1035 §3.3) exactly filling [at, end), at least `least`. */
function charStrings(b: Uint8Array, at: i32, end: i32, least: i32): bool {
  let i = at;
  let count = 0;
  while (i < end) {
    i += <i32>b[i] + 1;
    count++;
  }
  return i == end && count >= least;
}

/** RFC 8659 §4.1: flags, tag length 1..255 (checked: 1..15 alphanumeric
 * in practice, but any tag is carried), tag, value. */
function validCaa(b: Uint8Array, at: i32, len: i32): bool {
  if (len < 2) return false;
  const tagLen = <i32>b[at + 1];
  return tagLen >= 1 && 2 + tagLen <= len;
}

/** Whether the `len` canonical RDATA bytes at `at` of `b` hold together
 * for `type` wherever this code reads inside them: the fixed sizes of A
 * and AAAA, the uncompressed names of NS, CNAME, PTR, DNAME, MX, SRV and
 * SOA exactly filling it, TXT's character strings, CAA's tag. Other
 * types are opaque and always valid. The zone loader checks every record
 * with this, so the writer never reads past a record. */
export function rdataValid(type: u16, b: Uint8Array, at: i32, len: i32): bool {
  const end = at + len;
  if (at < 0 || len < 0 || end > b.byteLength) return false;
  switch (<i32>type) {
    case DnsType.A: return len == 4;
    case DnsType.AAAA: return len == 16;
    case DnsType.TXT: return len > 0 && charStrings(b, at, end, 1);
    case DnsType.CAA: return validCaa(b, at, len);
    case DnsType.SOA: {
      const first = nameWithin(b, at, end);
      if (first < 0) return false;
      const second = nameWithin(b, at + first, end);
      return second >= 0 && at + first + second + 20 == end;
    }
  }
  const fixed = nameLayout(type);
  if (fixed < 0) return true;
  if (len < fixed) return false;
  return nameWithin(b, at + fixed, end) == end - at - fixed;
}

/** Length of the uncompressed name at `at` that ends before `end`, or -1. */
function nameWithin(b: Uint8Array, at: i32, end: i32): i32 {
  const n = wireNameLength(b, at);
  return n > 0 && at + n <= end ? n : -1;
}

/** Write canonical RDATA of `type` (with its RDLENGTH first), compressing
 * the names of RFC 1035 types. False, nothing written, if it does not fit. */
export function writeRdata(w: DnsWriter, type: u16, rdata: Uint8Array, at: i32, len: i32): bool {
  const start = w.mark();
  if (!w.u16(0)) return false;
  const body = w.pos;
  let ok = true;
  switch (<i32>type) {
    case DnsType.NS: case DnsType.CNAME: case DnsType.PTR:
      ok = w.name(rdata, at);
      break;
    case DnsType.MX:
      ok = w.bytes(rdata, at, 2) && w.name(rdata, at + 2);
      break;
    case DnsType.SOA: {
      const second = at + wireNameLength(rdata, at);
      const tail = second + wireNameLength(rdata, second);
      ok = w.name(rdata, at) && w.name(rdata, second) && w.bytes(rdata, tail, 20);
      break;
    }
    default:
      ok = w.bytes(rdata, at, len);
  }
  if (!ok) {
    w.rollback(start);
    return false;
  }
  w.patch16(start, <u16>(w.pos - body));
  return true;
}

/** RDATA in presentation form, as dig prints it. */
export function rdataToText(type: u16, r: Uint8Array): string {
  const len = r.byteLength;
  switch (<i32>type) {
    case DnsType.A:
      return r[0].toString() + "." + r[1].toString() + "." + r[2].toString() + "." + r[3].toString();
    case DnsType.AAAA: return ipv6ToText(r);
    case DnsType.NS: case DnsType.CNAME: case DnsType.PTR: case DnsType.DNAME:
      return nameToText(r, 0);
    case DnsType.MX: return u16At(r, 0).toString() + " " + nameToText(r, 2);
    case DnsType.SRV:
      return u16At(r, 0).toString() + " " + u16At(r, 2).toString() + " " + u16At(r, 4).toString() + " " +
        nameToText(r, 6);
    case DnsType.SOA: {
      const second = wireNameLength(r, 0);
      const tail = second + wireNameLength(r, second);
      let s = nameToText(r, 0) + " " + nameToText(r, second);
      for (let k = 0; k < 5; k++) s += " " + u32At(r, tail + 4 * k).toString();
      return s;
    }
    case DnsType.TXT: {
      let s = "";
      let i = 0;
      while (i < len) {
        const n = <i32>r[i];
        if (i > 0) s += " ";
        s += quoted(r, i + 1, n);
        i += n + 1;
      }
      return s;
    }
    case DnsType.CAA: {
      const tagLen = <i32>r[1];
      return r[0].toString() + " " + String.UTF8.decode(r.slice(2, 2 + tagLen).buffer) + " " +
        quoted(r, 2 + tagLen, len - 2 - tagLen);
    }
  }
  // RFC 3597 §5: \# LENGTH HEX
  let s = "\\# " + len.toString();
  if (len > 0) s += " ";
  for (let i = 0; i < len; i++) s += r[i].toString(16).padStart(2, "0").toUpperCase();
  return s;
}

function quoted(b: Uint8Array, at: i32, n: i32): string {
  let s = "\"";
  for (let k = 0; k < n; k++) s += escapeByte(b[at + k], true);
  return s + "\"";
}

@inline function u16At(b: Uint8Array, at: i32): u32 {
  return (<u32>b[at] << 8) | <u32>b[at + 1];
}

@inline function u32At(b: Uint8Array, at: i32): u32 {
  return (<u32>b[at] << 24) | (<u32>b[at + 1] << 16) | (<u32>b[at + 2] << 8) | <u32>b[at + 3];
}

/** RFC 5952: lower-case hex, leading zeros dropped, the longest run of
 * two or more zero groups (the first if tied) as "::". */
export function ipv6ToText(b: Uint8Array): string {
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (u16At(b, 2 * i) != 0) { i++; continue; }
    let j = i;
    while (j < 8 && u16At(b, 2 * j) == 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  let s = "";
  for (let i = 0; i < 8; i++) {
    if (i == bestAt) {
      s += "::";
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(":")) s += ":";
    s += u16At(b, 2 * i).toString(16);
  }
  return s;
}

/** The longest canonical RDATA a record of `len` wire bytes can expand to. */
export function rdataCapacity(len: i32): i32 {
  return len + 2 * NAME_MAX;
}
