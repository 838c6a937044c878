/**
 * The toolchain's diagnostics: every error the build can stop with, each
 * with what to do about it. A stage throws a BuildError; the CLI prints
 * `location: error CODE: message` and the hint, then exits non-zero.
 */

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export const catalogue = {
  E_ASC: "Fix the AssemblyScript source at the location shown.",
  E_HOST_API: "A unikernel runs without an operating system or browser under it: use the replacement named above (libos/platform has the console, clocks, timers, arguments and exit).",
  E_APP_NOT_FOUND: "Name one of the folders under apps/ (each needs a main.ts).",
  E_APP_DESCRIPTION: "Fix apps/NAME/app.json; see README.md, 'Writing an app'.",
  E_APP_JSON_MISSING: "Create app.json beside the app's main.ts; see README.md, 'Writing an app'.",
  E_WASM_INVALID: "The module is not valid WebAssembly; check the tool that produced it.",
  E_WASM_UNSUPPORTED: "The module uses a WebAssembly feature the lowering does not support; see toolchain/lower/README.md.",
  E_LOWER_LIMIT: "The module goes past a limit of the lowering itself (see the message); split the function named, or report the module.",
  E_CC: "The C compiler failed on generated or boot code; rerun with --keep and report the .c file.",
  E_CC_MISSING: "Install a C compiler and binutils: apt-get install gcc binutils.",
  E_TLS_CREDENTIALS: "Fix the certificate chain or key named (PEM; the server's certificate first, then its issuers; an unencrypted ECDSA P-256 key that matches it).",
  E_CRYPTO_LIB: "Install BearSSL and libsodium (Ed25519), which libos/tls links into the image: apt-get install libbearssl-dev libsodium-dev.",
  E_MANIFEST: "Fix the device list in apps/NAME/app.json: names are alphanumeric, at most 67 characters, at most 63 devices.",
  E_ZONE: "Fix the zone file at the line shown (RFC 1035 master-file format; see apps/dns/README.md).",
  E_ASSETS: "Check the assets folder: regular files only, inside the folder, under 4 GiB in all.",
  E_USAGE: "Run `morgana help` for the commands and options.",
  E_TLS_CA: "Give --tls-ca a PEM file of CA certificates (or a self-signed certificate from `morgana cert --dev`) with RSA, P-256 or Ed25519 keys.",
} as const;

export type DiagnosticCode = keyof typeof catalogue;

export class BuildError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly location?: SourceLocation,
    /** Further lines, e.g. more compiler messages. */
    readonly details: string[] = [],
  ) {
    super(message);
  }

  /** The lines the CLI prints for this error. */
  format(): string {
    const where = this.location
      ? `${this.location.file}:${this.location.line}:${this.location.column}: `
      : "";
    return [
      `${where}error ${this.code}: ${this.message}`,
      ...this.details,
      `  hint: ${catalogue[this.code]}`,
    ].join("\n");
  }
}
