/**
 * Presentation formats of the types that carry addresses or locators,
 * to the wire forms NSD 4.6 gives them: APL (RFC 3123 §4), IPSECKEY (RFC
 * 4025 §3) and ILNP's NID, L32, L64 and LP (RFC 6742 §2.1-2.4).
 */
import { ZoneError } from "./zone-error.ts";
import { base64, be, bytes, fieldCount, type Helpers, type Token } from "./zone-fields.ts";

export const ADDRESS_TYPES: Record<string, number> = { APL: 42, IPSECKEY: 45, NID: 104, L32: 105, L64: 106, LP: 107 };

/** The RDATA of `type` from fields `f`, or null for a type not handled here. */
export function parseAddressRdata(type: number, f: Token[], at: Token, h: Helpers): Uint8Array | null {
  const u16 = (t: Token) => be(h.number(t, 65535), 2);
  switch (type) {
    case 42: return bytes(...f.map((t) => aplItem(t, h)));
    case 45: return ipseckey(f, at, h);
    case 104: case 106:
      fieldCount(f, at, 2, 2, `${type === 104 ? "NID" : "L64"} takes a preference and four groups of hex digits joined by ':'`);
      return bytes(u16(f[0]), ilnp64(f[1]));
    case 105: fieldCount(f, at, 2, 2, "L32 takes a preference and an IPv4 address"); return bytes(u16(f[0]), h.ipv4(f[1]));
    case 107: fieldCount(f, at, 2, 2, "LP takes a preference and a domain name"); return bytes(u16(f[0]), h.name(f[1]));
  }
  return null;
}

/** RFC 3123 §4: `[!]family:address/prefix`, family 1 (IPv4) or 2 (IPv6);
 * the address without its trailing zero bytes, its length beside the
 * negation bit. Bits past the prefix are kept as written, as NSD does. */
function aplItem(t: Token, h: Helpers): number[] {
  const m = /^(!?)([12]):([^/]+)\/([0-9]{1,3})$/.exec(t.text);
  if (!m) throw new ZoneError(`APL item '${t.text}' is not [!]family:address/prefix with family 1 or 2 (RFC 3123 §4)`, t.line, t.column);
  const v4 = m[2] === "1";
  const address = [...(v4 ? h.ipv4 : h.ipv6)({ ...t, text: m[3] })];
  const prefix = Number(m[4]);
  if (prefix > (v4 ? 32 : 128)) throw new ZoneError(`APL prefix /${prefix} is longer than the address (${v4 ? 32 : 128} bits)`, t.line, t.column);
  let len = address.length;
  while (len > 0 && address[len - 1] === 0) len--;
  return [...be(v4 ? 1 : 2, 2), prefix, (m[1] ? 0x80 : 0) | len, ...address.slice(0, len)];
}

/** RFC 4025 §3: precedence, gateway type, algorithm, the gateway (none,
 * IPv4, IPv6 or an uncompressed name, by its type) and an optional key. */
function ipseckey(f: Token[], at: Token, h: Helpers): Uint8Array {
  fieldCount(f, at, 4, Infinity, "IPSECKEY takes precedence, gateway type, algorithm, a gateway and optionally a public key in base64");
  const kind = h.number(f[1], 255);
  // Type 0 has no gateway: its field (RFC 4025 §3.1 writes ".") is read and ignored, as NSD does.
  // A gateway name is written in lower case, as NSD writes it (its names, but for RRSIG's, SIG's and NSEC's, pass through
  // its case-folding name parser): case in a name has no meaning (RFC 4343), and the wire forms stay equal.
  const gateway = kind === 0 ? [] : kind === 1 ? h.ipv4(f[3]) : kind === 2 ? h.ipv6(f[3]) : kind === 3 ? lower(h.name(f[3])) : null;
  if (gateway === null) throw new ZoneError(`IPSECKEY gateway type ${kind}: only 0 (none), 1 (IPv4), 2 (IPv6) and 3 (a name) exist (RFC 4025 §2.3)`, f[1].line, f[1].column);
  return bytes([h.number(f[0], 255), kind, h.number(f[2], 255)], gateway, f.length > 4 ? base64(f.slice(4), at) : []);
}

const lower = (name: Uint8Array) => name.map((c) => (c >= 65 && c <= 90 ? c | 0x20 : c));

/** RFC 6742 §2.1: 64 bits as four groups of 1-4 hex digits joined by ':'. */
function ilnp64(t: Token): number[] {
  const groups = t.text.split(":");
  if (groups.length !== 4 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) {
    throw new ZoneError(`'${t.text}' is not four groups of 1 to 4 hex digits joined by ':' (RFC 6742 §2.1)`, t.line, t.column);
  }
  return groups.flatMap((g) => be(parseInt(g, 16), 2));
}
