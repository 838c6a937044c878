// Shared by the X.509 tests: the harnessed entry (tests/x509/as/x509.ts)
// with its signature verifier backed by node:crypto, and a small PKI made
// with the real openssl command in a temporary folder.
import { execFileSync } from "node:child_process";
import { createPublicKey, constants, verify } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Harness } from "../harness/index.ts";

// libos/tls/x509/verifier.ts SignatureAlgorithm, in order.
const HASHES: (string | null)[] = ["", "sha256", "sha384", "sha512", "sha256", "sha384", "sha512", null, "sha256", "sha384", "sha512"];
const PSS_FIRST = 8;

/** The test-only import testSignatureVerify: real signature checks with
 * node:crypto. */
function verifierImports(h: Harness): Record<string, (...args: any[]) => unknown> {
  const bytes = (p: number, n: number) => new Uint8Array(h.memory.buffer, p, n).slice();
  return {
    testSignatureVerify: (alg: number, spki: number, spkiLen: number, msg: number, msgLen: number, sig: number, sigLen: number) => {
      if (alg <= 0 || alg >= HASHES.length) return 0;
      try {
        const key = createPublicKey({ key: Buffer.from(bytes(spki, spkiLen)), format: "der", type: "spki" });
        const options = alg >= PSS_FIRST ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : key;
        return verify(HASHES[alg], bytes(msg, msgLen), options, bytes(sig, sigLen)) ? 1 : 0;
      } catch {
        return 0; // a key node:crypto cannot read verifies nothing
      }
    },
  };
}

export class X509 {
  private constructor(readonly h: Harness) {}

  /** `assets`: the image's assets (e.g. the "/tls-ca" bundle). */
  static async start(assets: { name: string; bytes: Uint8Array }[] = []): Promise<X509> {
    return new X509(await Harness.start("tests/x509/as/x509.ts", { imports: verifierImports, assets }));
  }

  /** Call an export that returns a string (nameMatches: a number). */
  call(fn: string, input: Uint8Array, ...args: unknown[]): string {
    this.h.input(input);
    const r = this.h.callWithStrings(fn, ...args);
    if (this.h.exitStatus !== null) throw new Error(`${fn} stopped the image:\n${this.h.console}`);
    return fn === "nameMatches" ? String(r) : this.h.string(r)!;
  }

  parse(der: Uint8Array): string {
    return this.call("parse", der);
  }

  setAnchors(anchors: Uint8Array[]): string {
    return this.call("setAnchors", Buffer.concat(anchors));
  }

  /** The verdict on `chain` (leaf first) for `host` at `now` (seconds). */
  validate(chain: Uint8Array[], host: string, now: number): string {
    const framed = Buffer.concat(chain.flatMap((c) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(c.length);
      return [len, Buffer.from(c)];
    }));
    return this.call("validate", framed, host, BigInt(now));
  }

  nameMatches(pattern: string, host: string): boolean {
    return this.call("nameMatches", new Uint8Array(0), pattern, host) === "1";
  }
}

export type KeyKind = "ec" | "rsa" | "ed25519";

export interface Issued {
  name: string;
  cert: string;
  key: string;
  der: Uint8Array;
}

export interface CertOptions {
  key?: KeyKind;
  /** Who signs it; self-signed without. */
  issuer?: Issued;
  days?: number;
  /** Extension lines for openssl's extfile, e.g. "basicConstraints=critical,CA:TRUE". */
  ext?: string[];
  /** The subject's CN (default: the name). */
  cn?: string;
  /** An existing key file to certify instead of a new key. */
  keyFile?: string;
  /** Validity as openssl ca takes it (YYYYMMDDHHMMSSZ), instead of from
   * now for `days`: for certificates expired or not yet valid. */
  notBefore?: string;
  notAfter?: string;
}

/** Certificates and keys made by openssl in a temporary folder. */
export class Pki {
  readonly dir = mkdtempSync(path.join(tmpdir(), "morgana-x509-"));
  private serial = 1;

