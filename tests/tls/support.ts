/**
 * Helpers for the TLS tests: a throwaway certificate made by the openssl
 * command line (Debian `openssl`), and a Node Duplex that carries a
 * node:tls client's bytes to and from the TLS server running in the
 * harness (tests/tls/as/server.ts), so OpenSSL's client meets Morgana's
 * server over an in-memory pipe.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Duplex } from "node:stream";
import type { Harness } from "../harness/index.ts";

export interface TestCert {
  certPem: string;
  keyPem: string;
  der: Uint8Array;
  /** The TLS signature scheme it signs with. */
  scheme: number;
  /** The private key in libos/tls/crypto.ts's form. */
  key: Uint8Array;
}

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);

/** A self-signed certificate for `names` (the first is the CN), with a
 * P-256 key (ecdsa_secp256r1_sha256), an RSA-2048 one (rsa_pss_rsae_sha256)
 * or an Ed25519 one (ed25519, the key its 32-byte seed). */
export function makeCert(names: string[], kind: "p256" | "rsa" | "ed25519" = "p256"): TestCert {
  const dir = mkdtempSync(path.join(tmpdir(), "morgana-tls-"));
  try {
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    const keyArgs = kind === "p256" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
      : kind === "ed25519" ? ["-newkey", "ed25519"] : ["-newkey", "rsa:2048"];
    execFileSync("openssl", ["req", "-x509", ...keyArgs, "-nodes",
      "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${names[0]}`,
      "-addext", `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}`], { stdio: "pipe" });
    const certPem = readFileSync(cert, "utf8");
    const keyPem = readFileSync(key, "utf8");
    const jwk = createPrivateKey(keyPem).export({ format: "jwk" });
    const field = (v?: string) => {
      const b = Buffer.from(v!, "base64url");
      return Buffer.concat([u16(b.length), b]);
    };
    const keyBytes = kind !== "rsa" ? Buffer.from(jwk.d!, "base64url")
      : Buffer.concat([jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map(field));
    return { certPem, keyPem, der: new Uint8Array(new X509Certificate(certPem).raw), scheme: { p256: 0x0403, rsa: 0x0804, ed25519: 0x0807 }[kind], key: new Uint8Array(keyBytes) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** configure()'s input: u16 count, (u16 length, DER)*, u16 scheme, u16
 * key length, the key, the names. */
export function configInput(cert: TestCert, names: string[]): Uint8Array {
  const parts: Buffer[] = [u16(1), u16(cert.der.length), Buffer.from(cert.der)];
  parts.push(u16(cert.scheme), u16(cert.key.length), Buffer.from(cert.key), Buffer.from(names.join(","), "utf8"));
  return new Uint8Array(Buffer.concat(parts));
}

/** The client side of the pipe, as a stream node:tls can run over. */
export class HarnessPipe extends Duplex {
  /** Every byte the client wrote, in order (its ClientHello first). */
  readonly sent: Buffer[] = [];
  private ended = false;

  constructor(private readonly h: Harness) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.sent.push(Buffer.from(chunk));
    this.h.input(new Uint8Array(chunk));
    const took = this.h.call("clientWrite") as number;
    if (took !== chunk.length) return done(new Error(`the pipe took ${took} of ${chunk.length} bytes`));
    this.collect();
    done();
  }

  override _final(done: (e?: Error | null) => void): void {
    this.h.call("clientShutdown");
    this.collect();
    done();
  }

  override _read(): void {
    this.collect();
  }

  /** Pass on what the server sent, and its end. */
  collect(): void {
    if (this.ended || this.h.exitStatus !== null) return;
    this.h.call("clientTake");
    const out = this.h.output();
    if (out.length > 0) this.push(Buffer.from(out));
    if (this.h.call("clientClosedYet")) {
      this.ended = true;
      this.push(null);
    }
  }
}
