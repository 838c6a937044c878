/**
 * What the zone compiler knows of each type's RDATA once it is in wire
 * form, whichever way it was written (presentation or RFC 3597 `\# LEN
 * HEX`): whether it holds together for its type, as NSD's zone parser
 * insists, and its canonical form for comparing records (RFC 4034 §6.2:
 * names inside lower-cased), so that `NS ns` and `NS NS` are one record.
 *
 * A layout is a list of fields: "n" an uncompressed domain name, "s" a
 * character string ("s?" one if any bytes are left), a number a fixed
 * byte count, "s+" one or more strings to the end ("s*" zero or more),
 * "*" anything to the end (at least `min` bytes). `check` looks further
 * for the types whose layout depends on their own bytes (APL, IPSECKEY).
 */

type Field = number | "n" | "s" | "s?" | "s+" | "s*" | "*";

interface Layout {
  fields: Field[];
  /** What a valid one looks like, for the error message. */
  shape: string;
  /** For "*": the fewest bytes it may hold. */
  min?: number;
  /** What else is wrong with RDATA whose fields hold together, or null. */
  check?: (b: Uint8Array) => string | null;
  /** Whether names inside are lower-cased in canonical form (RFC 4034 §6.2, RFC 6840 §5.1). */
  canonicalNames?: boolean;
}

const NAME1: Layout = { fields: ["n"], shape: "one domain name", canonicalNames: true };

const LAYOUTS: Record<number, Layout> = {
  1: { fields: [4], shape: "an IPv4 address (4 bytes)" },
  28: { fields: [16], shape: "an IPv6 address (16 bytes)" },
  2: NAME1, 3: NAME1, 4: NAME1, 5: NAME1, 7: NAME1, 8: NAME1, 9: NAME1, 12: NAME1, 39: NAME1,
  6: { fields: ["n", "n", 20], shape: "two domain names and five 32-bit numbers", canonicalNames: true },
  13: { fields: ["s", "s"], shape: "two character strings (CPU, OS)" },
  14: { fields: ["n", "n"], shape: "two domain names", canonicalNames: true },
  17: { fields: ["n", "n"], shape: "two domain names (mailbox, TXT name)", canonicalNames: true },
  15: { fields: [2, "n"], shape: "a 16-bit preference and a domain name", canonicalNames: true },
  18: { fields: [2, "n"], shape: "a 16-bit subtype and a domain name", canonicalNames: true },
  21: { fields: [2, "n"], shape: "a 16-bit preference and a domain name", canonicalNames: true },
  36: { fields: [2, "n"], shape: "a 16-bit preference and a domain name", canonicalNames: true },
  16: { fields: ["s+"], shape: "one or more character strings" },
  99: { fields: ["s+"], shape: "one or more character strings" },
  33: { fields: [6, "n"], shape: "priority, weight, port (16 bits each) and a domain name", canonicalNames: true },
  35: { fields: [4, "s", "s", "s", "n"], shape: "order, preference, flags, service, regexp and a replacement name", canonicalNames: true },
  29: { fields: [16], shape: "version 0 and 15 bytes of size, precision, latitude, longitude, altitude" },
  43: { fields: [4, "*"], min: 1, shape: "key tag, algorithm, digest type and a digest" },
  59: { fields: [4, "*"], min: 1, shape: "key tag, algorithm, digest type and a digest" },
  44: { fields: [2, "*"], min: 1, shape: "algorithm, fingerprint type and a fingerprint" },
  52: { fields: [3, "*"], min: 1, shape: "usage, selector, matching type and data" },
  48: { fields: [4, "*"], min: 1, shape: "flags, protocol, algorithm and a public key" },
  60: { fields: [4, "*"], min: 1, shape: "flags, protocol, algorithm and a public key" },
  47: { fields: ["n", "*"], min: 0, shape: "a next domain name and a type bitmap" },
  256: { fields: [4, "*"], min: 0, shape: "priority, weight and a target" },
  64: { fields: [2, "n", "*"], min: 0, shape: "a priority, a target name and parameters" },
  65: { fields: [2, "n", "*"], min: 0, shape: "a priority, a target name and parameters" },
  257: { fields: [1, "s", "*"], min: 0, shape: "flags, a tag of 1 to 15 letters and digits, a value" },
  37: { fields: [5, "*"], min: 0, shape: "type, key tag, algorithm and a certificate" },
  46: { fields: [18, "n", "*"], min: 1, shape: "type covered, algorithm, labels, TTL, times, key tag, a signer name and a signature", canonicalNames: true },
  49: { fields: ["*"], min: 1, shape: "DHCID data" },
  50: { fields: [4, "s", "s", "*"], min: 0, shape: "algorithm, flags, iterations, a salt, a hashed name and a type bitmap" },
  51: { fields: [4, "s"], shape: "algorithm, flags, iterations and a salt" },
  62: { fields: [6, "*"], min: 0, shape: "a serial, flags and a type bitmap" },
  63: { fields: [6, "*"], min: 12, shape: "a serial, a scheme, a hash algorithm and a digest of at least 12 bytes" },
  11: { fields: [5, "*"], min: 0, shape: "an IPv4 address, a protocol and a bitmap of ports" },
  19: { fields: ["s"], shape: "one character string (a PSDN address)" },
  20: { fields: ["s", "s?"], shape: "one or two character strings (address, subaddress)" },
  22: { fields: ["*"], min: 0, shape: "an NSAP address" },
  24: { fields: [18, "n", "*"], min: 1, shape: "type covered, algorithm, labels, TTL, times, key tag, a signer name and a signature", canonicalNames: true },
  25: { fields: [4, "*"], min: 1, shape: "flags, protocol, algorithm and a public key" },
  26: { fields: [2, "n", "n"], shape: "a 16-bit preference and two domain names", canonicalNames: true },
  30: { fields: ["n", "*"], min: 1, shape: "a next domain name and a type bitmap", canonicalNames: true },
  42: { fields: ["*"], min: 0, shape: "address prefixes, each family, prefix, length and address", check: aplProblem },
  45: { fields: [3, "*"], min: 0, shape: "precedence, gateway type, algorithm, a gateway and a public key", check: ipseckeyProblem },
  53: { fields: [3, "*"], min: 1, shape: "usage, selector, matching type and data" },
  104: { fields: [10], shape: "a 16-bit preference and a 64-bit node identifier" },
  105: { fields: [6], shape: "a 16-bit preference and a 32-bit locator" },
  106: { fields: [10], shape: "a 16-bit preference and a 64-bit locator" },
  107: { fields: [2, "n"], shape: "a 16-bit preference and a domain name", canonicalNames: true },
  258: { fields: ["s*"], shape: "character strings" },
  32769: { fields: [4, "*"], min: 1, shape: "key tag, algorithm, digest type and a digest" },
  108: { fields: [6], shape: "a 48-bit address" },
  109: { fields: [8], shape: "a 64-bit address" },
};

