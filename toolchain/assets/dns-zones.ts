/**
 * The `dns-zones` asset compiler: master files (zonefile.ts) in, one asset
 * `zones.bin` out, which apps/dns reads without parsing text at run time.
 *
 * Each file is one zone. Its origin is its first $ORIGIN, else the file
 * name without a final ".zone" ("morgana.test.zone" is morgana.test.). The
 * zone must have exactly one SOA, at its apex, and NS records there; every
 * name must be inside it; a CNAME may not share its name with other data
 * (RFC 1034 §3.6.2, RFC 2181 §10.1); below a delegation (NS records not at
 * the apex) only addresses may appear, as glue; nothing below a DNAME
 * (RFC 6672 §2.3); records of one RRset share
 * one TTL (RFC 2181 §5.2: the lowest is kept, as servers do). Two zones
 * may not have the same apex. Any mistake is a BuildError E_ZONE at the
 * file, line and column.
 *
 * zones.bin, little endian, every table 4-byte aligned:
 *   header   u32 magic "MGZ1", u32 zones, u32 nodes, u32 nodesOff,
 *            u32 rrsetsOff, u32 dataOff, u32 namesOff, u32 size
 *   zones    zones x { u32 apexNode }
 *   nodes    nodes x { u32 nameOff, u16 nameLen, u16 flags, u32 firstRrset,
 *            u16 rrsets, u16 zone }, sorted by name compared byte by byte
 *            in lower case (the lookup's order)
 *   rrsets   { u16 type, u16 count, u32 ttl, u32 dataOff, u32 dataLen },
 *            by node, each node's by type
 *   data     per RRset: count x { u16 rdlength, RDATA (names uncompressed) }
 *   names    owner names in wire form, case as written
 * flags: 1 apex, 2 delegation (NS below the apex), 4 below a delegation
 * (glue), 8 empty non-terminal (a name with nothing but names below it).
 */
import path from "node:path";
import { BuildError } from "../diagnostics.ts";
import type { Asset, AssetFile } from "./index.ts";
import { parseMasterFile, ZoneError, type ZoneRecord } from "./zonefile.ts";
import { canonicalRdata } from "./dns-rdata.ts";

export const ZONES_ASSET = "zones.bin";
export const FLAG_APEX = 1;
export const FLAG_CUT = 2;
export const FLAG_GLUE = 4;
export const FLAG_EMPTY = 8;
const T_NS = 2, T_CNAME = 5, T_SOA = 6, T_A = 1, T_AAAA = 28, T_DNAME = 39;

interface Node {
  name: Uint8Array;
  key: string;
  flags: number;
  zone: number;
  /** type -> records */
  sets: Map<number, ZoneRecord[]>;
}

