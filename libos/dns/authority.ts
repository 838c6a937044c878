// The authoritative answer to one query, from the compiled zones; no I/O.
//
// RFC 1034 §4.3.2's algorithm for an authoritative-only server: find the
// deepest zone holding the name (none: REFUSED; DS at a zone's apex goes
// to the parent zone when we serve it, RFC 4035 §3.1.4.1), walk down from
// its apex (a delegation on the way: a referral, AA clear, NS in authority
// and glue in additional, RFC 9471), then at the name: the RRset asked
// for, or a CNAME followed into any zone we serve (at most 16 links,
// stopped at the first repeated name; RFC 6604 for the RCODE of a chain;
// a CNAME into a delegation ends with its referral), or NODATA / NXDOMAIN
// with the SOA in authority, its TTL capped by the SOA minimum (RFC 2308
// §3). A missing name whose closest encloser has a wildcard child is
// answered from the wildcard with the name asked (RFC 4592; empty
// non-terminals are nodes, so they block it). ANY gets one RRset (RFC
// 8482). Positive answers carry no authority section and only the
// addresses of NS, MX and SRV targets in additional: answers are never
// larger than needed. RA is never set; RD and CD are copied (RFC 1035
// §4.1.1, RFC 6840 §5.9).
//
// Malformed queries (a question that does not parse, QDCOUNT other than
// 1, records that run past the message, OPT twice or outside the
// additional section) get FORMERR; NOTIFY gets REFUSED (we are no
// secondary), other opcodes but QUERY NOTIMP; class ANY is answered from
// IN, not authoritatively, other classes REFUSED; responses (QR set) and messages shorter than
// a header get nothing, so the server can never be made to answer an
// answer. EDNS (RFC 6891): an OPT in the query gets ours back, with the DO
// bit copied (RFC 3225 §3) and, for a name outside our zones, Extended
// DNS Error 20, not authoritative (RFC 8914); version above 0 gets BADVERS; the UDP limit is
// the smaller of the client's size and ours, never under 512. What does
// not fit is left out by whole RRsets, with TC set.
import {
  DnsHeader, DnsName, DnsWriter, writeRdata, wireNameLength, equalIgnoringCase, DnsType, CLASS_IN, CLASS_ANY, NAME_MAX,
  DNS_HEADER_LEN, DNS_UDP_MIN, OPT_RECORD_LEN, DNS_FLAGS, DNS_QDCOUNT, DNS_ANCOUNT, DNS_NSCOUNT, DNS_ARCOUNT,
  FLAG_QR, FLAG_AA, FLAG_TC, FLAG_RD, FLAG_CD, Opcode, Rcode, WireError,
} from "../wire/index";
import { get16 } from "../wire/field";
import { FLAG_CUT, ZoneTable } from "./zone";

