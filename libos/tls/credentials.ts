// The server's certificate and key as the build embedded them
// (toolchain/tls/credentials.ts, from --tls-cert and --tls-key): reserved
// assets /tls/chain, /tls/key and /tls/names, read once at boot. They were
// checked at build time, but are read here as defensively as peer bytes:
// a malformed one gives null and a reason, never a trap.
import { findAsset } from "../platform/assets";
import { TlsCertificate } from "./config";
import { SIG_ECDSA_SECP256R1_SHA256, SIG_ED25519, SIG_RSA_PSS_RSAE_SHA256 } from "./crypto";
import { Reader } from "./reader";

const KEY_KIND_P256: u8 = 1;
const KEY_KIND_RSA: u8 = 2;
const KEY_KIND_ED25519: u8 = 3;

/** Why the last load failed. */
export let credentialsError = "";

/** The embedded certificate, or null: none embedded (credentialsError
 * empty) or malformed (it says what). */
export function embeddedCertificate(): TlsCertificate | null {
  credentialsError = "";
  const chainAsset = findAsset("/tls/chain");
  const keyAsset = findAsset("/tls/key");
  const namesAsset = findAsset("/tls/names");
  if (chainAsset === null || keyAsset === null) return null;
  const r = new Reader(chainAsset.bytes());
  const count = r.u16();
  const chain: Uint8Array[] = [];
  for (let i = 0; i < count && !r.bad; i++) chain.push(r.opaque(3).slice());
  const key = keyAsset.bytes();
  if (r.bad || !r.atEnd || count == 0) {
    credentialsError = "the embedded /tls/chain is malformed";
    return null;
  }
  const p256 = key.length == 33 && key[0] == KEY_KIND_P256;
  const rsa = key.length > 1 && key[0] == KEY_KIND_RSA;
  const ed25519 = key.length == 33 && key[0] == KEY_KIND_ED25519;
  if (!p256 && !rsa && !ed25519) {
    credentialsError = "the embedded /tls/key is neither a P-256, an RSA nor an Ed25519 key";
    return null;
  }
  const names: string[] = [];
  if (namesAsset !== null) {
    const lines = String.UTF8.decode(namesAsset.bytes().buffer).split("\n");
    for (let i = 0; i < lines.length; i++) if (lines[i].length > 0) names.push(lines[i]);
  }
  const scheme = p256 ? SIG_ECDSA_SECP256R1_SHA256 : ed25519 ? SIG_ED25519 : SIG_RSA_PSS_RSAE_SHA256;
  return new TlsCertificate(chain, key.slice(1), names, scheme);
}
