// Entry for tests/x509/*.test.ts: certificates parsed and described as
// text, chains validated against anchors set from the JS side, host name
// patterns matched. Signatures are checked by the test's node:crypto
// (testSignatureVerify, which only the harness provides, for this test):
// real cryptography, test-side only; images get theirs from the TLS
// binding.
import {
  Certificate, DerStatus, PathValidator, SignatureAlgorithm, SignatureVerifier, TrustAnchors, X509Error,
  matchesName, x509ErrorName,
} from "../../../libos/tls/x509/index";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes } from "../../harness/as/io";

@external("morgana", "testSignatureVerify")
declare function nodeVerify(alg: i32, spki: usize, spkiLen: i32, msg: usize, msgLen: i32, sig: usize, sigLen: i32): i32;

class NodeVerifier extends SignatureVerifier {
  verify(algorithm: SignatureAlgorithm, spki: Uint8Array, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): bool {
    return nodeVerify(<i32>algorithm, spki.dataStart, spki.length, message.dataStart, message.length,
      signature.dataStart, signature.length) == 1;
  }
}

let anchors = new TrustAnchors();

/** The input bytes (concatenated DER) become the trust anchors. */
export function setAnchors(): string {
  anchors = TrustAnchors.fromDer(inputBytes());
  return anchors.error == X509Error.Ok ? "ok " + anchors.certs.length.toString()
    : "error: " + x509ErrorName(anchors.error) + " at " + anchors.offset.toString();
}

/** The input is the presented chain, each certificate as a u32
 * big-endian length then its DER; the verdict as text. */
export function validate(host: string, now: i64): string {
  const input = inputBytes();
  const chain: Uint8Array[] = [];
  let at = 0;
  while (at + 4 <= input.length) {
    const len = <i32>((<u32>input[at] << 24) | (<u32>input[at + 1] << 16) | (<u32>input[at + 2] << 8) | input[at + 3]);
    at += 4;
    chain.push(input.subarray(at, at + len));
    at += len;
  }
  return new PathValidator(anchors, new NodeVerifier()).validate(chain, host, now).toString();
}

/** The input certificate described field by field, or its error. */
export function parse(): string {
  const c = new Certificate();
  const status = new DerStatus();
  const e = c.parse(inputBytes(), status);
  if (e != X509Error.Ok) return "error: " + x509ErrorName(e) + " at " + status.offset.toString();
  const x = c.extensions;
  const ips: string[] = [];
  for (let i = 0; i < x.ipAddresses.length; i++) ips.push(x.ipAddresses[i].length.toString());
  return "v" + c.version.toString() + " serial=" + c.serial.length.toString() + "B sig=" + (<i32>c.signatureAlgorithm).toString() +
    " key=" + (<i32>c.keyType).toString() + " keylen=" + c.publicKey.length.toString() +
    " notBefore=" + c.notBefore.toString() + " notAfter=" + c.notAfter.toString() +
    " subject=" + c.subject.toString() + " issuer=" + c.issuer.toString() +
    " ca=" + (x.hasBasicConstraints ? (x.isCa ? "1" : "0") : "-") + " pathLen=" + x.pathLen.toString() +
    " ku=" + (x.hasKeyUsage ? x.keyUsage.toString() : "-") + " serverAuth=" + (x.hasExtKeyUsage ? (x.serverAuth ? "1" : "0") : "-") +
    " dns=" + x.dnsNames.join(",") + " ips=" + ips.join(",") + " nc=" + (x.hasNameConstraints ? "1" : "0") +
    " unknownCritical=" + (x.unknownCritical !== null ? "1" : "0");
}

/** Whether a presented DNS identifier matches the reference host name. */
export function nameMatches(pattern: string, host: string): i32 {
  return matchesName(pattern, host) ? 1 : 0;
}

/** The anchors built into the image (the "/tls-ca" asset) become the
 * trust anchors. */
export function useBuiltInAnchors(): string {
  anchors = TrustAnchors.builtIn();
  return anchors.error == X509Error.Ok ? "ok " + anchors.certs.length.toString()
    : "error: " + x509ErrorName(anchors.error) + " at " + anchors.offset.toString();
}