  openssl(...args: string[]): string {
    return execFileSync("openssl", args, { cwd: this.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  /** A new private key of this kind: its file. */
  key(name: string, kind: KeyKind): string {
    const file = path.join(this.dir, `${name}.key`);
    const alg = kind === "ec" ? ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
      : kind === "rsa" ? ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"] : ["-algorithm", "ED25519"];
    this.openssl("genpkey", ...alg, "-out", file);
    return file;
  }

  /** A certificate for `name`, issued as `opts` says. */
  cert(name: string, opts: CertOptions = {}): Issued {
    // Files named by serial: two certificates may share a name.
    const serial = this.serial++;
    const base = `${serial}-${name.replace(/[^A-Za-z0-9.-]/g, "_")}`;
    const key = opts.keyFile ?? this.key(base, opts.key ?? "ec");
    const csr = path.join(this.dir, `${base}.csr`);
    const cert = path.join(this.dir, `${base}.pem`);
    const extfile = path.join(this.dir, `${base}.ext`);
    writeFileSync(extfile, `[v3]\n${(opts.ext ?? []).join("\n")}\n`);
    this.openssl("req", "-new", "-key", key, "-subj", `/CN=${opts.cn ?? name}`, "-out", csr);
    const signer = opts.issuer ? ["-CA", opts.issuer.cert, "-CAkey", opts.issuer.key] : ["-signkey", key];
    const ext = opts.ext?.length ? ["-extfile", extfile, "-extensions", "v3"] : [];
    if (opts.notBefore && opts.notAfter && opts.issuer) {
      this.openssl("ca", "-batch", "-config", this.caConfig(), "-cert", opts.issuer.cert, "-keyfile", opts.issuer.key, "-in", csr,
        "-startdate", opts.notBefore, "-enddate", opts.notAfter, ...ext, "-notext", "-out", cert);
    } else {
      this.openssl("x509", "-req", "-in", csr, ...signer, "-days", String(opts.days ?? 30), "-set_serial", String(serial),
        ...ext, "-out", cert);
    }
    return { name, cert, key, der: this.der(cert) };
  }

  /** A CA certificate (basicConstraints cA, keyUsage keyCertSign). */
  ca(name: string, opts: CertOptions & { pathLen?: number } = {}): Issued {
    const bc = `basicConstraints=critical,CA:TRUE${opts.pathLen !== undefined ? `,pathlen:${opts.pathLen}` : ""}`;
    return this.cert(name, { ...opts, ext: [bc, "keyUsage=critical,keyCertSign,cRLSign", ...(opts.ext ?? [])] });
  }

  /** A TLS server certificate with these subjectAltName entries. */
  leaf(name: string, san: string[], opts: CertOptions = {}): Issued {
    const ext = san.length ? [`subjectAltName=${san.join(",")}`] : [];
    return this.cert(name, { ...opts, ext: [...ext, ...(opts.ext ?? [])] });
  }

  /** A minimal `openssl ca` configuration (database and serial here). */
  private caConfig(): string {
    const file = path.join(this.dir, "ca.cnf");
    if (!existsSync(file)) {
      writeFileSync(path.join(this.dir, "index.txt"), "");
      writeFileSync(path.join(this.dir, "serial"), "1000\n");
      writeFileSync(file, `[ca]\ndefault_ca = d\n[d]\ndatabase = ${this.dir}/index.txt\nnew_certs_dir = ${this.dir}\n` +
        `serial = ${this.dir}/serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n`);
    }
    return file;
  }

  der(pemFile: string): Uint8Array {
    return new Uint8Array(execFileSync("openssl", ["x509", "-in", pemFile, "-outform", "DER"]));
  }

  /** Write certificates (DER) as one PEM file, for openssl verify. */
  bundle(name: string, certs: Uint8Array[]): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, certs.map(pem).join(""));
    return file;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function pem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** A copy of `der` with one byte of its signature (the last byte) changed. */
export function flipSignature(der: Uint8Array): Uint8Array {
  const out = der.slice();
  out[out.length - 1] ^= 0x01;
  return out;
}

/** Seconds since the epoch, now. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);
