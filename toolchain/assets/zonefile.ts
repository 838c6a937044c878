/**
 * RFC 1035 §5 master files, read at build time: `$ORIGIN` (a relative one
 * completed by the one before), `$TTL` (RFC 2308 §4; with none anywhere,
 * NSD's 3600), relative names and `@`, a blank owner meaning the previous
 * one (the origin for the first record), parentheses joining lines, `;`
 * comments, quoted strings (also over several lines), `\X` and `\DDD`
 * escapes, TTL and class in either order, TTLs with units (1h30m, as BIND
 * writes them), the types of RFC 1035 and those of zone-types.ts in their
 * presentation forms, and RFC 3597's `TYPEnnn` and `\# LEN HEX` for any
 * type.
 * `$INCLUDE` is refused: a zone is one file. Only class IN is served.
 *
 * Every record comes out with its RDATA in wire form (names uncompressed),
 * and every mistake is a ZoneError at its file, line and column.
 */
import { rdataProblem, typeLabel } from "./dns-rdata.ts";
import { ZoneError } from "./zone-error.ts";
import { MORE_TYPES, parseMoreRdata } from "./zone-types.ts";

export { ZoneError };

export interface ZoneRecord {
  /** Owner, wire form, as written (case kept). */
  owner: Uint8Array;
  type: number;
  ttl: number;
  rdata: Uint8Array;
  line: number;
  column: number;
}

interface Token {
  text: string;
  quoted: boolean;
  line: number;
  column: number;
}

export const TYPES: Record<string, number> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, DNAME: 39,
  CAA: 257, ...MORE_TYPES,
};
const MAX_TTL = 0x7fffffff; // RFC 2181 §8
const T_OPT = 41;
/** The TTL of a record when the file gives none anywhere before it: NSD 4's. */
const DEFAULT_TTL = 3600;

/** The lines of a master file as token lists: parentheses joined, comments
 * dropped; `startsBlank` says the line began with white space (no owner). */
function logicalLines(src: string): { tokens: Token[]; startsBlank: boolean; line: number }[] {
  const out: { tokens: Token[]; startsBlank: boolean; line: number }[] = [];
  let tokens: Token[] = [];
  let depth = 0;
  let line = 1;
  let col = 1;
  let startsBlank = false;
  let lineStart = 1;
  let i = 0;
  const flush = () => {
    if (tokens.length > 0) out.push({ tokens, startsBlank, line: lineStart });
    tokens = [];
  };
  let atLineStart = true;
  while (i < src.length) {
    const c = src[i];
    if (atLineStart && depth === 0) {
      startsBlank = c === " " || c === "\t";
      lineStart = line;
      atLineStart = false;
    }
    if (c === "\n") {
      if (depth === 0) { flush(); atLineStart = true; }
      i++; line++; col = 1;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") { i++; col++; continue; }
    if (c === ";") { while (i < src.length && src[i] !== "\n") { i++; col++; } continue; }
    if (c === "(") { depth++; i++; col++; continue; }
    if (c === ")") {
      if (depth === 0) throw new ZoneError("')' without '('", line, col);
      depth--; i++; col++;
      continue;
    }
    const startCol = col;
    const startLine = line;
    if (c === '"') {
      let text = "";
      i++; col++;
      while (true) {
        if (i >= src.length) throw new ZoneError("unterminated quoted string", startLine, startCol);
        const d = src[i];
        if (d === "\n") {
          // A quoted string may span lines; the line break is part of it (as NSD reads it).
          text += d;
          i++; line++; col = 1;
          continue;
        }
        if (d === "\\") {
          if (i + 1 >= src.length) throw new ZoneError("'\\' at the end of the file", line, col);
          text += d + src[i + 1];
          i += 2; col += 2;
          continue;
        }
        i++; col++;
        if (d === '"') break;
        text += d;
      }
      tokens.push({ text, quoted: true, line: startLine, column: startCol });
      continue;
    }
    let text = "";
    while (i < src.length && !" \t\r\n;()\"".includes(src[i])) {
      if (src[i] === "\\" && i + 1 < src.length && src[i + 1] !== "\n") {
        text += src[i] + src[i + 1];
        i += 2; col += 2;
        continue;
      }
      text += src[i];
      i++; col++;
    }
    tokens.push({ text, quoted: false, line: startLine, column: startCol });
  }
  if (depth > 0) throw new ZoneError("'(' is never closed", line, col);
  flush();
  return out;
}

/** Bytes of a token with its escapes decoded (RFC 1035 §5.1). */
function unescape(t: Token): number[] {
  const out: number[] = [];
  const s = t.text;
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== "\\") {
      // The file was read as Latin-1, one character per byte: a byte
      // above 0x7f is kept as it is (a zone file is bytes, not text).
      out.push(s.charCodeAt(i));
      continue;
    }
    if (/^[0-9]{3}$/.test(s.slice(i + 1, i + 4))) {
      const v = Number(s.slice(i + 1, i + 4));
      if (v > 255) throw new ZoneError(`escape \\${s.slice(i + 1, i + 4)} is over 255`, t.line, t.column + i);
      out.push(v);
      i += 3;
    } else if (i + 1 < s.length) {
      if (/[0-9]/.test(s[i + 1])) throw new ZoneError("'\\' followed by a digit needs three digits (\\DDD)", t.line, t.column + i);
      out.push(s.charCodeAt(i + 1));
      i += 1;
    } else throw new ZoneError("'\\' at the end of a word", t.line, t.column + i);
  }
  return out;
}

