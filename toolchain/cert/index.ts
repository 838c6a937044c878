/**
 * `morgana cert`: certificates for TLS at development time.
 *
 *   morgana cert --dev NAME [--rsa | --ed25519] [--out DIR] [--days N] [--force]
 *
 * Writes DIR/NAME.pem (a self-signed certificate, dev.ts) and DIR/NAME.key
 * (its private key, mode 600), DIR being ./certs unless told, and prints
 * the flags that use them. Existing files are kept unless --force.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { keyTypeLabel, makeDevCertificate, validDevName, type DevKeyType } from "./dev.ts";

export const certUsage = `  morgana cert --dev NAME [--rsa | --ed25519] [--out DIR] [--days N] [--force]
      Write a self-signed development certificate for NAME (also valid for
      localhost, 127.0.0.1 and ::1) and its key: DIR/NAME.pem and DIR/NAME.key
      (DIR is ./certs unless --out says), ECDSA P-256 unless --rsa (RSA 2048)
      or --ed25519, valid for 365 days unless --days. Build a TLS server with
      --tls-cert DIR/NAME.pem --tls-key DIR/NAME.key; a client trusts it with
      --tls-ca DIR/NAME.pem (or curl --cacert DIR/NAME.pem).`;

/** A mistake on the command line: the CLI prints it with the usage. */
export class CertUsageError extends Error {}

export interface CertCommandResult {
  certFile: string;
  keyFile: string;
  lines: string[];
}

/** Runs `morgana cert ARGS`; what it wrote and the lines to print. */
export function certCommand(argv: string[]): CertCommandResult {
  let name: string | undefined;
  let out = "certs";
  let type: DevKeyType = "p256";
  let days = 365;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new CertUsageError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--dev") name = value();
    else if (a === "--out") out = value();
    else if (a === "--days") days = Number(value());
    else if (a === "--rsa" || a === "--ed25519") {
      if (type !== "p256") throw new CertUsageError("give one of --rsa and --ed25519, not both");
      type = a === "--rsa" ? "rsa" : "ed25519";
    } else if (a === "--force") force = true;
    else throw new CertUsageError(`unknown option ${a} (known: --dev, --rsa, --ed25519, --out, --days, --force)`);
  }
  if (name === undefined) throw new CertUsageError("cert needs --dev NAME: only development certificates are made");
  if (!validDevName(name)) {
    throw new CertUsageError(`"${name}" is neither a host name (letters, digits and hyphens in dot-separated labels) nor an IP address`);
  }
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new CertUsageError("--days must be a whole number from 1 to 3650");
  const certFile = path.join(out, `${name}.pem`);
  const keyFile = path.join(out, `${name}.key`);
  for (const f of [certFile, keyFile]) {
    if (existsSync(f) && !force) throw new CertUsageError(`${f} exists; remove it or give --force to replace it`);
  }
  const dev = makeDevCertificate(name, type, days);
  mkdirSync(out, { recursive: true });
  writeFileSync(certFile, dev.certificate);
  // The key is written readable by its owner only, before it holds anything.
  writeFileSync(keyFile, "", { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(keyFile, dev.key);
  return {
    certFile,
    keyFile,
    lines: [
      `wrote ${certFile} (self-signed, ${keyTypeLabel(type)}, for ${dev.names.join(", ")}; valid until ${dev.notAfter.toISOString().slice(0, 10)})`,
      `wrote ${keyFile} (its private key, readable by you only; keep it out of version control)`,
      `serve TLS with:   npx morgana build --app APP --tls-cert ${certFile} --tls-key ${keyFile}` +
        (type === "ed25519" ? " (clients must offer ed25519: OpenSSL 1.1.1+ and GnuTLS do, browsers mostly not)" : ""),
      `trust it with:    --tls-ca ${certFile} (Morgana's TLS client), curl --cacert ${certFile}`,
    ],
  };
}
