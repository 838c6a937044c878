// Certificate extensions (RFC 5280 §4.2): the ones path validation and
// host name checks need are parsed; the key identifiers are recognised and
// skipped; any other extension is ignored when non-critical, and the first
// unknown critical one is remembered so that validation refuses the
// certificate (§4.2: "MUST reject the certificate if it encounters a
// critical extension it does not recognize").
import {
  DerReader, TAG_BIT_STRING, TAG_BOOLEAN, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE,
  tagContextPrimitive,
} from "./der";
import { X509Error } from "./error";
import { asciiText, sameBytes } from "./name";
import {
  OID_ANY_EXTENDED_KEY_USAGE, OID_AUTHORITY_KEY_ID, OID_BASIC_CONSTRAINTS, OID_EXT_KEY_USAGE, OID_KEY_USAGE,
  OID_NAME_CONSTRAINTS, OID_SERVER_AUTH, OID_SUBJECT_ALT_NAME, OID_SUBJECT_KEY_ID,
} from "./oid";

export const MAX_EXTENSIONS: i32 = 32;
export const MAX_ALT_NAMES: i32 = 256;

// keyUsage bits, numbered as RFC 5280 §4.2.1.3 numbers them.
export const KU_DIGITAL_SIGNATURE: u32 = 1 << 0;
export const KU_KEY_CERT_SIGN: u32 = 1 << 5;

const TAG_DNS_NAME = tagContextPrimitive(2);
const TAG_IP_ADDRESS = tagContextPrimitive(7);

export class Extensions {
  hasBasicConstraints: bool = false;
  isCa: bool = false;
  /** pathLenConstraint, or -1 when absent. */
  pathLen: i32 = -1;
  hasKeyUsage: bool = false;
  /** KU_* bits. */
  keyUsage: u32 = 0;
  hasExtKeyUsage: bool = false;
  /** extendedKeyUsage names id-kp-serverAuth or anyExtendedKeyUsage. */
  serverAuth: bool = false;
  hasAltNames: bool = false;
  dnsNames: string[] = [];
  /** iPAddress entries: 4 bytes (IPv4) or 16 (IPv6), network order. */
  ipAddresses: Uint8Array[] = [];
  hasNameConstraints: bool = false;
  /** The OID of the first critical extension not understood, or null. */
  unknownCritical: Uint8Array | null = null;

  /** Read the content of [3] EXPLICIT Extensions. */
  read(outer: DerReader): bool {
    if (!outer.expect(TAG_SEQUENCE)) return false;
    const list = outer.enter();
    // SIZE (1..MAX) (RFC 5280 §4.1).
    if (list.atEnd) return outer.fail(X509Error.Malformed, outer.start);
    const seen: Uint8Array[] = [];
    while (list.ok && !list.atEnd) {
      const at = list.pos;
      if (seen.length >= MAX_EXTENSIONS) return list.fail(X509Error.TooLarge, at);
      if (!list.expect(TAG_SEQUENCE)) return false;
      const ext = list.enter();
      if (!ext.expect(TAG_OID)) return false;
      const oid = ext.content();
      // At most one instance of an extension (RFC 5280 §4.2).
      for (let i = 0; i < seen.length; i++) if (sameBytes(seen[i], oid)) return list.fail(X509Error.Malformed, at);
      seen.push(oid);
      let critical = false;
      if (ext.peek() == TAG_BOOLEAN) {
        const v = ext.readBoolean();
        // DER leaves out a DEFAULT value (X.690 §11.5): FALSE is never written.
        if (v != 1) return ext.fail(X509Error.Malformed, at);
        critical = true;
      }
      if (!ext.expect(TAG_OCTET_STRING) || !ext.finish()) return false;
      const value = ext.enter();
      if (!this.readValue(oid, value, critical) || !value.finish()) return false;
    }
    return list.ok;
  }