/** A domain name token in wire form, relative names completed by `origin`. */
export function nameToWire(t: Token, origin: Uint8Array | null): Uint8Array {
  if (t.text === "@") {
    if (!origin) throw new ZoneError("'@' with no origin: add $ORIGIN", t.line, t.column);
    return origin;
  }
  const labels: number[][] = [];
  let cur: number[] = [];
  const s = t.text;
  let absolute = false;
  if (s === ".") return Uint8Array.of(0);
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\") {
      // Keep the escape for unescape(), which knows its form.
      let j = i + 1;
      if (/^[0-9]{3}$/.test(s.slice(i + 1, i + 4))) j = i + 3;
      cur.push(...unescape({ ...t, text: s.slice(i, j + 1) }));
      i = j;
      continue;
    }
    if (s[i] === ".") {
      if (cur.length === 0) throw new ZoneError(`empty label in name '${s}'`, t.line, t.column + i);
      labels.push(cur);
      cur = [];
      if (i === s.length - 1) absolute = true;
      continue;
    }
    cur.push(s.charCodeAt(i)); // one byte per character (Latin-1)
  }
  if (cur.length > 0) labels.push(cur);
  const out: number[] = [];
  for (const l of labels) {
    if (l.length > 63) throw new ZoneError(`label of ${l.length} bytes in '${s}' (at most 63, RFC 1035 §2.3.4)`, t.line, t.column);
    out.push(l.length, ...l);
  }
  if (absolute) out.push(0);
  else {
    if (!origin) throw new ZoneError(`relative name '${s}' with no origin: add $ORIGIN or end it with '.'`, t.line, t.column);
    out.push(...origin);
  }
  if (out.length > 255) throw new ZoneError(`name '${s}' is ${out.length} bytes long (at most 255)`, t.line, t.column);
  return Uint8Array.from(out);
}

/** A TTL: seconds, or BIND's units (1w2d3h4m5s). */
function parseTtl(t: Token): number | null {
  const s = t.text.toLowerCase();
  if (/^[0-9]+$/.test(s)) {
    const v = Number(s);
    if (v > 0xffffffff) throw new ZoneError(`TTL ${s} is over 2^32-1`, t.line, t.column);
    return v > MAX_TTL ? 0 : v; // RFC 2181 §8: a TTL with the top bit set is 0
  }
  if (!/^([0-9]+[smhdw])+$/.test(s)) return null;
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let v = 0;
  for (const m of s.matchAll(/([0-9]+)([smhdw])/g)) v += Number(m[1]) * unit[m[2]];
  if (v > MAX_TTL) throw new ZoneError(`TTL ${t.text} is over ${MAX_TTL} seconds (RFC 2181 §8)`, t.line, t.column);
  return v;
}

function typeNumber(t: Token): number | null {
  const s = t.text.toUpperCase();
  if (s in TYPES) return TYPES[s];
  const m = /^TYPE([0-9]{1,5})$/.exec(s);
  if (m && Number(m[1]) <= 65535) return Number(m[1]);
  return null;
}

export interface ParseResult {
  records: ZoneRecord[];
  origin: Uint8Array | null;
}

