/**
 * `--tls-ca FILE`: the trust anchors of Morgana's TLS client, a PEM bundle
 * checked here before anything is compiled and embedded as the asset
 * TRUST_ANCHORS_ASSET (the certificates' DER, one after another), which
 * libos/tls/x509 (anchors.ts) reads at boot.
 *
 * Each certificate must parse, be a CA (basicConstraints cA) or
 * self-signed (a development certificate trusted as it is), have a key the
 * image can verify with (RSA, ECDSA P-256, Ed25519), be within the image's
 * size limit, and not be expired or not yet valid: the image checks an
 * anchor's validity too, so such an anchor would only fail later. A
 * private key in the file is refused: the bundle is public, the key must
 * not travel with it.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { BuildError } from "../diagnostics.ts";
import type { Asset } from "../assets/index.ts";

/** The asset's name: starting with '/', no request path names it (the
 * website's convention for its index). */
export const TRUST_ANCHORS_ASSET = "/tls-ca";
/** libos/tls/x509/certificate.ts MAX_CERTIFICATE_LEN. */
const MAX_CERTIFICATE_LEN = 32 * 1024;

export interface TrustAnchor {
  subject: string;
  der: Uint8Array;
  validTo: Date;
}

/** The certificates of the PEM bundle in `file`, checked; throws a
 * BuildError (E_TLS_CA) naming the file, line and what is wrong. */
export function readTrustAnchors(file: string, now = new Date()): TrustAnchor[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new BuildError("E_TLS_CA", `cannot read --tls-ca ${file}: ${(e as Error).message}`);
  }
  const out: TrustAnchor[] = [];
  const seen = new Set<string>();
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  for (const m of blocks) {
    const line = text.slice(0, m.index).split("\n").length;
    const fail = (why: string): never => {
      throw new BuildError("E_TLS_CA", why, { file, line, column: 1 });
    };
    if (m[1].includes("PRIVATE KEY")) fail(`--tls-ca holds a private key (${m[1]}); it takes certificates only: remove the key from this file`);
    if (m[1] !== "CERTIFICATE") fail(`--tls-ca takes CERTIFICATE blocks, not ${m[1]}`);
    const der = new Uint8Array(Buffer.from(m[2].replace(/\s+/g, ""), "base64"));
    let c: X509Certificate;
    try {
      c = new X509Certificate(der);
    } catch (e) {
      return fail(`this certificate does not parse: ${(e as Error).message}`);
    }
    const subject = c.subject.replace(/\n/g, ", ");
    const selfSigned = c.checkIssued(c) && c.verify(c.publicKey);
    if (!c.ca && !selfSigned) {
      fail(`${subject} is neither a CA nor self-signed, so no path can end at it: give the CA certificate that issued it`);
    }
    const key = c.publicKey;
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const supported = key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "ed25519" ||
      (key.asymmetricKeyType === "ec" && curve === "prime256v1");
    if (!supported) {
      fail(`${subject} has a ${key.asymmetricKeyType}${curve ? ` ${curve}` : ""} key; the TLS client verifies with RSA, ECDSA P-256 and Ed25519 keys only`);
    }
    if (der.length > MAX_CERTIFICATE_LEN) fail(`${subject} is ${der.length} bytes; the image reads certificates of up to ${MAX_CERTIFICATE_LEN}`);
    const validFrom = new Date(c.validFrom), validTo = new Date(c.validTo);
    if (validTo < now) fail(`${subject} expired on ${validTo.toISOString()}: every path through it would be refused; remove it or renew it`);
    if (validFrom > now) fail(`${subject} is not valid before ${validFrom.toISOString()}: is this machine's clock right?`);
    if (seen.has(c.fingerprint256)) continue;
    seen.add(c.fingerprint256);
    out.push({ subject, der, validTo });
  }
  if (out.length === 0) throw new BuildError("E_TLS_CA", `--tls-ca ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return out;
}

/** The asset the image reads its trust anchors from. */
export function trustAnchorAsset(file: string): Asset {
  const anchors = readTrustAnchors(file);
  return { name: TRUST_ANCHORS_ASSET, bytes: Uint8Array.from(anchors.flatMap((a) => [...a.der])) };
}