export function compileZones(files: AssetFile[], dir: string): Asset[] {
  const nodes = new Map<string, Node>();
  const apexes: string[] = [];
  files.forEach((f, zoneIndex) => {
    const where = path.join(dir, f.path);
    const fail = (msg: string, line = 1, column = 1): never => {
      throw new BuildError("E_ZONE", msg, { file: where, line, column });
    };
    let parsed;
    try {
      const fromName = path.basename(f.path).replace(/\.zone$/, "");
      // Latin-1: one character per byte, so every byte of the file survives.
      parsed = parseMasterFile(Buffer.from(f.bytes).toString("latin1"), nameFromText(fromName.endsWith(".") ? fromName : fromName + "."));
    } catch (e) {
      if (e instanceof ZoneError) fail(e.message, e.line, e.column);
      throw e;
    }
    const records = parsed.records;
    const soas = records.filter((r) => r.type === T_SOA);
    if (soas.length !== 1) fail(soas.length === 0 ? "the zone has no SOA record" : "the zone has more than one SOA record", soas[1]?.line ?? 1, soas[1]?.column ?? 1);
    const apex = soas[0].owner;
    const apexKey = keyOf(apex);
    if (apexes.includes(apexKey)) fail(`a zone for ${show(apex)} is already given by another file`, soas[0].line, soas[0].column);
    apexes.push(apexKey);
    const zone: Map<string, Node> = new Map();
    const nodeFor = (name: Uint8Array): Node => {
      const k = keyOf(name);
      let n = zone.get(k);
      if (!n) {
        n = { name, key: k, flags: 0, zone: zoneIndex, sets: new Map() };
        zone.set(k, n);
      }
      return n;
    };
    for (const r of records) {
      if (!isWithin(r.owner, apex)) fail(`${show(r.owner)} is outside the zone ${show(apex)}`, r.line, r.column);
      const n = nodeFor(r.owner);
      const set = n.sets.get(r.type) ?? [];
      // RFC 2181 §5: a set has no duplicates, and records equal under DNS
      // name comparison are equal (RFC 4034 §6.2): the first one is kept.
      const canonical = canonicalRdata(r.type, r.rdata);
      if (set.some((o) => equalBytes(canonicalRdata(o.type, o.rdata), canonical))) continue;
      set.push(r);
      n.sets.set(r.type, set);
    }
    const apexNode = zone.get(apexKey)!;
    if (!apexNode.sets.has(T_NS)) fail(`the zone apex ${show(apex)} has no NS records`, soas[0].line, soas[0].column);
    apexNode.flags |= FLAG_APEX;
    for (const n of zone.values()) {
      const types = [...n.sets.keys()];
      if (n.sets.has(T_CNAME) && types.length > 1) {
        const r = n.sets.get(T_CNAME)![0];
        fail(`${show(n.name)} has a CNAME and other data (RFC 1034 §3.6.2)`, r.line, r.column);
      }
      if (n.sets.has(T_CNAME) && n.sets.get(T_CNAME)!.length > 1) {
        const r = n.sets.get(T_CNAME)![1];
        fail(`${show(n.name)} has more than one CNAME`, r.line, r.column);
      }
      if (n !== apexNode && n.sets.has(T_NS)) n.flags |= FLAG_CUT;
      if (n !== apexNode && n.sets.has(T_SOA)) {
        const r = n.sets.get(T_SOA)![0];
        fail(`SOA at ${show(n.name)}, not at the apex`, r.line, r.column);
      }
      // RFC 2181 §5.2: one TTL per RRset; the lowest wins.
      for (const set of n.sets.values()) {
        const ttl = Math.min(...set.map((r) => r.ttl));
        for (const r of set) r.ttl = ttl;
      }
    }
    // Below a cut, only glue.
    for (const n of zone.values()) {
      for (let p = parent(n.name); p && p.length >= apex.length && keyOf(p) !== apexKey; p = parent(p)) {
        const above = zone.get(keyOf(p));
        if (above && (above.flags & FLAG_CUT)) {
          n.flags |= FLAG_GLUE;
          for (const [type, set] of n.sets) {
            if (type !== T_A && type !== T_AAAA) fail(`${show(n.name)} is below the delegation ${show(p)}: only A and AAAA (glue) may be there`, set[0].line, set[0].column);
          }
          break;
        }
      }
    }
    // Below a DNAME, nothing: queries there are redirected, so the data
    // could never be seen (RFC 6672 §2.3); NSD refuses it too.
    for (const n of zone.values()) {
      for (let p = parent(n.name); p && p.length >= apex.length; p = parent(p)) {
        const above = zone.get(keyOf(p));
        if (above?.sets.has(T_DNAME)) {
          const [first] = [...n.sets.values()][0];
          fail(`${show(n.name)} is below the DNAME at ${show(p)}: data there can never be reached (RFC 6672 §2.3); remove it or the DNAME`, first.line, first.column);
        }
      }
    }
    // Empty non-terminals: every name between a node and the apex exists.
    for (const n of [...zone.values()]) {
      for (let p = parent(n.name); p && p.length > apex.length; p = parent(p)) {
        const k = keyOf(p);
        if (zone.has(k)) break;
        const e = nodeFor(p);
        e.flags |= FLAG_EMPTY | (n.flags & FLAG_GLUE);
      }
    }
    for (const [k, n] of zone) nodes.set(k + "\0" + zoneIndex, n);
  });
  return [{ name: ZONES_ASSET, bytes: encode([...nodes.values()], apexes) }];
}

