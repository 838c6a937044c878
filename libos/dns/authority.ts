// The authoritative answer to one query, from the compiled zones; no I/O.
//
// RFC 1034 §4.3.2's algorithm for an authoritative-only server: find the
// deepest zone holding the name (none: REFUSED), walk down from its apex
// (a delegation on the way: a referral, AA clear, NS in authority and glue
// in additional, RFC 9471), then at the name: the RRset asked for, or a
// CNAME followed within the zone (at most 8 links, RFC 6604 for the
// RCODE of a chain), or NODATA / NXDOMAIN with the SOA in authority, its
// TTL capped by the SOA minimum (RFC 2308 §3). ANY gets one RRset (RFC
// 8482). Positive answers carry no authority section and only the
// addresses of NS, MX and SRV targets in additional: answers are never
// larger than needed. RA is never set; RD and CD are copied (RFC 1035
// §4.1.1, RFC 6840 §5.9).
//
// Malformed queries (a question that does not parse, QDCOUNT other than
// 1, records that run past the message, OPT twice or outside the
// additional section) get FORMERR; opcodes other than QUERY get NOTIMP;
// responses (QR set) and messages shorter than a header get nothing, so
// the server can never be made to answer an answer. EDNS (RFC 6891): an
// OPT in the query gets ours back; version above 0 gets BADVERS; the UDP
// limit is the smaller of the client's size and ours, never under 512.
// What does not fit is left out by whole RRsets, with TC set.
import {
  DnsName, DnsWriter, writeRdata, wireNameLength, DnsType, CLASS_IN,
  DNS_HEADER_LEN, DNS_UDP_MIN, FLAG_QR, FLAG_AA, FLAG_TC, FLAG_RD, FLAG_CD, Rcode,
} from "../wire/index";
import { FLAG_CUT, FLAG_EMPTY, FLAG_GLUE, ZoneTable } from "./zone";

const MAX_CHAIN = 8;
const TCP_LIMIT = 65535;

export class AuthorityCounters {
  queries: u64 = 0;
  answers: u64 = 0;
  nxdomain: u64 = 0;
  nodata: u64 = 0;
  referrals: u64 = 0;
  refused: u64 = 0;
  formerr: u64 = 0;
  notimp: u64 = 0;
  truncated: u64 = 0;
  /** Responses or runts: nothing sent. */
  dropped: u64 = 0;

  toString(): string {
    return "queries=" + this.queries.toString() + " answers=" + this.answers.toString() +
      " nxdomain=" + this.nxdomain.toString() + " nodata=" + this.nodata.toString() +
      " referrals=" + this.referrals.toString() + " refused=" + this.refused.toString() +
      " formerr=" + this.formerr.toString() + " notimp=" + this.notimp.toString() +
      " truncated=" + this.truncated.toString() + " dropped=" + this.dropped.toString();
  }
}

export class Authority {
  readonly counters: AuthorityCounters = new AuthorityCounters();
  private readonly w: DnsWriter = new DnsWriter();
  private readonly qname: DnsName = new DnsName();
  private readonly scratch: DnsName = new DnsName();
  private readonly labels: StaticArray<i32> = new StaticArray<i32>(128);
  private an: i32 = 0;
  private ns: i32 = 0;
  private ar: i32 = 0;
  private flags: u16 = 0;
  private rcode: i32 = 0;
  private full: bool = false;

  /** `maxUdp`: the largest UDP answer we send (EDNS clients may ask less). */
  constructor(readonly table: ZoneTable, readonly maxUdp: i32 = 1232) {}

