// The compiled zones (toolchain/assets/dns-zones.ts writes the layout;
// its comment is the reference): nodes sorted by lower-cased wire name,
// each with its RRsets, read without parsing text at run time.
//
// `load` checks every table offset and length against the data once, so
// the accessors after it stay inside the buffer whatever the asset holds;
// every record's RDATA is checked against its type too (a table is data
// from outside the code: a corrupted one is refused at boot, never a trap
// at the first query).
import { lowerByte, rdataValid, wireNameLength } from "../wire/index";

const MAGIC: u32 = 0x315a474d; // "MGZ1"
export const FLAG_APEX: u16 = 1;
export const FLAG_CUT: u16 = 2;
export const FLAG_GLUE: u16 = 4;
export const FLAG_EMPTY: u16 = 8;
const NODE = 16;
const RRSET = 16;
const TYPE_NS: u16 = 2;
const TYPE_SOA: u16 = 6;

export class ZoneTable {
  zones: i32 = 0;
  nodes: i32 = 0;
  private nodesOff: i32 = 0;
  private rrsetsOff: i32 = 0;
  private dataOff: i32 = 0;
  private namesOff: i32 = 0;
  private rrsets: i32 = 0;

  constructor(readonly data: Uint8Array) {}

  /** The tables in `data`, or null (with the reason) if they do not hold together. */
  static load(data: Uint8Array): ZoneTable | null {
    const t = new ZoneTable(data);
    return t.check() == null ? t : null;
  }

  /** Why the data is not a zone table, or null. Everything the server
   * reads later is checked here, in 64-bit arithmetic so that no field
   * can wrap: offsets and counts, each node's name (a wire name of exactly
   * its length), each record's RDATA against its type (rdataValid), an NS
   * RRset at every delegation and a SOA at every apex. A table that passes
   * cannot make a lookup read outside it, whatever else it holds. */
  check(): string | null {
    const d = this.data;
    const size = <i64>d.byteLength;
    if (size < 32 || this.u32(0) != MAGIC) return "not a zone table (magic)";
    if (<i64>this.u32(28) != size) return "size field does not match the asset";
    const zones = <i64>this.u32(4);
    const nodes = <i64>this.u32(8);
    const nodesOff = <i64>this.u32(12);
    const rrsetsOff = <i64>this.u32(16);
    const dataOff = <i64>this.u32(20);
    const namesOff = <i64>this.u32(24);
    if (zones > 0xffff || nodes > 0xffffff || nodesOff != 32 + 4 * zones || rrsetsOff != nodesOff + NODE * nodes ||
      dataOff < rrsetsOff || (dataOff - rrsetsOff) % RRSET != 0 || namesOff < dataOff || namesOff > size) {
      return "bad table offsets";
    }
    this.zones = <i32>zones;
    this.nodes = <i32>nodes;
    this.nodesOff = <i32>nodesOff;
    this.rrsetsOff = <i32>rrsetsOff;
    this.dataOff = <i32>dataOff;
    this.namesOff = <i32>namesOff;
    this.rrsets = <i32>((dataOff - rrsetsOff) / RRSET);
    for (let r = 0; r < this.rrsets; r++) {
      const o = this.rrsetsOff + RRSET * r;
      const off = <i64>this.u32(o + 8);
      const len = <i64>this.u32(o + 12);
      if (off + len > namesOff - dataOff) return "bad rrset data";
      // Each record within the set's bytes, its RDATA valid for the type.
      let p = <i32>off;
      const end = <i32>(off + len);
      const type = this.setType(r);
      for (let k = 0; k < <i32>this.u16(o + 2); k++) {
        if (p + 2 > end) return "bad record";
        const rdlen = <i32>this.u16(this.dataOff + p);
        if (p + 2 + rdlen > end) return "bad record";
        if (!rdataValid(type, d, this.dataOff + p + 2, rdlen)) return "bad RDATA for type " + type.toString();
        p += 2 + rdlen;
      }
    }
    for (let i = 0; i < this.nodes; i++) {
      const o = this.nodesOff + NODE * i;
      const nameOff = <i64>this.u32(o) + namesOff;
      const nameLen = <i64>this.u16(o + 4);
      if (nameOff + nameLen > size || wireNameLength(d, <i32>nameOff) != <i32>nameLen) return "bad name";
      if (<i64>this.u32(o + 8) + <i64>this.u16(o + 12) > <i64>this.rrsets) return "bad rrsets";
      if (<i64>this.u16(o + 14) >= zones) return "bad zone";
      if ((this.flags(i) & FLAG_CUT) != 0 && this.rrset(i, TYPE_NS) < 0) return "delegation without NS";
    }
    for (let z = 0; z < this.zones; z++) {
      const a = <i64>this.u32(32 + 4 * z);
      if (a >= nodes || this.rrset(<i32>a, TYPE_SOA) < 0) return "bad apex";
    }
    return null;
  }