/** Every record of a master file. `origin` is the starting $ORIGIN. */
export function parseMasterFile(src: string, origin: Uint8Array | null): ParseResult {
  let defaultTtl: number | null = null;
  let lastTtl: number | null = null;
  let lastOwner: Uint8Array | null = null;
  const records: ZoneRecord[] = [];
  for (const { tokens, startsBlank } of logicalLines(src)) {
    const first = tokens[0];
    if (!startsBlank && first.text.startsWith("$") && !first.quoted) {
      const dir = first.text.toUpperCase();
      if (dir === "$ORIGIN") {
        if (tokens.length !== 2) throw new ZoneError("$ORIGIN takes one name", first.line, first.column);
        // A relative $ORIGIN is completed by the one before (RFC 1035 §5.1).
        origin = nameToWire(tokens[1], origin);
        continue;
      }
      if (dir === "$TTL") {
        const ttl = tokens.length === 2 ? parseTtl(tokens[1]) : null;
        if (ttl === null) throw new ZoneError("$TTL takes one TTL (seconds, or units like 1h30m)", first.line, first.column);
        defaultTtl = ttl;
        continue;
      }
      if (dir === "$INCLUDE") throw new ZoneError("$INCLUDE is not supported: put each zone in one file", first.line, first.column);
      throw new ZoneError(`unknown directive ${first.text}`, first.line, first.column);
    }
    let k = 0;
    let owner: Uint8Array;
    if (startsBlank) {
      // A first record without owner is at the origin (as NSD reads it).
      const o = lastOwner ?? origin;
      if (!o) throw new ZoneError("a record without owner before any owner or $ORIGIN was given", first.line, first.column);
      owner = o;
    } else {
      owner = nameToWire(tokens[0], origin);
      k = 1;
    }
    let ttl: number | null = null;
    let sawClass = false;
    for (let round = 0; round < 2 && k < tokens.length; round++) {
      const t = tokens[k];
      const v = t.quoted ? null : parseTtl(t);
      if (v !== null && ttl === null) { ttl = v; k++; continue; }
      const cls = t.text.toUpperCase();
      if (!sawClass && (cls === "IN" || cls === "CH" || cls === "HS" || /^CLASS[0-9]+$/.test(cls))) {
        if (cls !== "IN" && cls !== "CLASS1") throw new ZoneError(`class ${t.text}: only IN is served`, t.line, t.column);
        sawClass = true;
        k++;
      }
    }
    const typeTok = tokens[k];
    if (!typeTok) throw new ZoneError("a record needs a type", first.line, first.column);
    const type = typeNumber(typeTok);
    if (type === null) throw new ZoneError(`unknown type '${typeTok.text}' (write TYPEnnn and \\# RDATA for others, RFC 3597)`, typeTok.line, typeTok.column);
    if (type === T_OPT) {
      // NSD 4.6 takes `OPT \# ...` and would serve it as data; a client reads an OPT outside additional as a malformed message.
      throw new ZoneError("OPT is EDNS's pseudo-record, made per message (RFC 6891 §6.1.1), never zone data: remove it", typeTok.line, typeTok.column);
    }
    const rdata = parseRdata(type, tokens.slice(k + 1), typeTok, origin);
    if (ttl === null) {
      // RFC 2308 §4: $TTL, else the last explicit TTL, else NSD's default.
      ttl = defaultTtl ?? lastTtl ?? DEFAULT_TTL;
    } else lastTtl = ttl;
    lastOwner = owner;
    records.push({ owner, type, ttl, rdata, line: first.line, column: first.column });
  }
  return { records, origin };
}

