/**
 * A strict DNS message reader for the tests (RFC 1035 §4.1), independent of
 * libos/wire so that it can judge what the server writes: a compression
 * pointer must point strictly before the label that holds it (so a
 * pointer at itself, or any loop, is an error), labels are at most 63
 * bytes, names at most 255, every count must be met. Names inside RDATA
 * are decompressed for the types that hold them, and lower-cased, so two
 * servers that compress differently compare equal; RDATA is kept as hex
 * of that canonical form (RFC 4034 §6.2). `describe()` turns a message into comparable lines.
 */

export interface Question { name: string; type: number; klass: number }
export interface Rr { name: string; type: number; klass: number; ttl: number; rdata: string }
export interface Edns { udp: number; extRcode: number; version: number; do: boolean; options: string }
export interface Message {
  id: number;
  flags: number;
  /** The full RCODE: the header's 4 bits plus OPT's upper 8. */
  rcode: number;
  opcode: number;
  question: Question[];
  answer: Rr[];
  authority: Rr[];
  additional: Rr[];
  edns: Edns | null;
  size: number;
}

export class MessageError extends Error {}

/** Where names sit in RDATA: a run of fields, "n" a name, a number a fixed
 * byte count, "s" a character string, "*" raw bytes to the end. */
const LAYOUT: Record<number, (number | "n" | "s" | "*")[]> = {
  2: ["n"], 3: ["n"], 4: ["n"], 5: ["n"], 7: ["n"], 8: ["n"], 9: ["n"], 12: ["n"], 39: ["n"],
  6: ["n", "n", 20], 14: ["n", "n"], 17: ["n", "n"],
  15: [2, "n"], 18: [2, "n"], 21: [2, "n"], 36: [2, "n"], 26: [2, "n", "n"],
  33: [6, "n"], 35: [4, "s", "s", "s", "n"], 30: ["n", "*"], 107: [2, "n"],
};

/** Presentation form of a wire name's labels, case kept, \DDD for odd bytes. */
export function nameText(labels: Uint8Array[]): string {
  if (labels.length === 0) return ".";
  return labels.map((l) => [...l].map((c) => {
    if (c === 0x2e || c === 0x5c) return "\\" + String.fromCharCode(c);
    if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || c === 0x40 || c === 0x24)
      return "\\" + String(c).padStart(3, "0");
    return String.fromCharCode(c);
  }).join("")).join(".") + ".";
}

export function parseMessage(m: Uint8Array): Message {
  const fail = (why: string): never => { throw new MessageError(why); };
  if (m.length < 12) fail(`message of ${m.length} bytes, shorter than a header`);
  const u16 = (at: number) => { if (at + 2 > m.length) fail(`u16 at ${at} past the end (${m.length})`); return (m[at] << 8) | m[at + 1]; };
  const u32 = (at: number) => u16(at) * 65536 + u16(at + 2);
  /** The name at `at`: its labels, and where it ends in the message. */
  const name = (at: number, end = m.length): { labels: Uint8Array[]; next: number; wire: number[] } => {
    const labels: Uint8Array[] = [];
    const wire: number[] = [];
    let pos = at;
    let next = -1;
    let floor = at;
    for (;;) {
      if (pos >= (next < 0 ? end : m.length)) fail(`name at ${at} runs past the end`);
      const c = m[pos];
      if ((c & 0xc0) === 0xc0) {
        if (pos + 1 >= m.length) fail(`pointer at ${pos} cut`);
        const target = ((c & 0x3f) << 8) | m[pos + 1];
        if (target >= floor) fail(`bad compression pointer at ${pos}: to ${target}, not before ${floor}`);
        if (next < 0) next = pos + 2;
        floor = target;
        pos = target;
        continue;
      }
      if (c & 0xc0) fail(`label type ${c >> 6} at ${pos}`);
      if (pos + 1 + c > m.length) fail(`label at ${pos} runs past the end`);
      wire.push(c, ...m.subarray(pos + 1, pos + 1 + c));
      if (wire.length > 255) fail(`name at ${at} longer than 255 bytes`);
      if (c === 0) break;
      labels.push(m.slice(pos + 1, pos + 1 + c));
      pos += 1 + c;
    }
    return { labels, next: next < 0 ? pos + 1 : next, wire };
  };
  const hex = (b: ArrayLike<number>) => Buffer.from(b as Uint8Array).toString("hex");
  const rdata = (type: number, at: number, len: number): string => {
    const end = at + len;
    const layout = LAYOUT[type];
    if (!layout) return hex(m.subarray(at, end));
    const out: number[] = [];
    let pos = at;
    for (const f of layout) {
      if (f === "n") {
        // Canonical form (RFC 4034 §6.2): names in RDATA lower-cased, as
        // their case after compression says nothing.
        const n = name(pos, end);
        out.push(...n.wire.map((c) => (c >= 65 && c <= 90 ? c | 0x20 : c)));
        pos = n.next;
      } else if (f === "*") {
        out.push(...m.subarray(pos, end));
        pos = end;
      } else if (f === "s") {
        if (pos >= end) fail(`character string at ${pos} past the RDATA`);
        const l = m[pos] + 1;
        out.push(...m.subarray(pos, pos + l));
        pos += l;
      } else {
        out.push(...m.subarray(pos, pos + f));
        pos += f;
      }
      if (pos > end) fail(`RDATA of type ${type} at ${at} runs past its length ${len}`);
    }
    if (pos !== end) fail(`RDATA of type ${type} at ${at}: ${end - pos} bytes left over`);
    return hex(out);
  };
  const id = u16(0), flags = u16(2);
  const counts = [u16(4), u16(6), u16(8), u16(10)];
  let pos = 12;
  const question: Question[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const n = name(pos);
    question.push({ name: nameText(n.labels), type: u16(n.next), klass: u16(n.next + 2) });
    pos = n.next + 4;
  }
  const sections: Rr[][] = [[], [], []];
  let edns: Edns | null = null;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const n = name(pos);
      const type = u16(n.next), klass = u16(n.next + 2), ttl = u32(n.next + 4), len = u16(n.next + 8);
      const at = n.next + 10;
      if (at + len > m.length) fail(`record at ${pos} runs past the end`);
      if (type === 41) {
        if (s !== 2 || edns || n.labels.length) fail("misplaced OPT record");
        edns = { udp: klass, extRcode: ttl >>> 24, version: (ttl >>> 16) & 0xff, do: (ttl & 0x8000) !== 0, options: hex(m.subarray(at, at + len)) };
      } else {
        sections[s].push({ name: nameText(n.labels), type, klass, ttl, rdata: rdata(type, at, len) });
      }
      pos = at + len;
    }
  }
  return {
    id, flags, opcode: (flags >> 11) & 0xf, rcode: (flags & 0xf) | ((edns?.extRcode ?? 0) << 4),
    question, answer: sections[0], authority: sections[1], additional: sections[2], edns, size: m.length,
  };
}

