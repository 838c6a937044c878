// Server identity (RFC 6125 §6): does the certificate name the host the
// client meant to reach?
// - An IP address is matched only against iPAddress entries of the
//   subjectAltName, byte for byte (RFC 6125 §1.7.2, RFC 5280 §4.2.1.6).
// - A DNS name is matched against dNSName entries; only when there are
//   none is the subject's commonName used (§6.4.4).
// - Comparison is case-insensitive over ASCII (§6.4.1); a trailing dot on
//   either side is ignored (an absolute name, RFC 1034 §3.1).
// - A wildcard is allowed only as the whole leftmost label, matching
//   exactly one non-empty label, and only with at least two labels after
//   it (§6.4.3 and RFC 9525 §6.3): "*.example.com" matches
//   "www.example.com", never "example.com", "a.b.example.com", and
//   "f*.example.com" or "*.com" match nothing.
import { IpAddress } from "../../wire/ip";
import { Certificate } from "./certificate";

/** Whether `cert` is a certificate for `host` (a DNS name or an IP
 * address literal, "[v6]" allowed). */
export function matchesHost(cert: Certificate, host: string): bool {
  const ext = cert.extensions;
  const ip = IpAddress.parse(host);
  if (ip !== null) {
    for (let i = 0; i < ext.ipAddresses.length; i++) {
      if (sameAddress(ext.ipAddresses[i], ip)) return true;
    }
    return false;
  }
  const names = ext.dnsNames.length > 0 ? ext.dnsNames : cert.subject.commonNames;
  for (let i = 0; i < names.length; i++) {
    if (matchesName(names[i], host)) return true;
  }
  return false;
}

/** The identities `host` was compared with, for the rejection message. */
export function presentedNames(cert: Certificate): string {
  const ext = cert.extensions;
  const out: string[] = [];
  const names = ext.dnsNames.length > 0 ? ext.dnsNames : cert.subject.commonNames;
  for (let i = 0; i < names.length && i < 8; i++) out.push(names[i]);
  for (let i = 0; i < ext.ipAddresses.length && out.length < 8; i++) out.push(addressText(ext.ipAddresses[i]));
  return out.length == 0 ? "no names" : out.join(", ");
}

/** One presented DNS identifier against the reference name. */
export function matchesName(pattern: string, host: string): bool {
  pattern = withoutTrailingDot(pattern);
  host = withoutTrailingDot(host);
  if (pattern.length == 0 || host.length == 0 || !isHostName(host)) return false;
  if (pattern.startsWith("*.")) {
    const rest = pattern.substring(1); // ".example.com"
    // At least two labels after the wildcard: "*.com" names a whole TLD.
    if (rest.indexOf(".", 1) < 0 || !isHostName(rest.substring(1))) return false;
    const dot = host.indexOf(".");
    return dot > 0 && equalsAscii(host.substring(dot), rest);
  }
  // Any other '*' is a partial wildcard or garbage: never matches.
  return isHostName(pattern) && equalsAscii(pattern, host);
}

function withoutTrailingDot(s: string): string {
  return s.endsWith(".") ? s.substring(0, s.length - 1) : s;
}

/** LDH labels separated by single dots (RFC 1123 §2.1, with '_' allowed
 * as found in practice); no empty label. */
function isHostName(s: string): bool {
  if (s.length == 0 || s.length > 253) return false;
  let label = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x2e) {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f;
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

function equalsAscii(a: string, b: string): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x != y) return false;
  }
  return true;
}

function sameAddress(b: Uint8Array, ip: IpAddress): bool {
  if (b.length == 4) return ip.isV4 && ip.v4 == readBe32(b, 0);
  if (b.length != 16 || !ip.isV6) return false;
  const hi = (<u64>readBe32(b, 0) << 32) | readBe32(b, 4);
  const lo = (<u64>readBe32(b, 8) << 32) | readBe32(b, 12);
  return ip.hi == hi && ip.lo == lo;
}

function readBe32(b: Uint8Array, at: i32): u32 {
  return (<u32>b[at] << 24) | (<u32>b[at + 1] << 16) | (<u32>b[at + 2] << 8) | b[at + 3];
}

function addressText(b: Uint8Array): string {
  if (b.length == 4) return IpAddress.v4(readBe32(b, 0)).toString();
  const hi = (<u64>readBe32(b, 0) << 32) | readBe32(b, 4);
  const lo = (<u64>readBe32(b, 8) << 32) | readBe32(b, 12);
  return IpAddress.v6(hi, lo).toString();
}