  /** Answer the `len`-byte query at the start of `q` into `out` (room for
   * 65535 bytes over TCP, `maxUdp` over UDP); the answer's length, or 0
   * when nothing must be sent. */
  answer(q: Uint8Array, len: i32, out: Uint8Array, tcp: bool): i32 {
    const c = this.counters;
    c.queries++;
    if (len < DNS_HEADER_LEN || (get16(q, 2) & FLAG_QR) != 0) {
      c.dropped++;
      return 0;
    }
    const query = q.byteLength == len ? q : q.subarray(0, len);
    const qflags = get16(query, 2);
    const opcode = (qflags >> 11) & 0xf;
    this.flags = FLAG_QR | (qflags & (0x7800 | FLAG_RD | FLAG_CD));
    this.an = 0; this.ns = 0; this.ar = 0; this.rcode = 0; this.full = false;
    const w = this.w;
    // The question, if there is exactly one that parses.
    let end = -1;
    if (get16(query, 4) == 1) {
      end = this.qname.read(query, DNS_HEADER_LEN);
      if (end >= 0 && end + 4 > len) end = -1;
    }
    // EDNS: find the OPT record behind the question (and check the rest).
    let edns = 0; // 0 none, 1 ok, 2 bad version
    let udpSize = DNS_UDP_MIN;
    let malformed = end < 0;
    if (!malformed) {
      const r = this.scanRecords(query, end + 4);
      if (r < 0) malformed = true;
      else if (r > 0) {
        edns = ((r >> 16) & 0xff) == 0 ? 1 : 2;
        udpSize = max(DNS_UDP_MIN, min(r & 0xffff, this.maxUdp));
      }
    }
    const limit = tcp ? min(TCP_LIMIT, out.byteLength) : min(edns != 0 ? udpSize : DNS_UDP_MIN, out.byteLength);
    w.reset(out, limit - (edns != 0 ? 11 : 0));
    w.u16(get16(query, 0));
    w.u16(0); w.u16(0); w.u16(0); w.u16(0); w.u16(0);
    const qtype = end >= 0 ? get16(query, end) : 0;
    const qclass = end >= 0 ? get16(query, end + 2) : 0;
    if (end >= 0) {
      // The question goes back as asked, case included (RFC 1035 §7.3, RFC 4343).
      w.name(this.qname.bytes, 0);
      w.u16(qtype);
      w.u16(qclass);
    }
    if (opcode != 0) return this.finish(Rcode.NotImp, end, edns, c);
    if (malformed) return this.finish(Rcode.FormErr, end, 0, c);
    if (edns == 2) return this.finish(Rcode.BadVers, end, edns, c);
    if (qclass != CLASS_IN || qtype == <u16>DnsType.AXFR || qtype == <u16>DnsType.IXFR) {
      return this.finish(Rcode.Refused, end, edns, c);
    }
    if (qtype == <u16>DnsType.OPT || (qtype >= 128 && qtype < 255)) return this.finish(Rcode.NotImp, end, edns, c);
    this.lookup(qtype);
    return this.finish(this.rcode, end, edns, c);
  }

  // ---- query parsing
  /** Check the answer, authority and additional records after the
   * question: -1 malformed, 0 no OPT, else 1 | udpSize | version << 16 … */
  private scanRecords(q: Uint8Array, at: i32): i32 {
    const total = <i32>get16(q, 6) + <i32>get16(q, 8);
    const ar = <i32>get16(q, 10);
    let pos = at;
    let opt = 0;
    const len = q.byteLength;
    for (let i = 0; i < total + ar; i++) {
      const nameAt = pos;
      pos = this.scratch.read(q, pos);
      if (pos < 0 || pos + 10 > len) return -1;
      const type = get16(q, pos);
      const rdlen = <i32>get16(q, pos + 8);
      if (pos + 10 + rdlen > len) return -1;
      if (type == <u16>DnsType.OPT) {
        // RFC 6891 §6.1.1: one, in the additional section, owned by the root.
        if (i < total || opt != 0 || load<u8>(q.dataStart + <usize>nameAt) != 0) return -1;
        const version = <i32>load<u8>(q.dataStart + <usize>(pos + 5));
        opt = 0x40000000 | (version << 16) | <i32>get16(q, pos + 2);
        // Options must fill the RDATA exactly.
        let o = pos + 10;
        const oend = o + rdlen;
        while (o + 4 <= oend) o += 4 + <i32>get16(q, o + 2);
        if (o != oend) return -1;
      }
      pos += 10 + rdlen;
    }
    return opt;
  }