/** CNAME links followed; a loop stops earlier, at the first repeat. */
const MAX_CHAIN = 16;
const TCP_LIMIT = 65535;
/** An Extended DNS Error option (RFC 8914 §2): code 15, length, info code. */
const EDE_OPTION: u16 = 15;
const EDE_LEN = 6;
/** RFC 8914 §4.21: not authoritative for the name. */
const EDE_NOT_AUTHORITATIVE: u16 = 20;
/** scanRecords' flag for the query's DO bit (RFC 3225). */
const OPT_DO = 1 << 24;

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
  private readonly header: DnsHeader = new DnsHeader(new Uint8Array(0));
  private readonly labels: StaticArray<i32> = new StaticArray<i32>(128);
  private labelCount: i32 = 0;
  private apexNode: i32 = -1;
  /** The owners whose CNAME or DNAME is in the answer (0: in the query's
   * name, 1: in the table's data, 2: in synthBuf), to stop at a loop. */
  private readonly ownerBuf: StaticArray<i32> = new StaticArray<i32>(MAX_CHAIN + 2);
  private readonly ownerAt: StaticArray<i32> = new StaticArray<i32>(MAX_CHAIN + 2);
  /** Names synthesised from DNAMEs, one 255-byte place per hop. */
  private readonly synthBuf: Uint8Array = new Uint8Array(NAME_MAX * (MAX_CHAIN + 1));
  private owners: i32 = 0;
  private an: i32 = 0;
  private ns: i32 = 0;
  private ar: i32 = 0;
  private flags: u16 = 0;
  private rcode: i32 = 0;
  private full: bool = false;
  private dnssecOk: bool = false;
  /** The question is for a name outside every zone (REFUSED, with EDE 20). */
  private notOurs: bool = false;

  /** `maxUdp`: the largest UDP answer we send (EDNS clients may ask less). */
  constructor(readonly table: ZoneTable, readonly maxUdp: i32 = 1232) {}

  /** Answer the `len`-byte query at the start of `q` into `out` (room for
   * 65535 bytes over TCP, `maxUdp` over UDP); the answer's length, or 0
   * when nothing must be sent. */
  answer(q: Uint8Array, len: i32, out: Uint8Array, tcp: bool): i32 {
    const c = this.counters;
    c.queries++;
    const query = q.byteLength == len ? q : q.subarray(0, len);
    const h = this.header;
    h.bytes = query;
    if (h.check() != WireError.Ok || h.isResponse) {
      c.dropped++;
      return 0;
    }
    const qflags = h.flags;
    const opcode = h.opcode;
    this.flags = FLAG_QR | (qflags & (0x7800 | FLAG_RD | FLAG_CD));
    this.an = 0; this.ns = 0; this.ar = 0; this.rcode = 0; this.full = false; this.notOurs = false;
    const w = this.w;
    // The question, if there is exactly one that parses.
    let end = -1;
    if (h.qdcount == 1) {
      end = this.qname.read(query, DNS_HEADER_LEN);
      if (end >= 0 && end + 4 > len) end = -1;
    }
    // EDNS: find the OPT record behind the question (and check the rest).
    let edns = 0; // 0 none, 1 ok, 2 bad version
    let udpSize = DNS_UDP_MIN;
    let malformed = end < 0;
    this.dnssecOk = false;
    if (!malformed) {
      const r = this.scanRecords(query, end + 4);
      if (r < 0) malformed = true;
      else if (r > 0) {
        edns = ((r >> 16) & 0xff) == 0 ? 1 : 2;
        udpSize = max(DNS_UDP_MIN, min(r & 0xffff, this.maxUdp));
        this.dnssecOk = (r & OPT_DO) != 0;
      }
    }
    const limit = tcp ? min(TCP_LIMIT, out.byteLength) : min(edns != 0 ? udpSize : DNS_UDP_MIN, out.byteLength);
    w.reset(out, limit - (edns != 0 ? 11 : 0));
    w.u16(h.id);
    w.u16(0); w.u16(0); w.u16(0); w.u16(0); w.u16(0);
    const qtype = end >= 0 ? get16(query, end) : 0;
    const qclass = end >= 0 ? get16(query, end + 2) : 0;
    if (end >= 0) {
      // The question goes back as asked, case included (RFC 1035 §7.3, RFC 4343).
      w.name(this.qname.bytes, 0);
      w.u16(qtype);
      w.u16(qclass);
    }
    // NOTIFY is for secondaries, which we are not: REFUSED, as NSD does
    // for a notifier it does not know; other opcodes are not implemented.
    if (opcode == <u8>Opcode.Notify) return this.finish(Rcode.Refused, end, edns, c);
    if (opcode != <u8>Opcode.Query) return this.finish(Rcode.NotImp, end, edns, c);
    if (malformed) return this.finish(Rcode.FormErr, end, 0, c);
    if (edns == 2) return this.finish(Rcode.BadVers, end, edns, c);
    // Class ANY (RFC 1035 §3.2.5) is answered from our one class, IN, as
    // NSD does; CH, HS and the rest are not ours: REFUSED.
    if ((qclass != CLASS_IN && qclass != CLASS_ANY) || qtype == <u16>DnsType.AXFR || qtype == <u16>DnsType.IXFR) {
      return this.finish(Rcode.Refused, end, edns, c);
    }
    if (qtype == <u16>DnsType.OPT || (qtype >= 128 && qtype < 255)) return this.finish(Rcode.NotImp, end, edns, c);
    this.lookup(qtype);
    // An answer for every class cannot be authoritative: we hold only IN
    // (NSD clears AA for class ANY too).
    if (qclass == CLASS_ANY) this.flags &= ~FLAG_AA;
    return this.finish(this.rcode, end, edns, c);
  }

  // ---- query parsing
  /** Check the answer, authority and additional records after the
   * question: -1 malformed, 0 no OPT, else 1 << 30 | DO << 24 |
   * version << 16 | udpSize. */
  private scanRecords(q: Uint8Array, at: i32): i32 {
    const h = this.header;
    const total = <i32>h.ancount + <i32>h.nscount;
    const ar = <i32>h.arcount;
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
        const doBit = (get16(q, pos + 6) & 0x8000) != 0 ? OPT_DO : 0;
        opt = 0x40000000 | doBit | (version << 16) | <i32>get16(q, pos + 2);
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
      // Our OPT: our UDP size, the upper RCODE bits, version 0, the DO
      // bit copied from the query (RFC 3225 §3), and for a name outside
      // our zones an Extended DNS Error saying why (RFC 8914 §4.21), as
      // NSD does, when there is room for it.
      const ede = this.notOurs && w.room(OPT_RECORD_LEN + EDE_LEN);
      w.u8(0); w.u16(<u16>DnsType.OPT); w.u16(<u16>this.maxUdp);
      w.u8(<u8>(rcode >> 4)); w.u8(0); w.u16(this.dnssecOk ? 0x8000 : 0);
      w.u16(ede ? <u16>EDE_LEN : 0);
      if (ede) { w.u16(EDE_OPTION); w.u16(2); w.u16(EDE_NOT_AUTHORITATIVE); }
      this.ar++;
    }
    w.patch16(DNS_FLAGS, flags);
    w.patch16(DNS_QDCOUNT, questionEnd >= 0 ? 1 : 0);
    w.patch16(DNS_ANCOUNT, <u16>this.an);
    w.patch16(DNS_NSCOUNT, <u16>this.ns);
    w.patch16(DNS_ARCOUNT, <u16>this.ar);
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
  /** The answer for `qtype` at the query name: RFC 1034 §4.3.2 step 3,
   * with RFC 4592's wildcards, repeated for each CNAME on the way. */
  private lookup(qtype: u16): void {
    const t = this.table;
    let buf = this.qname.bytes;
    let at = 0;
    this.owners = 0;
    for (let hop = 0; hop <= MAX_CHAIN; hop++) {
      const len = this.splitLabels(buf, at);
      const zk = this.findZone(buf, at, len, qtype);
      if (zk < 0) {
        // Not ours: REFUSED for the question; a CNAME leaving our zones
        // ends the answer there, the resolver goes on from its target.
        if (hop == 0) { this.rcode = Rcode.Refused; this.notOurs = true; }
        return;
      }
      this.flags |= FLAG_AA;
      const apex = this.apexNode;
      const zone = t.zone(apex);
      // Down from the apex, one label at a time. The compiler made every
      // empty non-terminal a node, so a missing name has its closest
      // encloser just above it (RFC 4592 §3.3.1). A DNAME above the name
      // redirects it (RFC 6672 §3.2): `synth` is where its new name went.
      let node = apex;
      let synth = zk > 0 ? this.dname(buf, at, len, zk, apex, hop) : -1;
      for (let k = zk - 1; k >= 0 && synth == -1; k--) {
        const next = t.find(buf, at + this.labels[k], len - this.labels[k], zone);
        if (next < 0) {
          node = this.wildcard(buf, at + this.labels[k + 1], len - this.labels[k + 1], zone);
          if (node < 0) { this.negative(apex, Rcode.NXDomain); return; }
          break;
        }
        node = next;
        // A delegation: a referral, except for DS at the cut itself, which
        // the parent answers (RFC 4035 §3.1.4.1).
        if ((t.flags(node) & FLAG_CUT) != 0 && !(k == 0 && qtype == <u16>DnsType.DS)) {
          this.referral(node, zone, hop > 0);
          return;
        }
        if (k > 0) synth = this.dname(buf, at, len, k, node, hop);
      }
      // The synthesised CNAME answers a question for CNAME by itself.
      if (synth == -2 || (synth >= 0 && qtype == <u16>DnsType.CNAME)) return;
      if (synth >= 0) {
        buf = this.synthBuf;
        at = synth;
        continue;
      }
      if (qtype == <u16>DnsType.ANY) {
        // RFC 8482 §4.2: one RRset stands for them all: at an apex the SOA,
        // elsewhere the first by type (NSD picks the same ones).
        const soa = t.rrset(node, <u16>DnsType.SOA);
        if (t.setCount(node) == 0) this.negative(apex, Rcode.NoError);
        else this.section(buf, at, soa >= 0 ? soa : t.rrsetAt(node, 0), 0);
        return;
      }
      const set = t.rrset(node, qtype);
      if (set >= 0) {
        if (this.section(buf, at, set, 0)) this.additional(set, zone);
        return;
      }
      const cname = t.rrset(node, <u16>DnsType.CNAME);
      if (cname < 0) { this.negative(apex, Rcode.NoError); return; }
      // A name met before closes a loop: the answer stops at the repeat.
      if (this.seen(buf, at)) return;
      if (!this.section(buf, at, cname, 0)) return;
      buf = t.data;
      at = t.setData(cname) + 2;
    }
  }

  /** If `node`, the name's suffix from label k on, owns a DNAME: write it
   * and the CNAME it synthesises for the name (RFC 6672 §3.2: same TTL,
   * the name's labels above the owner put before the DNAME's target);
   * where the new name is in synthBuf, or -2 to stop (a loop, no room, or
   * a new name over 255 bytes: YXDOMAIN, RFC 6672 §2.2), or -1 when
   * `node` has no DNAME. */
  private dname(b: Uint8Array, at: i32, len: i32, k: i32, node: i32, hop: i32): i32 {
    const t = this.table;
    const set = t.rrset(node, <u16>DnsType.DNAME);
    if (set < 0) return -1;
    if (this.seen(b, at)) return -2;
    if (!this.section(b, at + this.labels[k], set, 0)) return -2;
    const target = t.setData(set) + 2;
    const tlen = wireNameLength(t.data, target);
    const prefix = this.labels[k];
    if (prefix + tlen > NAME_MAX) {
      this.rcode = Rcode.YXDomain;
      return -2;
    }
    const out = this.synthBuf;
    const o = hop * NAME_MAX;
    memory.copy(out.dataStart + <usize>o, b.dataStart + <usize>at, <usize>prefix);
    memory.copy(out.dataStart + <usize>(o + prefix), t.data.dataStart + <usize>target, <usize>tlen);
    const w = this.w;
    const mark = w.mark();
    if (!(w.name(b, at) && w.u16(<u16>DnsType.CNAME) && w.u16(CLASS_IN) && w.u32(t.setTtl(set)) &&
      writeRdata(w, <u16>DnsType.CNAME, out, o, prefix + tlen))) {
      w.rollback(mark);
      this.full = true;
      return -2;
    }
    this.an++;
    return o;
  }

  /** Label starts of the name at `at` of `b` into `labels` (labels[k]:
   * where the k-th suffix begins, relative to `at`); the name's length. */
  private splitLabels(b: Uint8Array, at: i32): i32 {
    let count = 0;
    let i = 0;
    while (true) {
      this.labels[count++] = i;
      const n = <i32>b[at + i];
      if (n == 0) break;
      i += n + 1;
    }
    this.labelCount = count;
    return i + 1;
  }

  /** The deepest zone holding the name whose labels splitLabels found:
   * `apexNode` set, and the label index of its apex (0: the name is the
   * apex), or -1 when no zone does. DS at a zone's apex belongs to the
   * parent zone when we serve that too (RFC 4035 §3.1.4.1). */
  private findZone(b: Uint8Array, at: i32, len: i32, qtype: u16): i32 {
    const t = this.table;
    const ds = qtype == <u16>DnsType.DS;
    let found = -1;
    let apexNode = -1;
    for (let k = 0; k < this.labelCount; k++) {
      const apex = t.findApex(b, at + this.labels[k], len - this.labels[k]);
      if (apex < 0) continue;
      if (found < 0 || (found == 0 && ds)) {
        const first = found < 0;
        found = k;
        apexNode = apex;
        if (!(first && k == 0 && ds)) break;
      }
    }
    this.apexNode = apexNode;
    return found;
  }

  /** The wildcard "*.<encloser>" of zone `zone` whose closest encloser is
   * the `len`-byte name at `at` of `b`, or -1 (RFC 4592 §3.3.1). */
  private wildcard(b: Uint8Array, at: i32, len: i32, zone: i32): i32 {
    const w = this.scratch.bytes;
    if (len + 2 > w.byteLength) return -1;
    w[0] = 1;
    w[1] = 0x2a; // '*'
    memory.copy(w.dataStart + 2, b.dataStart + <usize>at, <usize>len);
    return this.table.find(w, 0, len + 2, zone);
  }

  /** Whether the owner at `at` of `b` already had its CNAME written; else
   * remember it. */
  private seen(b: Uint8Array, at: i32): bool {
    const len = wireNameLength(b, at);
    for (let i = 0; i < this.owners; i++) {
      const ob = this.ownerIn(this.ownerBuf[i]);
      const oat = this.ownerAt[i];
      if (wireNameLength(ob, oat) == len &&
        equalIgnoringCase(ob.dataStart + <usize>oat, b.dataStart + <usize>at, len)) return true;
    }
    this.ownerBuf[this.owners] = b === this.qname.bytes ? 0 : b === this.table.data ? 1 : 2;
    this.ownerAt[this.owners] = at;
    this.owners++;
    return false;
  }

  private ownerIn(kind: i32): Uint8Array {
    return kind == 0 ? this.qname.bytes : kind == 1 ? this.table.data : this.synthBuf;
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

  /** NS of the cut in authority, glue in additional; authoritative only
   * when a CNAME of ours led here (the answer section holds our data). */
  private referral(cut: i32, zone: i32, afterCname: bool): void {
    const t = this.table;
    if (!afterCname) this.flags &= ~FLAG_AA;
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