/** A query: one question, optional OPT (size, DO), the given flags. */
export function buildQuery(name: string, type: number, opts: { id?: number; flags?: number; klass?: number; edns?: { udp?: number; do?: boolean } } = {}): Uint8Array {
  const parts: number[] = [];
  const id = opts.id ?? 0x4d47;
  parts.push(id >> 8, id & 0xff, (opts.flags ?? 0) >> 8, (opts.flags ?? 0) & 0xff, 0, 1, 0, 0, 0, 0, 0, opts.edns ? 1 : 0);
  parts.push(...nameWire(name));
  const k = opts.klass ?? 1;
  parts.push(type >> 8, type & 0xff, k >> 8, k & 0xff);
  if (opts.edns) {
    const udp = opts.edns.udp ?? 1232;
    parts.push(0, 0, 41, udp >> 8, udp & 0xff, 0, 0, opts.edns.do ? 0x80 : 0, 0, 0, 0);
  }
  return Uint8Array.from(parts);
}

/** A name in presentation form (\X and \DDD escapes, Latin-1) as
 * uncompressed wire bytes, the root label included. */
export function nameWire(name: string): number[] {
  const out: number[] = [];
  let label: number[] = [];
  const end = () => { out.push(label.length, ...label); label = []; };
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === "\\") {
      const ddd = /^[0-9]{3}/.exec(name.slice(i + 1));
      if (ddd) { label.push(Number(ddd[0])); i += 3; } else { label.push(name.charCodeAt(i + 1)); i += 1; }
    } else if (c === ".") {
      if (label.length) end();
    } else label.push(name.charCodeAt(i));
  }
  if (label.length) end();
  out.push(0);
  return out;
}

const FLAG_NAMES: [number, string][] = [[0x8000, "qr"], [0x0400, "aa"], [0x0200, "tc"], [0x0100, "rd"], [0x0080, "ra"], [0x0020, "ad"], [0x0010, "cd"]];

/** The message as lines that compare field by field: header, then each
 * section's records sorted (a section is a set). */
export function describe(msg: Message): { header: string; answer: string[]; authority: string[]; additional: string[] } {
  const rr = (r: Rr) => `${r.name.toLowerCase()} ${r.ttl} ${r.klass} ${r.type} ${r.rdata}`;
  const flags = FLAG_NAMES.filter(([b]) => msg.flags & b).map(([, n]) => n).join(" ");
  const e = msg.edns ? ` edns(v${msg.edns.version}${msg.edns.do ? " do" : ""}${msg.edns.options ? ` options ${msg.edns.options}` : ""})` : "";
  return {
    header: `rcode=${msg.rcode} opcode=${msg.opcode} flags=[${flags}] q=${msg.question.map((q) => `${q.name} ${q.klass} ${q.type}`).join(",")}${e}`,
    answer: msg.answer.map(rr).sort(),
    authority: msg.authority.map(rr).sort(),
    additional: msg.additional.map(rr).sort(),
  };
}