  private finish(rcode: i32, questionEnd: i32, edns: i32, c: AuthorityCounters): i32 {
    const w = this.w;
    w.limit += edns != 0 ? 11 : 0;
    let flags = this.flags | <u16>(rcode & 0xf);
    if (this.full) { flags |= FLAG_TC; c.truncated++; }
    if (edns != 0) {
      // Our OPT: our UDP size, the upper RCODE bits, version 0, no options.
      w.u8(0); w.u16(<u16>DnsType.OPT); w.u16(<u16>this.maxUdp);
      w.u8(<u8>(rcode >> 4)); w.u8(0); w.u16(0); w.u16(0);
      this.ar++;
    }
    w.patch16(2, flags);
    w.patch16(4, questionEnd >= 0 ? 1 : 0);
    w.patch16(6, <u16>this.an);
    w.patch16(8, <u16>this.ns);
    w.patch16(10, <u16>this.ar);
    switch (rcode) {
      case Rcode.FormErr: c.formerr++; break;
      case Rcode.NotImp: c.notimp++; break;
      case Rcode.Refused: c.refused++; break;
      case Rcode.NXDomain: c.nxdomain++; break;
      default: c.answers++;
    }
    return w.pos;
  }

  // ---- lookup
  private lookup(qtype: u16): void {
    const t = this.table;
    const name = this.qname;
    const qlen = name.length;
    // Label starts: labels[k] is where the k-th suffix begins.
    let count = 0;
    for (let i = 0; ; i += <i32>name.bytes[i] + 1) {
      this.labels[count++] = i;
      if (name.bytes[i] == 0) break;
    }
    // The deepest zone that holds the name.
    let zk = -1;
    let apex = -1;
    for (let k = 0; k < count; k++) {
      apex = t.findApex(name.bytes, this.labels[k], qlen - this.labels[k]);
      if (apex >= 0) { zk = k; break; }
    }
    if (apex < 0) {
      this.rcode = Rcode.Refused;
      return;
    }
    this.flags |= FLAG_AA;
    const zone = t.zone(apex);
    // Down from the apex: a missing name means the query's cannot exist
    // (the compiler made every empty non-terminal a node); a cut, a referral.
    let node = apex;
    for (let k = zk - 1; k >= 0; k--) {
      node = t.find(name.bytes, this.labels[k], qlen - this.labels[k], zone);
      if (node < 0) {
        this.negative(apex, Rcode.NXDomain);
        return;
      }
      if ((t.flags(node) & FLAG_CUT) != 0 && !(k == 0 && qtype == <u16>DnsType.DS)) {
        this.referral(node, zone);
        return;
      }
    }
    this.atNode(node, apex, zone, qtype);
  }

  private atNode(node: i32, apex: i32, zone: i32, qtype: u16): void {
    const t = this.table;
    let ownerBuf = this.qname.bytes;
    let ownerAt = 0;
    for (let hop = 0; hop <= MAX_CHAIN; hop++) {
      if (qtype == <u16>DnsType.ANY) {
        // RFC 8482 §4.2: one RRset stands for them all.
        if (t.setCount(node) == 0) { this.negative(apex, Rcode.NoError); return; }
        this.section(ownerBuf, ownerAt, t.rrsetAt(node, 0), 0);
        return;
      }
      const set = t.rrset(node, qtype);
      if (set >= 0) {
        if (this.section(ownerBuf, ownerAt, set, 0)) this.additional(set, zone);
        return;
      }
      const cname = t.rrset(node, <u16>DnsType.CNAME);
      if (cname < 0 || (t.flags(node) & FLAG_EMPTY) != 0) {
        this.negative(apex, Rcode.NoError);
        return;
      }
      if (!this.section(ownerBuf, ownerAt, cname, 0)) return;
      // Follow the CNAME if its target is in this zone, above any cut.
      const target = t.setData(cname) + 2;
      const tlen = wireNameLength(t.data, target);
      const next = t.find(t.data, target, tlen, zone);
      if (next < 0) {
        if (this.inZone(t.data, target, tlen, apex)) this.negative(apex, Rcode.NXDomain);
        return; // outside: the resolver goes on from there
      }
      if ((t.flags(next) & FLAG_CUT) != 0 || (t.flags(next) & FLAG_GLUE) != 0) return;
      node = next;
      ownerBuf = t.data;
      ownerAt = t.nameAt(node);
    }
  }

