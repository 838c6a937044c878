/**
 * A small DER encoder (ITU-T X.690 §8, §10): enough to build an X.509
 * certificate, which node:crypto can sign but not assemble. Every value
 * is encoded whole: definite lengths in their shortest form, INTEGERs
 * minimal and positive, times as RFC 5280 §4.1.2.5 requires.
 */

export type Der = Uint8Array;

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** A tag-length-value. */
export function tlv(tag: number, content: Uint8Array): Der {
  return Uint8Array.from([tag, ...length(content.length), ...content]);
}

const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

export const sequence = (...items: Der[]) => tlv(0x30, concat(items));
export const set = (...items: Der[]) => tlv(0x31, concat(items));
/** [n] EXPLICIT: a constructed context tag around one value. */
export const explicit = (n: number, value: Der) => tlv(0xa0 | n, value);
/** [n] IMPLICIT over a primitive value's content. */
export const implicit = (n: number, content: Uint8Array) => tlv(0x80 | n, content);
export const boolean = (v: boolean) => tlv(0x01, Uint8Array.of(v ? 0xff : 0x00));
export const nullValue = () => tlv(0x05, new Uint8Array(0));
export const octetString = (b: Uint8Array) => tlv(0x04, b);
/** A BIT STRING of whole bytes (no unused bits). */
export const bitString = (b: Uint8Array) => tlv(0x03, concat([Uint8Array.of(0), b]));
export const utf8String = (s: string) => tlv(0x0c, new TextEncoder().encode(s));

/** A non-negative INTEGER from its big-endian magnitude. */
export function unsignedInteger(magnitude: Uint8Array): Der {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(0x02, m.length && m[0] & 0x80 ? concat([Uint8Array.of(0), m]) : m.length ? m : Uint8Array.of(0));
}

export const integer = (n: number) => {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return unsignedInteger(Uint8Array.from(bytes));
};

/** An OBJECT IDENTIFIER from dotted text (X.690 §8.19). */
export function oid(dotted: string): Der {
  const arcs = dotted.split(".").map(Number);
  const out: number[] = [];
  const base128 = (v: number) => {
    const b = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) b.unshift(0x80 | (v & 0x7f));
    out.push(...b);
  };
  base128(arcs[0] * 40 + arcs[1]);
  for (const a of arcs.slice(2)) base128(a);
  return tlv(0x06, Uint8Array.from(out));
}

/** A certificate time: UTCTime through 2049, GeneralizedTime from 2050
 * (RFC 5280 §4.1.2.5), whole seconds, Z. */
export function time(d: Date): Der {
  const iso = d.toISOString(); // 2026-12-03T16:59:03.123Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "") + "Z";
  const year = d.getUTCFullYear();
  return year < 2050 ? tlv(0x17, new TextEncoder().encode(digits.slice(2))) : tlv(0x18, new TextEncoder().encode(digits));
}

/** The header size and content length of the element at `at`. */
function header(der: Uint8Array, at: number): { size: number; len: number } {
  const first = der[at + 1];
  if (first < 0x80) return { size: 2, len: first };
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[at + 2 + i];
  return { size: 2 + n, len };
}

/** The elements inside a constructed element (trusted input: DER this
 * toolchain or node:crypto made). */
export function children(der: Uint8Array): Uint8Array[] {
  const outer = header(der, 0);
  const out: Uint8Array[] = [];
  for (let at = outer.size; at < outer.size + outer.len;) {
    const h = header(der, at);
    out.push(der.subarray(at, at + h.size + h.len));
    at += h.size + h.len;
  }
  return out;
}

/** The content of a primitive element. */
export function content(der: Uint8Array): Uint8Array {
  return der.subarray(header(der, 0).size);
}
