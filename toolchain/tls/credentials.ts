/**
 * TLS credentials for an image (`--tls-cert FILE --tls-key FILE`): a PEM
 * certificate chain (the server's certificate first) and its PEM private
 * key, checked with node:crypto before anything is compiled, then turned
 * into reserved assets the image reads at boot (libos/tls/credentials.ts):
 *
 *   /tls/chain   u16 count, then per certificate u24 length and its DER
 *   /tls/key     u8 kind, then the key: 1, ECDSA P-256: the 32-byte scalar;
 *                2, RSA: n, e, d, p, q, dp, dq, qi, each u16 length + integer;
 *                3, Ed25519: the 32-byte seed (RFC 8032 §5.1.5)
 *   /tls/names   the DNS names the certificate is for, one per line
 *
 * Reserved names start with '/', so no request path can name them
 * (apps/website/paths.ts never yields one).
 *
 * Checks, each an E_TLS_CREDENTIALS that says what to do: the files read
 * and parse; the key is not encrypted; it matches the certificate; its
 * algorithm is one libos/tls signs with (ECDSA P-256, RSA of 2048 to
 * 4096 bits, used with RSA-PSS, or Ed25519); the chain's
 * order (each certificate issued by the next). Warnings (not errors): the
 * certificate is expired, not yet valid, or expires within 30 days. No
 * message ever contains key material.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { BuildError } from "../diagnostics.ts";
import type { Asset } from "../assets/index.ts";

export interface TlsFiles {
  cert: string;
  key: string;
}

export interface Credentials {
  chain: X509Certificate[];
  names: string[];
  assets: Asset[];
  warnings: string[];
}

export const KEY_KIND_P256 = 1;
export const KEY_KIND_RSA = 2;
export const KEY_KIND_ED25519 = 3;
/** The reserved asset holding the key: its kind byte, then the key. */
export const TLS_KEY_ASSET = "/tls/key";
const DAY = 86_400_000;

function fail(message: string): never {
  throw new BuildError("E_TLS_CREDENTIALS", message);
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    fail(`cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Every certificate of a PEM file, in order. */
export function parseChain(pem: string, file: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) fail(`${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      fail(`certificate ${i + 1} of ${file} does not parse: ${(e as Error).message}`);
    }
  });
}

function parseKey(pem: string, file: string): KeyObject {
  if (/ENCRYPTED/.test(pem)) fail(`the key ${file} is encrypted; the image needs it in the clear: openssl pkey -in ${file} -out KEY.pem`);
  try {
    return createPrivateKey(pem);
  } catch {
    // The parser's message may quote the input: say only what failed.
    fail(`${file} is not a PEM private key (PKCS #8, SEC 1 or PKCS #1)`);
  }
}

/** The DNS names of a certificate: its subjectAltName, else its CN. */
export function certificateNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (san) {
    const dns = san.split(/,\s*/).filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4));
    if (dns.length) return dns;
  }
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject);
  return cn ? [cn[1]] : [];
}

function u24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

/** Reads and checks the files; `now` for the validity warnings. */
export function loadCredentials(files: TlsFiles, now = new Date()): Credentials {
  const chain = parseChain(readText(files.cert, "certificate chain"), files.cert);
  const key = parseKey(readText(files.key, "private key"), files.key);
  const leaf = chain[0];
  if (!leaf.checkPrivateKey(key)) fail(`the key ${files.key} does not belong to the first certificate of ${files.cert}`);
  const details = key.asymmetricKeyDetails ?? {};
  const p256 = key.asymmetricKeyType === "ec" && details.namedCurve === "prime256v1";
  const rsa = key.asymmetricKeyType === "rsa" && (details.modulusLength ?? 0) >= 2048 && (details.modulusLength ?? 0) <= 4096;
  const ed25519 = key.asymmetricKeyType === "ed25519";
  if (!p256 && !rsa && !ed25519) {
    const kind = key.asymmetricKeyType === "ec" ? `EC ${details.namedCurve}` : key.asymmetricKeyType === "rsa" ? `RSA-${details.modulusLength}` : key.asymmetricKeyType;
    fail(`the key is ${kind}; libos/tls signs with ECDSA P-256, RSA of 2048 to 4096 bits or Ed25519 (see libos/tls/README.md): make one with ` +
      `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout KEY.pem -out CERT.pem -subj /CN=NAME`);
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i].checkIssued(chain[i + 1])) {
      fail(`certificate ${i + 1} of ${files.cert} is not issued by certificate ${i + 2}: list the server's certificate first, then each issuer in order`);
    }
  }
  const warnings: string[] = [];
  const from = new Date(leaf.validFrom), to = new Date(leaf.validTo);
  if (to.getTime() < now.getTime()) warnings.push(`the certificate expired on ${leaf.validTo}: clients will refuse it`);
  else if (to.getTime() - now.getTime() < 30 * DAY) warnings.push(`the certificate expires on ${leaf.validTo}, within 30 days`);
  if (from.getTime() > now.getTime()) warnings.push(`the certificate is not valid before ${leaf.validFrom}`);
  const names = certificateNames(leaf);
  if (names.length === 0) warnings.push("the certificate names no DNS name (subjectAltName or CN): it is served to every client");

  const jwk = key.export({ format: "jwk" });
  const field = (v: string | undefined) => {
    const b = Buffer.from(v!, "base64url");
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const d = Buffer.from(jwk.d!, "base64url");
  const keyBytes = p256
    ? Buffer.concat([Buffer.from([KEY_KIND_P256]), Buffer.alloc(32 - d.length), d])
    : ed25519 ? Buffer.concat([Buffer.from([KEY_KIND_ED25519]), d])
    : Buffer.concat([Buffer.from([KEY_KIND_RSA]), ...[jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map(field)]);
  const chainBytes = Buffer.concat([Buffer.from([chain.length >> 8, chain.length & 0xff]), ...chain.flatMap((c) => [u24(c.raw.length), c.raw])]);
  const assets: Asset[] = [
    { name: "/tls/chain", bytes: new Uint8Array(chainBytes) },
    { name: TLS_KEY_ASSET, bytes: new Uint8Array(keyBytes) },
    { name: "/tls/names", bytes: new TextEncoder().encode(names.join("\n") + "\n") },
  ];
  return { chain, names, assets, warnings };
}
