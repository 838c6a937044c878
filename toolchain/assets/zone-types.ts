/**
 * Presentation formats of the record types beyond RFC 1035's that NSD's
 * zone parser accepts, each to its canonical wire form: SPF (RFC 7208),
 * RP (RFC 1183), LOC (RFC 1876), NAPTR (RFC 3403), DS and CDS (RFC 4034
 * §5.3, RFC 7344), SSHFP (RFC 4255), NSEC (RFC 4034 §4.2), DNSKEY and
 * CDNSKEY (RFC 4034 §2.2), TLSA (RFC 6698 §2.2), OPENPGPKEY (RFC 7929),
 * SVCB and HTTPS (RFC 9460 §2.1), URI (RFC 7553), AFSDB (RFC 1183), KX
 * (RFC 2230), CERT (RFC 4398), RRSIG (RFC 4034 §3.2), DHCID (RFC 4701),
 * NSEC3 and NSEC3PARAM (RFC 5155 §3.3, §4.3), CSYNC (RFC 7477), ZONEMD
 * (RFC 8976), EUI48 and EUI64 (RFC 7043), and those sharing their forms:
 * SIG and KEY (RFC 2535), SMIMEA (RFC 8162), AVC, DLV (RFC 4431); the
 * old types and the address types are in zone-types-historic.ts and
 * zone-types-addresses.ts. zonefile.ts calls `parseMoreRdata` with its
 * own token helpers; every mistake is a ZoneError at the token.
 */
import { ZoneError } from "./zone-error.ts";
import { ADDRESS_TYPES, parseAddressRdata } from "./zone-types-addresses.ts";
import { HISTORIC_TYPES, parseHistoricRdata } from "./zone-types-historic.ts";
import { ALGORITHMS, base32hex, base64, be, bytes, hex, OTHER_TYPES, salt, sigTime, typeBitmap, type Helpers, type Token } from "./zone-fields.ts";

export type { Helpers, Token };

export const MORE_TYPES: Record<string, number> = {
  RP: 17, AFSDB: 18, LOC: 29, NAPTR: 35, KX: 36, CERT: 37, DS: 43, SSHFP: 44, RRSIG: 46, NSEC: 47, DNSKEY: 48,
  DHCID: 49, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61, CSYNC: 62, ZONEMD: 63,
  SVCB: 64, HTTPS: 65, SPF: 99, EUI48: 108, EUI64: 109, URI: 256,
  // NSD's other names: SIG and KEY (RFC 2535) in RRSIG's and DNSKEY's forms, SMIMEA (RFC 8162) in TLSA's,
  // AVC (IANA, 2016) in TXT's, DLV (RFC 4431) in DS's; NULL (RFC 1035 §3.3.10) only as \# data.
  SIG: 24, KEY: 25, SMIMEA: 53, AVC: 258, DLV: 32769, NULL: 10,
  ...HISTORIC_TYPES, ...ADDRESS_TYPES,
};

/** RFC 4398 §2.1's certificate type mnemonics. */
const CERT_TYPES: Record<string, number> = { PKIX: 1, SPKI: 2, PGP: 3, IPKIX: 4, ISPKI: 5, IPGP: 6, ACPKIX: 7, IACPKIX: 8, URI: 253, OID: 254 };