/** Why `rdata` is not valid for `type`, or null. Types without a layout
 * here are opaque: any bytes are valid (RFC 3597). */
export function rdataProblem(type: number, rdata: Uint8Array): string | null {
  const l = LAYOUTS[type];
  if (!l) return null;
  const r = walk(l, rdata, () => {});
  if (r !== null) return `${r}; ${typeLabel(type)} RDATA is ${l.shape}`;
  if (type === 257 && !/^[A-Za-z0-9]{1,15}$/.test(Buffer.from(rdata.subarray(2, 2 + rdata[1])).toString("latin1"))) {
    return `the CAA tag must be 1 to 15 letters and digits (RFC 8659 §4.1)`;
  }
  if (type === 29 && rdata[0] !== 0) return `LOC version ${rdata[0]}: only version 0 exists (RFC 1876)`;
  const more = l.check?.(rdata);
  return more ? `${more}; ${typeLabel(type)} RDATA is ${l.shape}` : null;
}

/** The canonical form of valid RDATA: names inside lower-cased for the
 * types that RFC 4034 §6.2 lists. */
export function canonicalRdata(type: number, rdata: Uint8Array): Uint8Array {
  const l = LAYOUTS[type];
  if (!l?.canonicalNames) return rdata;
  const out = Uint8Array.from(rdata);
  walk(l, rdata, (at, len) => {
    for (let i = at; i < at + len; i++) if (out[i] >= 65 && out[i] <= 90) out[i] |= 0x20;
  });
  return out;
}