  /** Whether the name at `at` of `b` is within the zone whose apex is `apex`. */
  private inZone(b: Uint8Array, at: i32, len: i32, apex: i32): bool {
    const t = this.table;
    const alen = t.nameLen(apex);
    if (len < alen) return false;
    let i = at;
    while (i - at < len - alen) i += <i32>b[i] + 1;
    if (i - at != len - alen) return false;
    for (let k = 0; k < alen; k++) {
      const x = b[i + k];
      const y = t.data[t.nameAt(apex) + k];
      if ((x - 65 < 26 ? x | 0x20 : x) != (y - 65 < 26 ? y | 0x20 : y)) return false;
    }
    return true;
  }

  /** NODATA or NXDOMAIN: the zone's SOA in authority, TTL capped by its minimum. */
  private negative(apex: i32, rcode: i32): void {
    const t = this.table;
    this.rcode = rcode;
    if (rcode == Rcode.NoError) this.counters.nodata++;
    const soa = t.rrset(apex, <u16>DnsType.SOA);
    if (soa < 0) return;
    const at = t.setData(soa);
    const rd = at + 2 + t.recordLen(at);
    const minimum = (<u32>t.data[rd - 4] << 24) | (<u32>t.data[rd - 3] << 16) | (<u32>t.data[rd - 2] << 8) | <u32>t.data[rd - 1];
    const ttl = min(t.setTtl(soa), minimum);
    this.writeSet(t.data, t.nameAt(apex), soa, ttl, 1);
  }

  private referral(cut: i32, zone: i32): void {
    const t = this.table;
    this.flags &= ~FLAG_AA;
    this.counters.referrals++;
    const ns = t.rrset(cut, <u16>DnsType.NS);
    if (!this.writeSet(t.data, t.nameAt(cut), ns, t.setTtl(ns), 1)) {
      this.full = true;
      return;
    }
    // Glue is needed to follow the referral: missing glue sets TC (RFC 9471 §3).
    if (!this.additional(ns, zone)) this.full = true;
  }

  /** Write an RRset into answer (0), authority (1); false and TC if it did not fit. */
  private section(buf: Uint8Array, at: i32, set: i32, which: i32): bool {
    if (this.writeSet(buf, at, set, this.table.setTtl(set), which)) return true;
    this.full = true;
    return false;
  }

  /** Addresses of the NS, MX or SRV targets of `set` in additional; false
   * if some did not fit (they are left out). */
  private additional(set: i32, zone: i32): bool {
    const t = this.table;
    const type = t.setType(set);
    let skip = -1;
    if (type == <u16>DnsType.NS) skip = 0;
    else if (type == <u16>DnsType.MX) skip = 2;
    else if (type == <u16>DnsType.SRV) skip = 6;
    if (skip < 0) return true;
    let at = t.setData(set);
    const n = t.setSize(set);
    for (let k = 0; k < n; k++) {
      const target = at + 2 + skip;
      const node = t.find(t.data, target, wireNameLength(t.data, target), zone);
      if (node >= 0) {
        const a = t.rrset(node, <u16>DnsType.A);
        const aaaa = t.rrset(node, <u16>DnsType.AAAA);
        if (a >= 0 && !this.writeSet(t.data, t.nameAt(node), a, t.setTtl(a), 2)) return false;
        if (aaaa >= 0 && !this.writeSet(t.data, t.nameAt(node), aaaa, t.setTtl(aaaa), 2)) return false;
      }
      at = t.nextRecord(at);
    }
    return true;
  }

  /** All records of `set`, owner at `ownerAt` of `owner`, or none of them. */
  private writeSet(owner: Uint8Array, ownerAt: i32, set: i32, ttl: u32, which: i32): bool {
    const t = this.table;
    const w = this.w;
    if (this.full) return false;
    const mark = w.mark();
    const type = t.setType(set);
    const n = t.setSize(set);
    let at = t.setData(set);
    for (let k = 0; k < n; k++) {
      if (!(w.name(owner, ownerAt) && w.u16(type) && w.u16(CLASS_IN) && w.u32(ttl) &&
        writeRdata(w, type, t.data, at + 2, t.recordLen(at)))) {
        w.rollback(mark);
        return false;
      }
      at = t.nextRecord(at);
    }
    if (which == 0) this.an += n;
    else if (which == 1) this.ns += n;
    else this.ar += n;
    return true;
  }
}

@inline function get16(b: Uint8Array, at: i32): u16 {
  return bswap<u16>(load<u16>(b.dataStart + <usize>at));
}