/** The RDATA of `type` from fields `f`, or null for a type not handled here. */
export function parseMoreRdata(type: number, f: Token[], at: Token, h: Helpers): Uint8Array | null {
  const need = (n: number, what: string) => {
    if (f.length !== n) throw new ZoneError(`${what} (${f.length} field${f.length === 1 ? "" : "s"} given)`, at.line, at.column);
  };
  const atLeast = (n: number, what: string) => {
    if (f.length < n) throw new ZoneError(`${what} (${f.length} field${f.length === 1 ? "" : "s"} given)`, at.line, at.column);
  };
  const u8 = (t: Token) => [h.number(t, 255)];
  const u16 = (t: Token) => be(h.number(t, 65535), 2);
  const algorithm = (t: Token) => [t.text.toUpperCase() in ALGORITHMS ? ALGORITHMS[t.text.toUpperCase()] : h.number(t, 255)];
  switch (type) {
    case 99: case 258: // SPF and AVC: as TXT
      if (f.length === 0) throw new ZoneError(`${type === 99 ? "SPF" : "AVC"} takes at least one string`, at.line, at.column);
      return bytes(...f.map(h.charString));
    case 17: need(2, "RP takes a mailbox name and a TXT name"); return bytes(h.name(f[0]), h.name(f[1]));
    case 35:
      need(6, "NAPTR takes order, preference, flags, service, regexp and a replacement name");
      return bytes(u16(f[0]), u16(f[1]), h.charString(f[2]), h.charString(f[3]), h.charString(f[4]), h.name(f[5]));
    case 43: case 59: case 32769:
      atLeast(4, "DS takes a key tag, an algorithm, a digest type and the digest in hex");
      return bytes(u16(f[0]), algorithm(f[1]), u8(f[2]), hex(f.slice(3), at));
    case 44:
      atLeast(3, "SSHFP takes an algorithm, a fingerprint type and the fingerprint in hex");
      return bytes(u8(f[0]), u8(f[1]), hex(f.slice(2), at));
    case 52: case 53:
      atLeast(4, "TLSA and SMIMEA takes usage, selector, matching type and the data in hex");
      return bytes(u8(f[0]), u8(f[1]), u8(f[2]), hex(f.slice(3), at));
    case 48: case 60: case 25:
      atLeast(4, "DNSKEY and KEY take flags, protocol, algorithm and the key in base64");
      return bytes(u16(f[0]), u8(f[1]), algorithm(f[2]), base64(f.slice(3), at));
    case 61: atLeast(1, "OPENPGPKEY takes a key in base64"); return base64(f, at);
    case 256: {
      need(3, "URI takes priority, weight and a quoted target");
      return bytes(u16(f[0]), u16(f[1]), h.unescape(f[2]));
    }
    case 47: atLeast(1, "NSEC takes a next name and the types present"); return bytes(h.name(f[0]), typeBitmap(f.slice(1), h));
    case 18: need(2, "AFSDB takes a subtype and a host name"); return bytes(u16(f[0]), h.name(f[1]));
    case 36: need(2, "KX takes a preference and an exchanger name"); return bytes(u16(f[0]), h.name(f[1]));
    case 37: {
      atLeast(4, "CERT takes a type, a key tag, an algorithm and the certificate in base64");
      const ct = f[0].text.toUpperCase() in CERT_TYPES ? [0, CERT_TYPES[f[0].text.toUpperCase()]] : u16(f[0]);
      return bytes(ct, u16(f[1]), algorithm(f[2]), base64(f.slice(3), at));
    }
    case 49: atLeast(1, "DHCID takes its data in base64"); return base64(f, at);
    case 108: case 109: {
      need(1, `${type === 108 ? "EUI48" : "EUI64"} takes one address, pairs of hex digits joined by '-'`);
      const pairs = type === 108 ? 6 : 8;
      if (!new RegExp(`^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){${pairs - 1}}$`).test(f[0].text)) {
        throw new ZoneError(`'${f[0].text}' is not ${pairs} pairs of hex digits joined by '-' (RFC 7043 §3.2)`, f[0].line, f[0].column);
      }
      return Uint8Array.from(Buffer.from(f[0].text.replace(/-/g, ""), "hex"));
    }
    case 51:
      need(4, "NSEC3PARAM takes an algorithm, flags, iterations and a salt (hex, or - for none)");
      return bytes(u8(f[0]), u8(f[1]), u16(f[2]), salt(f[3]));
    case 50: {
      atLeast(5, "NSEC3 takes an algorithm, flags, iterations, a salt, the next hashed owner and the types present");
      const next = base32hex(f[4]);
      return bytes(u8(f[0]), u8(f[1]), u16(f[2]), salt(f[3]), [next.length], next, typeBitmap(f.slice(5), h));
    }
    case 62:
      atLeast(2, "CSYNC takes a serial, flags and the types to synchronise");
      return bytes(be(h.number(f[0], 0xffffffff), 4), u16(f[1]), typeBitmap(f.slice(2), h));
    case 63:
      atLeast(4, "ZONEMD takes a serial, a scheme, a hash algorithm and the digest in hex");
      return bytes(be(h.number(f[0], 0xffffffff), 4), u8(f[1]), u8(f[2]), hex(f.slice(3), at));
    case 46: case 24: {
      atLeast(9, "RRSIG and SIG take the type covered, algorithm, labels, original TTL, expiration, inception, key tag, signer and signature");
      const covered = h.typeNumber(f[0]) ?? OTHER_TYPES[f[0].text.toUpperCase()];
      if (covered === undefined) throw new ZoneError(`unknown type '${f[0].text}'`, f[0].line, f[0].column);
      return bytes(be(covered, 2), algorithm(f[1]), u8(f[2]), be(h.number(f[3], 0xffffffff), 4), be(sigTime(f[4]), 4),
        be(sigTime(f[5]), 4), u16(f[6]), h.name(f[7]), base64(f.slice(8), at));
    }
    case 29: return loc(f, at);
    case 64: case 65: return svcb(f, at, h);
  }
  return parseHistoricRdata(type, f, at, h) ?? parseAddressRdata(type, f, at, h);
}

