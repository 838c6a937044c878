/**
 * `morgana cert --dev NAME`: a self-signed development certificate and its
 * key, for the TLS server apps (--tls-cert, --tls-key) and for clients
 * told to trust it (--tls-ca, curl --cacert). node:crypto makes the key
 * and signs; the certificate is assembled here (der.ts) as RFC 5280 §4.1
 * lays it out: v3, a random 128-bit serial, the subject as issuer,
 * basicConstraints cA FALSE, keyUsage digitalSignature (and
 * keyEncipherment for RSA), extendedKeyUsage serverAuth, and the names in
 * subjectAltName (NAME, localhost, 127.0.0.1, ::1).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isIP } from "node:net";
import {
  bitString, boolean, children, content, explicit, implicit, integer, nullValue, octetString, oid, sequence, set, time,
  tlv, unsignedInteger, utf8String, type Der,
} from "./der.ts";

export type DevKeyType = "p256" | "rsa" | "ed25519";

export interface DevCertificate {
  /** PEM, with a trailing newline. */
  certificate: string;
  /** PKCS #8 PEM: keep it secret. */
  key: string;
  notAfter: Date;
  names: string[];
}

const SIGNATURE_ALGORITHMS: Record<DevKeyType, { algorithm: Der; hash: string | null; label: string }> = {
  // ecdsa-with-SHA256, no parameters (RFC 5758 §3.2).
  p256: { algorithm: sequence(oid("1.2.840.10045.4.3.2")), hash: "sha256", label: "ECDSA P-256" },
  // sha256WithRSAEncryption, NULL parameters (RFC 4055 §5).
  rsa: { algorithm: sequence(oid("1.2.840.113549.1.1.11"), nullValue()), hash: "sha256", label: "RSA 2048" },
  // id-Ed25519, no parameters (RFC 8410 §3).
  ed25519: { algorithm: sequence(oid("1.3.101.112")), hash: null, label: "Ed25519" },
};

export const keyTypeLabel = (t: DevKeyType) => SIGNATURE_ALGORITHMS[t].label;

/** Whether `name` can be a certificate's DNS name or address. */
export function validDevName(name: string): boolean {
  if (isIP(name)) return true;
  return name.length <= 253 && name.split(".").every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

function keyPair(type: DevKeyType): { publicKey: KeyObject; privateKey: KeyObject } {
  if (type === "p256") return generateKeyPairSync("ec", { namedCurve: "P-256" });
  if (type === "rsa") return generateKeyPairSync("rsa", { modulusLength: 2048 });
  return generateKeyPairSync("ed25519");
}

/** An address as the bytes of an iPAddress GeneralName. */
function addressBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split(".").map(Number));
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, ""];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t].map((g) => parseInt(g, 16));
  return Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
}

function extension(id: string, critical: boolean, value: Der): Der {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** A self-signed certificate for `name`, valid from an hour ago (for
 * clocks a little behind) for `days`. */
export function makeDevCertificate(name: string, type: DevKeyType = "p256", days = 365, now = new Date()): DevCertificate {
  const { publicKey, privateKey } = keyPair(type);
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const names = [name, "localhost", "127.0.0.1", "::1"].filter((n, i, all) => all.indexOf(n) === i);
  const sans = names.map((n) => (isIP(n) ? implicit(7, addressBytes(n)) : implicit(2, new TextEncoder().encode(n))));
  // keyUsage (RFC 5280 §4.2.1.3) as a BIT STRING's content: the unused
  // bits, then digitalSignature (bit 0) and keyEncipherment (bit 2).
  const ku = type === "rsa" ? Uint8Array.of(5, 0xa0) : Uint8Array.of(7, 0x80);
  // The subjectKeyIdentifier: SHA-1 of the key's bits, after the BIT
  // STRING's unused-bits byte (RFC 5280 §4.2.1.2 (1)).
  const ski = createHash("sha1").update(content(children(spki)[1]).subarray(1)).digest();
  const dn = sequence(set(sequence(oid("2.5.4.3"), utf8String(name))));
  // A positive 128-bit serial: the top bit cleared (RFC 5280 §4.1.2.2).
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 3600_000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const alg = SIGNATURE_ALGORITHMS[type];
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    unsignedInteger(serial),
    alg.algorithm,
    dn,
    sequence(time(notBefore), time(notAfter)),
    dn,
    spki,
    explicit(3, sequence(
      extension("2.5.29.19", true, sequence()), // basicConstraints: cA FALSE (the DEFAULT)
      extension("2.5.29.15", true, tlv(0x03, ku)),
      extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"))), // serverAuth
      extension("2.5.29.17", false, sequence(...sans)),
      extension("2.5.29.14", false, octetString(ski)),
    )),
  );
  const signature = sign(alg.hash, tbs, privateKey);
  const der = sequence(tbs, alg.algorithm, bitString(signature));
  return {
    certificate: toPem("CERTIFICATE", der),
    key: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    notAfter,
    names,
  };
}


export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
