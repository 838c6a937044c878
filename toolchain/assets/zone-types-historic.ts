/**
 * Presentation formats of the old types NSD 4.6's zone parser still
 * reads, to the wire forms NSD gives them: RFC 1035's mail types MD, MF
 * (obsolete), MB, MG, MR and MINFO, WKS (RFC 1035 §3.4.2), RFC 1183's
 * X25, ISDN and RT, NSAP (RFC 1706), PX (RFC 2163) and NXT (RFC 2535
 * §5.2). SIG and KEY take RRSIG's and DNSKEY's forms (zone-types.ts), as
 * in NSD. NSD does not read GPOS, A6, NSAP-PTR, ATMA or SINK by name; nor
 * does this compiler (RFC 3597's `TYPEnnn \# LEN HEX` serves for them).
 */
import { ZoneError } from "./zone-error.ts";
import { be, bytes, fieldCount, OTHER_TYPES, type Helpers, type Token } from "./zone-fields.ts";

export const HISTORIC_TYPES: Record<string, number> = {
  MD: 3, MF: 4, MB: 7, MG: 8, MR: 9, WKS: 11, MINFO: 14, X25: 19, ISDN: 20, RT: 21, NSAP: 22, PX: 26, NXT: 30,
};

/** IANA's protocol numbers NSD finds by name in /etc/protocols (the common ones). */
const PROTOCOLS: Record<string, number> = { ip: 0, icmp: 1, igmp: 2, tcp: 6, udp: 17, ipv6: 41, gre: 47, esp: 50, ah: 51, "ipv6-icmp": 58, sctp: 132 };

/** Well-known ports by service name (IANA's registry, the names NSD finds
 * in a Debian /etc/services), for WKS over TCP and UDP; any other port is
 * written as its number. */
const SERVICES: Record<string, number> = {
  echo: 7, discard: 9, daytime: 13, "ftp-data": 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, time: 37, whois: 43,
  tacacs: 49, domain: 53, bootps: 67, bootpc: 68, tftp: 69, gopher: 70, finger: 79, http: 80, kerberos: 88,
  pop3: 110, sunrpc: 111, auth: 113, nntp: 119, ntp: 123, imap2: 143, snmp: 161, "snmp-trap": 162, bgp: 179,
  irc: 194, ldap: 389, https: 443, "microsoft-ds": 445, submissions: 465, syslog: 514, submission: 587,
  ldaps: 636, rsync: 873, imaps: 993, pop3s: 995,
};

/** The RDATA of `type` from fields `f`, or null for a type not handled here. */
export function parseHistoricRdata(type: number, f: Token[], at: Token, h: Helpers): Uint8Array | null {
  const label = Object.keys(HISTORIC_TYPES).find((k) => HISTORIC_TYPES[k] === type);
  switch (type) {
    case 3: case 4: case 7: case 8: case 9:
      fieldCount(f, at, 1, 1, `${label} takes one domain name`);
      return h.name(f[0]);
    case 14: fieldCount(f, at, 2, 2, "MINFO takes a responsible mailbox and an error mailbox"); return bytes(h.name(f[0]), h.name(f[1]));
    case 21: fieldCount(f, at, 2, 2, "RT takes a preference and an intermediate host name"); return bytes(be(h.number(f[0], 65535), 2), h.name(f[1]));
    case 26:
      fieldCount(f, at, 3, 3, "PX takes a preference, a MAP822 name and a MAPX400 name");
      return bytes(be(h.number(f[0], 65535), 2), h.name(f[1]), h.name(f[2]));
    case 19: fieldCount(f, at, 1, 1, "X25 takes one PSDN address string"); return h.charString(f[0]);
    case 20: fieldCount(f, at, 1, 2, "ISDN takes an address string and an optional subaddress string"); return bytes(...f.map(h.charString));
    case 22: fieldCount(f, at, 1, 1, "NSAP takes one address: 0x and hex digits, dots allowed between them"); return nsap(f[0]);
    case 11: return wks(f, at, h);
    case 30: {
      fieldCount(f, at, 2, Infinity, "NXT takes a next name and the types present");
      return bytes(h.name(f[0]), nxtBitmap(f.slice(1), h));
    }
  }
  return null;
}

/** RFC 1706 §5: "0x" then hex digits, with dots anywhere for reading (NSD drops them). */
function nsap(t: Token): Uint8Array {
  const digits = t.text.replace(/\./g, "");
  if (!/^0[xX]([0-9a-fA-F]{2})*$/.test(digits)) {
    throw new ZoneError(`NSAP '${t.text}' is not 0x followed by pairs of hex digits (RFC 1706 §5)`, t.line, t.column);
  }
  return Uint8Array.from(Buffer.from(digits.slice(2), "hex"));
}

/** RFC 1035 §3.4.2: an address, a protocol, and a bitmap of ports, bit 0
 * the top bit of the first byte, as long as the highest port needs. */
function wks(f: Token[], at: Token, h: Helpers): Uint8Array {
  fieldCount(f, at, 3, Infinity, "WKS takes an IPv4 address, a protocol (tcp, udp or a number) and the services (names or port numbers)");
  const p = f[1].text;
  const proto = p.toLowerCase() in PROTOCOLS ? PROTOCOLS[p.toLowerCase()] : /^[0-9]+$/.test(p) ? h.number(f[1], 255) : -1;
  if (proto < 0) throw new ZoneError(`unknown protocol '${p}': write tcp, udp or the protocol's number`, f[1].line, f[1].column);
  const ports: number[] = f.slice(2).map((t) => {
    if (/^[0-9]+$/.test(t.text)) return h.number(t, 65535);
    // Service names are looked up as NSD does (getservbyname): exactly, in lower case.
    if ((proto === 6 || proto === 17) && t.text in SERVICES) return SERVICES[t.text];
    throw new ZoneError(`unknown service '${t.text}' for protocol ${p}: write its port number`, t.line, t.column);
  });
  const bitmap = new Array((Math.max(...ports) >> 3) + 1).fill(0);
  for (const port of ports) bitmap[port >> 3] |= 0x80 >> (port & 7);
  return bytes(h.ipv4(f[0]), [proto], bitmap);
}

/** RFC 2535 §5.2: one bit per type 1-127 (bit 0 the top bit of the first
 * byte), trailing zero bytes left out; larger types cannot be listed. */
function nxtBitmap(f: Token[], h: Helpers): number[] {
  const bits = new Array(16).fill(0);
  for (const t of f) {
    const n = h.typeNumber(t) ?? OTHER_TYPES[t.text.toUpperCase()] ?? null;
    if (n === null) throw new ZoneError(`unknown type '${t.text}' in the type list`, t.line, t.column);
    if (n === 0 || n > 127) throw new ZoneError(`NXT lists types 1 to 127 only (RFC 2535 §5.2), not ${t.text}`, t.line, t.column);
    bits[n >> 3] |= 0x80 >> (n & 7);
  }
  let len = 16;
  while (len > 0 && bits[len - 1] === 0) len--;
  return bits.slice(0, len);
}
