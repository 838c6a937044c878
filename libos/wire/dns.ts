// DNS messages (RFC 1035 §4.1) with EDNS(0) (RFC 6891).
//
//   0       2       4         6         8         10        12
//   +-------+-------+---------+---------+---------+---------+------------
//   | id    | flags | qdcount | ancount | nscount | arcount | sections …
//   +-------+-------+---------+---------+---------+---------+------------
//   flags: QR(15) OPCODE(14-11) AA(10) TC(9) RD(8) RA(7) Z(6) AD(5) CD(4) RCODE(3-0)
//
// Two levels, as for every protocol here: `DnsHeader`, a view over the
// fixed header; `DnsMessage`, a representation holding the questions and
// records (names and RDATA uncompressed, dnsrdata.ts) and the OPT record
// apart as `Edns`. `parse` never traps and refuses what RFC 1035 and RFC
// 6891 §6.1.1 forbid (an OPT record outside the additional section, more
// than one, or with a name other than the root). `emit` writes within a
// size limit: sections are filled record by record, and what does not
// fit is left out with TC set (RFC 2181 §9), except in the additional
// section, whose records are only helpful and are dropped without TC.
// The OPT record is always kept: its room is set aside first.
import { WireError } from "./error";
import { get16, set16 } from "./field";
import { DnsName } from "./dnsname";
import { DnsType, readRdata, rdataCapacity, rdataToText, typeName, writeRdata } from "./dnsrdata";
import { DnsWriter } from "./dnswriter";

export const DNS_ID = 0;
export const DNS_FLAGS = 2;
export const DNS_QDCOUNT = 4;
export const DNS_ANCOUNT = 6;
export const DNS_NSCOUNT = 8;
export const DNS_ARCOUNT = 10;
export const DNS_HEADER_LEN = 12;
/** Without EDNS, a UDP message is at most 512 bytes (RFC 1035 §4.2.1). */
export const DNS_UDP_MIN = 512;
/** The size DNS Flag Day 2020 recommends for EDNS over UDP. */
export const DNS_EDNS_DEFAULT: u16 = 1232;
/** An OPT record with no options: root name, type, class, TTL, RDLENGTH. */
export const OPT_RECORD_LEN = 11;

export const FLAG_QR: u16 = 0x8000;
export const FLAG_AA: u16 = 0x0400;
export const FLAG_TC: u16 = 0x0200;
export const FLAG_RD: u16 = 0x0100;
export const FLAG_RA: u16 = 0x0080;
export const FLAG_AD: u16 = 0x0020;
export const FLAG_CD: u16 = 0x0010;

export enum Opcode { Query = 0, IQuery = 1, Status = 2, Notify = 4, Update = 5 }

export enum Rcode {
  NoError = 0, FormErr = 1, ServFail = 2, NXDomain = 3, NotImp = 4, Refused = 5,
  /** A name synthesised from a DNAME would be too long (RFC 6672 §2.2). */
  YXDomain = 6,
  /** Extended (RFC 6891 §9): needs the OPT record's upper 8 bits. */
  BadVers = 16,
}

/** A view over a message's fixed header; check() before any accessor. */
export class DnsHeader {
  /** `bytes` may be pointed at another message, so one view serves many. */
  constructor(public bytes: Uint8Array) {}

  check(): WireError {
    return this.bytes.byteLength < DNS_HEADER_LEN ? WireError.Truncated : WireError.Ok;
  }

  get id(): u16 { return get16(this.bytes, DNS_ID); }
  set id(v: u16) { set16(this.bytes, DNS_ID, v); }
  get flags(): u16 { return get16(this.bytes, DNS_FLAGS); }
  set flags(v: u16) { set16(this.bytes, DNS_FLAGS, v); }
  get isResponse(): bool { return (this.flags & FLAG_QR) != 0; }
  get opcode(): u8 { return <u8>((this.flags >> 11) & 0xf); }
  get rcode(): u8 { return <u8>(this.flags & 0xf); }
  get qdcount(): u16 { return get16(this.bytes, DNS_QDCOUNT); }
  set qdcount(v: u16) { set16(this.bytes, DNS_QDCOUNT, v); }
  get ancount(): u16 { return get16(this.bytes, DNS_ANCOUNT); }
  set ancount(v: u16) { set16(this.bytes, DNS_ANCOUNT, v); }
  get nscount(): u16 { return get16(this.bytes, DNS_NSCOUNT); }
  set nscount(v: u16) { set16(this.bytes, DNS_NSCOUNT, v); }
  get arcount(): u16 { return get16(this.bytes, DNS_ARCOUNT); }
  set arcount(v: u16) { set16(this.bytes, DNS_ARCOUNT, v); }
}

export class DnsQuestion {
  readonly name: DnsName = new DnsName();
  type: u16 = 0;
  klass: u16 = 1;

