/**
 * The crypto binding (boot/crypto/): BearSSL behind the `morgana` imports named
 * crypto*, linked into an image only when its application imports one
 * (libos/tls does), as TCP is only in an image that imports it. Its C is
 * compiled with the boot flags plus SSE (it runs in ring 3, boot/boot.h
 * "Rings"), and Debian's libbearssl.a is linked after it, so the linker
 * takes only the BearSSL objects the binding calls.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { root } from "../root.ts";
import { BuildError } from "../diagnostics.ts";

export const cryptoDir = path.join(root, "boot", "crypto");

/** Where Debian's libbearssl-dev puts the static library; MORGANA_BEARSSL overrides. */
export function bearsslArchive(): string {
  return process.env.MORGANA_BEARSSL ?? "/usr/lib/x86_64-linux-gnu/libbearssl.a";
}

/** Where Debian's libsodium-dev puts the static library (Ed25519, which
 * BearSSL lacks); MORGANA_SODIUM overrides. */
export function sodiumArchive(): string {
  return process.env.MORGANA_SODIUM ?? "/usr/lib/x86_64-linux-gnu/libsodium.a";
}

/** The binding's file over libsodium, compiled only for images that import cryptoEd25519*. */
const ED25519_SOURCE = "ed25519.c";

/** Whether lowered C imports a cryptoEd25519* function. */
export function importsEd25519(loweredC: string): boolean {
  return loweredC.includes("app_import_morgana__cryptoEd25519");
}

/** Whether lowered C (prefix `app`) imports a crypto* function. */
export function importsCrypto(loweredC: string): boolean {
  return loweredC.includes("app_import_morgana__crypto");
}

/** The file that answers cryptoEd25519* with a failure, linked instead of
 * ed25519.c and libsodium when the image can never need them. */
const ED25519_ABSENT_SOURCE = "ed25519-absent.c";

/** Whether lowered C imports cryptoEd25519Verify. */
function importsEd25519Verify(loweredC: string): boolean {
  return loweredC.includes("app_import_morgana__cryptoEd25519Verify");
}

/** What an image needs of Ed25519: "libsodium" when the application
 * imports cryptoEd25519* and may use it; "absent" when it imports them
 * but cannot: it signs only with its one embedded TLS key, which is not
 * Ed25519 (`ed25519Key` false), and verifies no Ed25519 signature (a
 * server without client certificates, the website with a P-256 or RSA
 * certificate): about 85 KB of libsodium saved; "none" when it imports none. */
export function ed25519Needed(lowered: string[], ed25519Key?: boolean): "libsodium" | "absent" | "none" {
  if (!lowered.some(importsEd25519)) return "none";
  if (ed25519Key === false && !lowered.some(importsEd25519Verify)) return "absent";
  return "libsodium";
}

/** The binding's C sources and the archives to link after them (libsodium
 * only for "libsodium"); an E_CRYPTO_LIB when an archive is not installed. */
export async function cryptoInputs(need: "libsodium" | "absent" | "none" = "none"): Promise<{ sources: string[]; archives: string[] }> {
  const ed25519 = need === "libsodium";
  const archive = bearsslArchive();
  if (!existsSync(archive)) {
    throw new BuildError("E_CRYPTO_LIB", `the app uses libos/tls, which needs BearSSL's ${archive}, not found`);
  }
  const sodium = sodiumArchive();
  if (ed25519 && !existsSync(sodium)) {
    throw new BuildError("E_CRYPTO_LIB", `the app uses Ed25519, which needs libsodium's ${sodium}, not found`);
  }
  const sources = (await readdir(cryptoDir))
    .filter((n) => n.endsWith(".c") && (ed25519 || n !== ED25519_SOURCE) && (need === "absent" || n !== ED25519_ABSENT_SOURCE))
    .sort().map((n) => path.join(cryptoDir, n));
  return { sources, archives: ed25519 ? [archive, sodium] : [archive] };
}
