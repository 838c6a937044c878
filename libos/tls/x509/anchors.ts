// The trust anchors a TLS client validates against: the certificates the
// toolchain embedded from --tls-ca (toolchain/cert/anchors.ts checked them
// and wrote their DER one after another as the asset "/tls-ca"), or any
// such bundle of DER certificates.
import { findAsset } from "../../platform/assets";
import { Certificate } from "./certificate";
import { DerReader, DerStatus } from "./der";
import { X509Error } from "./error";

/** The asset name toolchain/cert/anchors.ts gives the bundle. */
export const TRUST_ANCHORS_ASSET = "/tls-ca";

/** The trust anchors: certificates parsed from concatenated DER (what
 * the toolchain embeds from --tls-ca). */
export class TrustAnchors {
  certs: Certificate[] = [];
  /** Ok, or why the bundle does not parse (`offset` into the bundle). */
  error: X509Error = X509Error.Ok;
  offset: i32 = 0;

  /** The anchors built into the image with --tls-ca; an empty set if it
   * was built without (every path is then refused as unknown issuer). */
  static builtIn(): TrustAnchors {
    const a = findAsset(TRUST_ANCHORS_ASSET);
    return a === null ? new TrustAnchors() : TrustAnchors.fromDer(a.bytes());
  }

  static fromDer(bundle: Uint8Array): TrustAnchors {
    const t = new TrustAnchors();
    let at = 0;
    while (at < bundle.length && t.error == X509Error.Ok) {
      // Each certificate is one element: its header gives its length.
      const status = new DerStatus();
      const r = new DerReader(bundle, at, bundle.length, status);
      if (!r.read()) {
        t.error = status.error;
        t.offset = status.offset;
        break;
      }
      const len = r.pos - at;
      const c = new Certificate();
      if (c.parse(bundle.subarray(at, at + len), status) != X509Error.Ok) {
        t.error = status.error;
        t.offset = at + status.offset;
        break;
      }
      t.certs.push(c);
      at += len;
    }
    return t;
  }
}