  private readValue(oid: Uint8Array, v: DerReader, critical: bool): bool {
    if (equalsOid(oid, OID_BASIC_CONSTRAINTS)) return this.readBasicConstraints(v);
    if (equalsOid(oid, OID_KEY_USAGE)) return this.readKeyUsage(v);
    if (equalsOid(oid, OID_EXT_KEY_USAGE)) return this.readExtKeyUsage(v);
    if (equalsOid(oid, OID_SUBJECT_ALT_NAME)) return this.readAltNames(v);
    if (equalsOid(oid, OID_NAME_CONSTRAINTS)) {
      this.hasNameConstraints = true;
      return v.read();
    }
    if (equalsOid(oid, OID_SUBJECT_KEY_ID) || equalsOid(oid, OID_AUTHORITY_KEY_ID)) return v.read();
    if (critical && this.unknownCritical === null) this.unknownCritical = oid;
    v.pos = v.end;
    return true;
  }

  /** SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL } (§4.2.1.9). */
  private readBasicConstraints(v: DerReader): bool {
    if (!v.expect(TAG_SEQUENCE)) return false;
    const s = v.enter();
    this.hasBasicConstraints = true;
    if (s.peek() == TAG_BOOLEAN) {
      const at = s.pos;
      if (s.readBoolean() != 1) return s.fail(X509Error.Malformed, at);
      this.isCa = true;
    }
    if (s.peek() == TAG_INTEGER) {
      this.pathLen = s.readSmallInt();
      if (this.pathLen < 0) return false;
    }
    return s.finish();
  }

  /** KeyUsage ::= BIT STRING (§4.2.1.3). */
  private readKeyUsage(v: DerReader): bool {
    const at = v.pos;
    if (!v.expect(TAG_BIT_STRING)) return false;
    const b = v.content();
    if (b.length < 2 || b.length > 3 || b[0] > 7) return v.fail(X509Error.Malformed, at);
    let bits: u32 = 0;
    for (let i = 1; i < b.length; i++) {
      for (let j = 0; j < 8; j++) if ((<i32>b[i] & (0x80 >> j)) != 0) bits |= 1 << ((i - 1) * 8 + j);
    }
    this.hasKeyUsage = true;
    this.keyUsage = bits;
    return true;
  }

  /** SEQUENCE SIZE (1..MAX) OF KeyPurposeId (§4.2.1.12). */
  private readExtKeyUsage(v: DerReader): bool {
    if (!v.expect(TAG_SEQUENCE)) return false;
    const s = v.enter();
    if (s.atEnd) return v.fail(X509Error.Malformed, v.start);
    let n = 0;
    while (s.ok && !s.atEnd) {
      if (++n > MAX_ALT_NAMES) return s.fail(X509Error.TooLarge, s.pos);
      if (!s.expect(TAG_OID)) return false;
      if (s.contentIs(OID_SERVER_AUTH) || s.contentIs(OID_ANY_EXTENDED_KEY_USAGE)) this.serverAuth = true;
    }
    this.hasExtKeyUsage = true;
    return s.ok;
  }

  /** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (§4.2.1.6);
   * dNSName and iPAddress kept, the other forms skipped. */
  private readAltNames(v: DerReader): bool {
    if (!v.expect(TAG_SEQUENCE)) return false;
    const s = v.enter();
    if (s.atEnd) return v.fail(X509Error.Malformed, v.start);
    let n = 0;
    while (s.ok && !s.atEnd) {
      const at = s.pos;
      if (++n > MAX_ALT_NAMES) return s.fail(X509Error.TooLarge, at);
      if (!s.read()) return false;
      if (s.tag == TAG_DNS_NAME) {
        this.dnsNames.push(asciiText(s.content()));
      } else if (s.tag == TAG_IP_ADDRESS) {
        if (s.len != 4 && s.len != 16) return s.fail(X509Error.Malformed, at);
        this.ipAddresses.push(s.content());
      }
    }
    this.hasAltNames = true;
    return s.ok;
  }
}

function equalsOid(a: Uint8Array, b: StaticArray<u8>): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