// ---- RDATA
function parseRdata(type: number, f: Token[], at: Token, origin: Uint8Array | null): Uint8Array {
  if (f.length > 0 && f[0].text === "\\#" && !f[0].quoted) {
    // RFC 3597 §5: the generic form of a known type must still be that
    // type's RDATA, or the server would serve (or trip on) garbage.
    const b = generic(f, at);
    const problem = rdataProblem(type, b);
    if (problem) {
      throw new ZoneError(`${typeLabel(type)} \\# ${b.length}: ${problem}. NSD refuses it too: write it in ${typeLabel(type)}'s presentation form, or give \\# the wire form of exactly that`, f[0].line, f[0].column);
    }
    return b;
  }
  const need = (n: number, what: string) => {
    if (f.length !== n) throw new ZoneError(`${what} (${f.length} field${f.length === 1 ? "" : "s"} given)`, at.line, at.column);
  };
  const name = (t: Token) => nameToWire(t, origin);
  switch (type) {
    case 1: need(1, "A takes one IPv4 address"); return ipv4(f[0]);
    case 28: need(1, "AAAA takes one IPv6 address"); return ipv6(f[0]);
    case 2: case 5: case 12: case 39:
      need(1, "this type takes one name");
      return name(f[0]);
    case 15: need(2, "MX takes a preference and a name"); return cat(u16(f[0]), name(f[1]));
    case 33: need(4, "SRV takes priority, weight, port and target"); return cat(u16(f[0]), u16(f[1]), u16(f[2]), name(f[3]));
    case 6: {
      need(7, "SOA takes mname, rname, serial, refresh, retry, expire, minimum");
      const nums = f.slice(2).map((t, i) => {
        const v = i === 0 ? (/^[0-9]+$/.test(t.text) ? Number(t.text) : null) : parseTtl(t);
        if (v === null || v > 0xffffffff) throw new ZoneError(`'${t.text}' is not a 32-bit number`, t.line, t.column);
        return v;
      });
      return cat(name(f[0]), name(f[1]), ...nums.map(u32));
    }
    case 16: {
      if (f.length === 0) throw new ZoneError("TXT takes at least one string", at.line, at.column);
      return cat(...f.map(charString));
    }
    case 13: need(2, "HINFO takes two strings"); return cat(charString(f[0]), charString(f[1]));
    case 257: {
      need(3, "CAA takes flags, a tag and a value");
      const flags = number(f[0], 255);
      const tag = unescape(f[1]);
      if (tag.length < 1 || tag.length > 15 || !tag.every((c) => /[A-Za-z0-9]/.test(String.fromCharCode(c)))) {
        throw new ZoneError("a CAA tag is 1 to 15 letters and digits (RFC 8659 §4.1)", f[1].line, f[1].column);
      }
      return cat(Uint8Array.of(flags, tag.length), Uint8Array.from(tag), Uint8Array.from(unescape(f[2])));
    }
  }
  const more = parseMoreRdata(type, f, at, { name, number, charString, unescape, ipv4, ipv6, typeNumber });
  if (more) {
    const problem = rdataProblem(type, more);
    if (problem) throw new ZoneError(`${typeLabel(type)}: ${problem}`, at.line, at.column);
    return more;
  }
  if (f.length === 0) return new Uint8Array(0);
  throw new ZoneError(`type ${at.text} needs its RDATA in RFC 3597 form: \\# LENGTH HEX`, at.line, at.column);
}

function generic(f: Token[], at: Token): Uint8Array {
  if (f.length < 2) throw new ZoneError("\\# needs a length", at.line, at.column);
  const len = number(f[1], 65535);
  const hex = f.slice(2).map((t) => t.text).join("");
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new ZoneError("\\# data must be pairs of hex digits", f[1].line, f[1].column);
  if (hex.length / 2 !== len) {
    throw new ZoneError(`\\# says ${len} bytes but the data is ${hex.length / 2}`, f[1].line, f[1].column);
  }
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

function charString(t: Token): Uint8Array {
  const b = unescape(t);
  if (b.length > 255) throw new ZoneError(`a character string is at most 255 bytes (this one is ${b.length})`, t.line, t.column);
  return Uint8Array.from([b.length, ...b]);
}

function number(t: Token, max: number): number {
  if (!/^[0-9]+$/.test(t.text) || Number(t.text) > max) {
    throw new ZoneError(`'${t.text}' is not a number from 0 to ${max}`, t.line, t.column);
  }
  return Number(t.text);
}

const u16 = (t: Token) => Uint8Array.of(...be(number(t, 65535), 2));
const u32 = (v: number) => Uint8Array.of(...be(v, 4));
function be(v: number, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Math.floor(v / 2 ** (8 * i)) & 0xff);
  return out;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function ipv4(t: Token): Uint8Array {
  // No leading zeros (192.0.2.010 could be read as octal): NSD refuses them too.
  const octet = "(0|[1-9][0-9]{0,2})";
  const m = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`).exec(t.text);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new ZoneError(`'${t.text}' is not an IPv4 address`, t.line, t.column);
  return Uint8Array.from(m.slice(1).map(Number));
}

function ipv6(t: Token): Uint8Array {
  const bad = () => new ZoneError(`'${t.text}' is not an IPv6 address`, t.line, t.column);
  let s = t.text;
  // An IPv4 tail (::ffff:10.0.0.1) is two groups written another way.
  const v4 = /^(.*:)([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$/.exec(s);
  if (v4) {
    const b = ipv4({ ...t, text: v4[2] });
    s = v4[1] + ((b[0] << 8) | b[1]).toString(16) + ":" + ((b[2] << 8) | b[3]).toString(16);
  }
  const halves = s.split("::");
  if (halves.length > 2) throw bad();
  const parse = (h: string) => (h === "" ? [] : h.split(":"));
  const left = parse(halves[0]);
  const right = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - left.length - right.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) throw bad();
  const groups = [...left, ...new Array(halves.length === 2 ? fill : 0).fill("0"), ...right];
  const out: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw bad();
    const v = parseInt(g, 16);
    out.push(v >> 8, v & 0xff);
  }
  return Uint8Array.from(out);
}