  toString(): string {
    return this.name.toString() + " " + classText(this.klass) + " " + typeName(this.type);
  }
}

export class DnsRecord {
  readonly name: DnsName = new DnsName();
  type: u16 = 0;
  klass: u16 = 1;
  ttl: u32 = 0;
  /** Canonical (uncompressed) RDATA. */
  rdata: Uint8Array = new Uint8Array(0);

  /** "name TTL class type rdata", as dig prints it (tabs as spaces). */
  toString(): string {
    return this.name.toString() + " " + this.ttl.toString() + " " + classText(this.klass) + " " +
      typeName(this.type) + " " + rdataToText(this.type, this.rdata);
  }
}

/** The OPT pseudo-record (RFC 6891 §6.1.2, §6.1.3). */
export class Edns {
  /** The requestor's UDP payload size; values under 512 mean 512. */
  udpSize: u16 = DNS_EDNS_DEFAULT;
  /** The upper 8 bits of the 12-bit RCODE. */
  extendedRcode: u8 = 0;
  version: u8 = 0;
  /** DNSSEC OK (RFC 3225). */
  dnssecOk: bool = false;
  /** The options, as they are on the wire (code, length, data)*. */
  options: Uint8Array = new Uint8Array(0);

  get wireLen(): i32 { return OPT_RECORD_LEN + this.options.byteLength; }
}

export class DnsMessage {
  id: u16 = 0;
  /** QR, opcode, AA, TC, RD, RA, AD, CD and the low 4 bits of RCODE. */
  flags: u16 = 0;
  questions: DnsQuestion[] = [];
  answers: DnsRecord[] = [];
  authorities: DnsRecord[] = [];
  additionals: DnsRecord[] = [];
  edns: Edns | null = null;

  get isResponse(): bool { return (this.flags & FLAG_QR) != 0; }
  get opcode(): u8 { return <u8>((this.flags >> 11) & 0xf); }
  get truncated(): bool { return (this.flags & FLAG_TC) != 0; }
  /** The full RCODE: 12 bits with EDNS. */
  get rcode(): u16 {
    const low = this.flags & 0xf;
    const e = this.edns;
    return e === null ? low : (<u16>e.extendedRcode << 4) | low;
  }
  set rcode(v: u16) {
    this.flags = (this.flags & 0xfff0) | (v & 0xf);
    const e = this.edns;
    if (e !== null) e.extendedRcode = <u8>(v >> 4);
  }

  /** Fill from a whole message, or return why not (leaving this unchanged).
   * Bytes after the last record are ignored. */
  parse(bytes: Uint8Array): WireError {
    const h = new DnsHeader(bytes);
    let e = h.check();
    if (e != WireError.Ok) return e;
    const scratch = new DnsName();
    const questions: DnsQuestion[] = [];
    let pos = DNS_HEADER_LEN;
    const qd = <i32>h.qdcount;
    for (let i = 0; i < qd; i++) {
      const q = new DnsQuestion();
      pos = q.name.read(bytes, pos);
      if (pos < 0) return q.name.error;
      if (pos + 4 > bytes.byteLength) return WireError.Truncated;
      q.type = get16(bytes, pos);
      q.klass = get16(bytes, pos + 2);
      pos += 4;
      questions.push(q);
    }
    const sections: DnsRecord[][] = [[], [], []];
    const counts: i32[] = [<i32>h.ancount, <i32>h.nscount, <i32>h.arcount];
    let edns: Edns | null = null;
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s]; i++) {
        const r = new DnsRecord();
        pos = r.name.read(bytes, pos);
        if (pos < 0) return r.name.error;
        if (pos + 10 > bytes.byteLength) return WireError.Truncated;
        r.type = get16(bytes, pos);
        r.klass = get16(bytes, pos + 2);
        r.ttl = (<u32>get16(bytes, pos + 4) << 16) | <u32>get16(bytes, pos + 6);
        const rdlen = <i32>get16(bytes, pos + 8);
        pos += 10;
        if (pos + rdlen > bytes.byteLength) return WireError.Truncated;
        if (r.type == DnsType.OPT) {
          // RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root.
          if (s != 2 || edns !== null || r.name.length != 1) return WireError.Malformed;
          edns = optFrom(r, bytes.slice(pos, pos + rdlen));
          if (edns === null) return WireError.Malformed;
          pos += rdlen;
          continue;
        }
        const out = new Uint8Array(rdataCapacity(rdlen));
        const n = readRdata(bytes, pos, rdlen, r.type, scratch, out);
        if (n < 0) return scratch.error;
        r.rdata = out.slice(0, n);
        pos += rdlen;
        sections[s].push(r);
      }
    }
    this.id = h.id;
    this.flags = h.flags;
    this.questions = questions;
    this.answers = sections[0];
    this.authorities = sections[1];
    this.additionals = sections[2];
    this.edns = edns;
    return WireError.Ok;
  }

  /** Write the message into `buf`, at most `limit` bytes; its length.
   * Sets TC when an answer or authority record had to be left out. Aborts
   * only if even the header, questions and OPT record do not fit. */
  emit(buf: Uint8Array, limit: i32, w: DnsWriter = new DnsWriter()): i32 {
    w.reset(buf, limit);
    const e = this.edns;
    const reserve = e === null ? 0 : e.wireLen;
    w.limit -= reserve;
    let flags = this.flags;
    if (!(w.u16(this.id) && w.u16(flags) && w.u16(<u16>this.questions.length) &&
      w.u16(0) && w.u16(0) && w.u16(0))) throw new Error("dns: buffer too short to emit");
    for (let i = 0; i < this.questions.length; i++) {
      const q = this.questions[i];
      if (!(w.name(q.name.bytes, 0) && w.u16(q.type) && w.u16(q.klass))) {
        throw new Error("dns: buffer too short to emit");
      }
    }
    const an = writeSection(w, this.answers);
    let ns = 0;
    let ar = 0;
    if (an < this.answers.length) flags |= FLAG_TC;
    else {
      ns = writeSection(w, this.authorities);
      if (ns < this.authorities.length) flags |= FLAG_TC;
      else ar = writeSection(w, this.additionals);
    }
    w.limit += reserve;
    if (e !== null) {
      writeOpt(w, e, this.rcode);
      ar++;
    }
    w.patch16(DNS_FLAGS, flags);
    w.patch16(DNS_ANCOUNT, <u16>an);
    w.patch16(DNS_NSCOUNT, <u16>ns);
    w.patch16(DNS_ARCOUNT, <u16>ar);
    return w.pos;
  }

  toString(): string {
    let s = "id=" + this.id.toString() + " flags=0x" + this.flags.toString(16).padStart(4, "0") +
      " rcode=" + this.rcode.toString();
    const e = this.edns;
    if (e !== null) s += " edns udp=" + e.udpSize.toString() + " v=" + e.version.toString() +
      (e.dnssecOk ? " do" : "") + " options=" + e.options.byteLength.toString();
    for (let i = 0; i < this.questions.length; i++) s += "\nQ " + this.questions[i].toString();
    s += records("AN", this.answers) + records("NS", this.authorities) + records("AR", this.additionals);
    return s;
  }
}