  @inline private u16(at: i32): u16 { return load<u16>(this.data.dataStart + <usize>at); }
  @inline private u32(at: i32): u32 { return load<u32>(this.data.dataStart + <usize>at); }

  /** The apex node of zone `z`. */
  apex(z: i32): i32 { return <i32>this.u32(32 + 4 * z); }

  /** Offset in `data` of node i's name (wire form), and its length. */
  nameAt(i: i32): i32 { return this.namesOff + <i32>this.u32(this.nodesOff + NODE * i); }
  nameLen(i: i32): i32 { return <i32>this.u16(this.nodesOff + NODE * i + 4); }
  flags(i: i32): u16 { return this.u16(this.nodesOff + NODE * i + 6); }
  zone(i: i32): i32 { return <i32>this.u16(this.nodesOff + NODE * i + 14); }
  private firstSet(i: i32): i32 { return <i32>this.u32(this.nodesOff + NODE * i + 8); }
  setCount(i: i32): i32 { return <i32>this.u16(this.nodesOff + NODE * i + 12); }

  /** Node i's RRset of `type`, or -1. */
  rrset(i: i32, type: u16): i32 {
    const first = this.firstSet(i);
    const n = this.setCount(i);
    for (let k = 0; k < n; k++) if (this.setType(first + k) == type) return first + k;
    return -1;
  }
  /** Node i's k-th RRset. */
  rrsetAt(i: i32, k: i32): i32 { return this.firstSet(i) + k; }

  setType(r: i32): u16 { return this.u16(this.rrsetsOff + RRSET * r); }
  setSize(r: i32): i32 { return <i32>this.u16(this.rrsetsOff + RRSET * r + 2); }
  setTtl(r: i32): u32 { return this.u32(this.rrsetsOff + RRSET * r + 4); }
  /** Offset in `data` of the set's first record: u16 rdlength (little endian), RDATA. */
  setData(r: i32): i32 { return this.dataOff + <i32>this.u32(this.rrsetsOff + RRSET * r + 8); }
  /** The record after the one at `at`. */
  nextRecord(at: i32): i32 { return at + 2 + <i32>this.u16(at); }
  recordLen(at: i32): i32 { return <i32>this.u16(at); }

  /** The node named by the `len` bytes at `at` of `name` (wire form, any
   * case) in zone `zone` (-1: any zone, the first in order), or -1. */
  find(name: Uint8Array, at: i32, len: i32, zone: i32 = -1): i32 {
    let lo = 0;
    let hi = this.nodes;
    const p = name.dataStart + <usize>at;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(mid, p, len) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.nodes && this.compare(i, p, len) == 0; i++) {
      if (zone < 0 || this.zone(i) == zone) return i;
    }
    return -1;
  }

  /** The apex node named by the `len` bytes at `at` of `name`, or -1. */
  findApex(name: Uint8Array, at: i32, len: i32): i32 {
    let i = this.find(name, at, len, -1);
    if (i < 0) return -1;
    const p = name.dataStart + <usize>at;
    for (; i < this.nodes && this.compare(i, p, len) == 0; i++) {
      if ((this.flags(i) & FLAG_APEX) != 0) return i;
    }
    return -1;
  }

  /** Node i's name against the name at p, both lower-cased, byte by byte
   * (a prefix first): the compiler's sort order. */
  private compare(i: i32, p: usize, len: i32): i32 {
    const q = this.data.dataStart + <usize>this.nameAt(i);
    const n = this.nameLen(i);
    const m = min(n, len);
    for (let k = 0; k < m; k++) {
      const a = <i32>lowerByte(load<u8>(q + <usize>k));
      const b = <i32>lowerByte(load<u8>(p + <usize>k));
      if (a != b) return a - b;
    }
    return n - len;
  }
}