/** Walk the fields of `l` over `b`; `onName(at, len)` for each name. The
 * problem, or null when the fields fill `b` exactly. */
function walk(l: Layout, b: Uint8Array, onName: (at: number, len: number) => void): string | null {
  let pos = 0;
  for (const f of l.fields) {
    if (f === "n") {
      const n = nameLength(b, pos);
      if (n < 0) return `no valid uncompressed domain name at byte ${pos}`;
      onName(pos, n);
      pos += n;
    } else if (f === "s") {
      if (pos >= b.length || pos + 1 + b[pos] > b.length) return `character string at byte ${pos} runs past the end`;
      pos += 1 + b[pos];
    } else if (f === "s?") {
      if (pos < b.length && pos + 1 + b[pos] > b.length) return `character string at byte ${pos} runs past the end`;
      if (pos < b.length) pos += 1 + b[pos];
    } else if (f === "s+" || f === "s*") {
      if (f === "s+" && pos >= b.length) return "no character string";
      while (pos < b.length) {
        if (pos + 1 + b[pos] > b.length) return `character string at byte ${pos} runs past the end`;
        pos += 1 + b[pos];
      }
    } else if (f === "*") {
      if (b.length - pos < (l.min ?? 0)) return `${b.length} bytes are too few`;
      pos = b.length;
    } else {
      if (pos + f > b.length) return `${b.length} bytes are too few`;
      pos += f;
    }
  }
  return pos === b.length ? null : `${b.length - pos} bytes left over at the end`;
}

/** RFC 3123 §4: items of family (2 bytes), prefix, negation bit and
 * length (7 bits), and that many address bytes, exactly filling it. */
function aplProblem(b: Uint8Array): string | null {
  let pos = 0;
  while (pos < b.length) {
    if (pos + 4 > b.length) return `APL item at byte ${pos} is cut short`;
    pos += 4 + (b[pos + 3] & 0x7f);
    if (pos > b.length) return `APL item's address runs past the end`;
  }
  return null;
}

/** RFC 4025 §2.3: the gateway's form is given by its type (byte 1). */
function ipseckeyProblem(b: Uint8Array): string | null {
  const kind = b[1];
  if (kind > 3) return `gateway type ${kind} does not exist (0 to 3)`;
  const len = kind === 0 ? 0 : kind === 1 ? 4 : kind === 2 ? 16 : nameLength(b, 3);
  return len < 0 || 3 + len > b.length ? "the gateway runs past the end" : null;
}

/** Length of the uncompressed wire name at `at`, or -1. */
function nameLength(b: Uint8Array, at: number): number {
  let i = at;
  for (;;) {
    if (i >= b.length) return -1;
    const n = b[i];
    if (n > 63) return -1;
    i += n + 1;
    if (i - at > 255) return -1;
    if (n === 0) return i - at;
  }
}

const NAMES: Record<number, string> = {
  1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT", 17: "RP", 28: "AAAA",
  29: "LOC", 33: "SRV", 35: "NAPTR", 39: "DNAME", 43: "DS", 44: "SSHFP", 47: "NSEC", 48: "DNSKEY", 52: "TLSA",
  59: "CDS", 60: "CDNSKEY", 64: "SVCB", 65: "HTTPS", 99: "SPF", 256: "URI", 257: "CAA", 18: "AFSDB", 36: "KX",
  37: "CERT", 46: "RRSIG", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM", 61: "OPENPGPKEY", 62: "CSYNC", 63: "ZONEMD",
  108: "EUI48", 109: "EUI64", 3: "MD", 4: "MF", 7: "MB", 8: "MG", 9: "MR", 10: "NULL", 11: "WKS", 14: "MINFO", 19: "X25",
  20: "ISDN", 21: "RT", 22: "NSAP", 24: "SIG", 25: "KEY", 26: "PX", 30: "NXT", 42: "APL", 45: "IPSECKEY", 53: "SMIMEA",
  104: "NID", 105: "L32", 106: "L64", 107: "LP", 258: "AVC", 32769: "DLV",
};

export function typeLabel(type: number): string {
  return NAMES[type] ?? `TYPE${type}`;
}