/** Records written until one does not fit; how many. The RRset of the
 * one that did not fit (the records before it with the same name, type
 * and class) is taken back too: a resolver must not cache part of an
 * RRset as if it were all of it (RFC 2181 §5, §9). */
function writeSection(w: DnsWriter, rs: DnsRecord[]): i32 {
  let setStart = 0;
  let setMark = w.mark();
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i];
    const at = w.mark();
    if (i > 0 && !sameSet(rs[i - 1], r)) {
      setStart = i;
      setMark = at;
    }
    if (!(w.name(r.name.bytes, 0) && w.u16(r.type) && w.u16(r.klass) && w.u32(r.ttl) &&
      writeRdata(w, r.type, r.rdata, 0, r.rdata.byteLength))) {
      w.rollback(setMark);
      return setStart;
    }
  }
  return rs.length;
}

function sameSet(a: DnsRecord, b: DnsRecord): bool {
  return a.type == b.type && a.klass == b.klass && a.name.equals(b.name);
}

/** The OPT record for `e` carrying the upper bits of `rcode`. */
export function writeOpt(w: DnsWriter, e: Edns, rcode: u16): void {
  w.u8(0);
  w.u16(<u16>DnsType.OPT);
  w.u16(e.udpSize);
  w.u8(<u8>(rcode >> 4));
  w.u8(e.version);
  w.u16(e.dnssecOk ? 0x8000 : 0);
  w.u16(<u16>e.options.byteLength);
  w.bytes(e.options, 0, e.options.byteLength);
}

function optFrom(r: DnsRecord, rdata: Uint8Array): Edns | null {
  // Options are (code, length, data); they must fill RDATA exactly.
  let i = 0;
  while (i + 4 <= rdata.byteLength) i += 4 + <i32>get16(rdata, i + 2);
  if (i != rdata.byteLength) return null;
  const e = new Edns();
  e.udpSize = r.klass;
  e.extendedRcode = <u8>(r.ttl >> 24);
  e.version = <u8>(r.ttl >> 16);
  e.dnssecOk = (r.ttl & 0x8000) != 0;
  e.options = rdata;
  return e;
}

function records(tag: string, rs: DnsRecord[]): string {
  let s = "";
  for (let i = 0; i < rs.length; i++) s += "\n" + tag + " " + rs[i].toString();
  return s;
}

export function classText(c: u16): string {
  if (c == 1) return "IN";
  if (c == 3) return "CH";
  if (c == 255) return "ANY";
  return "CLASS" + c.toString();
}