/** RFC 1876 appendix A: `d [m [s]] N|S d [m [s]] E|W alt[m] [size[m] [hp[m] [vp[m]]]]`. */
function loc(f: Token[], at: Token): Uint8Array {
  const bad = (t: Token | undefined, what: string): never => { throw new ZoneError(`LOC: ${what}`, t?.line ?? at.line, t?.column ?? at.column); };
  let i = 0;
  const coordinate = (hemis: string, maxDeg: number): number => {
    const deg = Number(f[i]?.text);
    if (!/^[0-9]+$/.test(f[i]?.text ?? "") || deg > maxDeg) bad(f[i], `degrees must be 0 to ${maxDeg}`);
    i++;
    let min = 0, sec = 0;
    if (/^[0-9]+$/.test(f[i]?.text ?? "")) {
      min = Number(f[i++].text);
      if (min > 59) bad(f[i - 1], "minutes must be 0 to 59");
      if (/^[0-9]+(\.[0-9]{1,3})?$/.test(f[i]?.text ?? "")) {
        sec = Number(f[i++].text);
        if (sec >= 60) bad(f[i - 1], "seconds must be under 60");
      }
    }
    const h = f[i]?.text.toUpperCase() ?? "";
    if (!hemis.includes(h) || h.length !== 1) bad(f[i], `expected ${hemis[0]} or ${hemis[1]}`);
    i++;
    const ms = Math.round(((deg * 60 + min) * 60 + sec) * 1000);
    return h === hemis[0] ? 2 ** 31 + ms : 2 ** 31 - ms;
  };
  const lat = coordinate("NS", 90);
  const lon = coordinate("EW", 180);
  const meters = (t: Token | undefined, min: number, max: number): number => {
    const m = /^(-?[0-9]+(?:\.[0-9]{1,2})?)m?$/.exec(t?.text ?? "");
    if (!m || Number(m[1]) < min || Number(m[1]) > max) bad(t, `'${t?.text}' is not a distance in meters from ${min} to ${max}`);
    return Math.round(Number(m![1]) * 100);
  };
  const alt = meters(f[i++], -100000, 42849672.95) + 10000000;
  /** RFC 1876: a size in cm as mantissa (high nibble) and power of ten. */
  const precision = (cm: number) => {
    let e = 0;
    while (cm >= 10 && e < 9) { cm = Math.floor(cm / 10); e++; }
    return (Math.min(cm, 9) << 4) | e;
  };
  const size = i < f.length ? meters(f[i++], 0, 90000000) : 100;
  const hp = i < f.length ? meters(f[i++], 0, 90000000) : 1000000;
  const vp = i < f.length ? meters(f[i++], 0, 90000000) : 1000;
  if (i !== f.length) bad(f[i], "too many fields");
  return bytes([0, precision(size), precision(hp), precision(vp)], be(lat, 4), be(lon, 4), be(alt, 4));
}

const SVC_KEYS: Record<string, number> = { mandatory: 0, alpn: 1, "no-default-alpn": 2, port: 3, ipv4hint: 4, ech: 5, ipv6hint: 6 };

/** RFC 9460 §2.1: priority, target, then key=value parameters, sorted by key. */
function svcb(f: Token[], at: Token, h: Helpers): Uint8Array {
  if (f.length < 2) throw new ZoneError("SVCB and HTTPS take a priority, a target name and parameters", at.line, at.column);
  const params = new Map<number, number[]>();
  // `key="a value"` arrives as two tokens, `key=` and the quoted value.
  const fields: Token[] = [];
  for (const t of f.slice(2)) {
    const last = fields[fields.length - 1];
    if (t.quoted && last && last.text.endsWith("=") && !last.quoted) fields[fields.length - 1] = { ...last, text: last.text + t.text };
    else fields.push(t);
  }
  for (const t of fields) {
    const eq = t.text.indexOf("=");
    const keyText = (eq < 0 ? t.text : t.text.slice(0, eq)).toLowerCase();
    const raw = eq < 0 ? "" : t.text.slice(eq + 1);
    const key = keyText in SVC_KEYS ? SVC_KEYS[keyText] : /^key[0-9]{1,5}$/.test(keyText) ? Number(keyText.slice(3)) : -1;
    if (key < 0 || key > 65535) throw new ZoneError(`unknown SVCB parameter '${keyText}'`, t.line, t.column);
    if (params.has(key)) throw new ZoneError(`SVCB parameter '${keyText}' given twice`, t.line, t.column);
    const value = { ...t, text: raw };
    const list = raw.split(",");
    let v: number[];
    switch (key) {
      case 0: v = list.map((k) => {
        const n = k in SVC_KEYS ? SVC_KEYS[k] : /^key[0-9]+$/.test(k) ? Number(k.slice(3)) : -1;
        if (n < 0) throw new ZoneError(`unknown key '${k}' in mandatory`, t.line, t.column);
        return n;
      }).sort((a, b) => a - b).flatMap((n) => be(n, 2)); break;
      case 1: v = list.flatMap((id) => { const b = h.unescape({ ...value, text: id }); return [b.length, ...b]; }); break;
      case 2: if (raw) throw new ZoneError("no-default-alpn takes no value", t.line, t.column); v = []; break;
      case 3: v = be(h.number(value, 65535), 2); break;
      case 4: v = list.flatMap((a) => [...h.ipv4({ ...value, text: a })]); break;
      case 6: v = list.flatMap((a) => [...h.ipv6({ ...value, text: a })]); break;
      case 5: v = [...base64([value], t)]; break;
      default: v = h.unescape(value);
    }
    params.set(key, v);
  }
  const out: number[] = [...be(h.number(f[0], 65535), 2), ...h.name(f[1])];
  for (const k of [...params.keys()].sort((a, b) => a - b)) out.push(...be(k, 2), ...be(params.get(k)!.length, 2), ...params.get(k)!);
  return Uint8Array.from(out);
}