function encode(list: Node[], apexes: string[]): Uint8Array {
  list.sort((a, b) => compareKeys(a.key, b.key) || a.zone - b.zone);
  const names: number[] = [];
  const data: number[] = [];
  const rrsets: number[][] = [];
  const nodes: number[][] = [];
  for (const n of list) {
    const nameOff = names.length;
    names.push(...n.name);
    const first = rrsets.length;
    for (const type of [...n.sets.keys()].sort((a, b) => a - b)) {
      const set = n.sets.get(type)!;
      const off = data.length;
      for (const r of set) data.push(r.rdata.length & 0xff, r.rdata.length >> 8, ...r.rdata);
      rrsets.push([type, set.length, set[0].ttl, off, data.length - off]);
    }
    nodes.push([nameOff, n.name.length, n.flags, first, rrsets.length - first, n.zone]);
    while (data.length % 4) data.push(0);
  }
  const zonesOff = 32;
  const nodesOff = zonesOff + 4 * apexes.length;
  const rrsetsOff = nodesOff + 16 * nodes.length;
  const dataOff = rrsetsOff + 16 * rrsets.length;
  const namesOff = dataOff + data.length;
  const size = namesOff + names.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  [0x315a474d, apexes.length, nodes.length, nodesOff, rrsetsOff, dataOff, namesOff, size].forEach((x, i) => v.setUint32(4 * i, x, true));
  apexes.forEach((k, z) => v.setUint32(zonesOff + 4 * z, list.findIndex((n) => n.key === k && n.zone === z), true));
  nodes.forEach(([nameOff, len, flags, first, count, zone], i) => {
    const o = nodesOff + 16 * i;
    v.setUint32(o, nameOff, true);
    v.setUint16(o + 4, len, true);
    v.setUint16(o + 6, flags, true);
    v.setUint32(o + 8, first, true);
    v.setUint16(o + 12, count, true);
    v.setUint16(o + 14, zone, true);
  });
  rrsets.forEach(([type, count, ttl, off, len], i) => {
    const o = rrsetsOff + 16 * i;
    v.setUint16(o, type, true);
    v.setUint16(o + 2, count, true);
    v.setUint32(o + 4, ttl, true);
    v.setUint32(o + 8, off, true);
    v.setUint32(o + 12, len, true);
  });
  out.set(data, dataOff);
  out.set(names, namesOff);
  return out;
}

// ---- names (wire form)
/** The lookup key: the wire name in lower case, as a binary string. */
function keyOf(name: Uint8Array): string {
  return String.fromCharCode(...name.map((c) => (c >= 65 && c <= 90 ? c | 0x20 : c)));
}

/** Byte order, a prefix first: what libos/dns/zone.ts's binary search uses. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parent(name: Uint8Array): Uint8Array | null {
  return name[0] === 0 ? null : name.subarray(name[0] + 1);
}

function isWithin(name: Uint8Array, zone: Uint8Array): boolean {
  for (let p: Uint8Array | null = name; p; p = parent(p)) if (keyOf(p) === keyOf(zone)) return true;
  return false;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function nameFromText(text: string): Uint8Array | null {
  if (text === ".") return Uint8Array.of(0);
  const out: number[] = [];
  for (const label of text.slice(0, -1).split(".")) {
    if (label.length === 0 || label.length > 63) return null;
    out.push(label.length, ...new TextEncoder().encode(label));
  }
  out.push(0);
  return out.length <= 255 ? Uint8Array.from(out) : null;
}

function show(name: Uint8Array): string {
  if (name[0] === 0) return ".";
  let s = "";
  for (let i = 0; name[i] !== 0; i += name[i] + 1) s += new TextDecoder().decode(name.subarray(i + 1, i + 1 + name[i])) + ".";
  return s;
}
