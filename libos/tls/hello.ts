// ClientHello (RFC 8446 §4.1.2) parsed into what a TLS 1.3 server decides
// on, and ServerHello / HelloRetryRequest (§4.1.3, §4.1.4) built. Parsing
// never traps: it returns an alert code, and the extensions it does not
// know are skipped (§4.2: a server ignores them).
import { AlertCode, NO_ALERT } from "./alert";
import { Reader, Writer } from "./reader";

export const HS_CLIENT_HELLO: u8 = 1;
export const HS_SERVER_HELLO: u8 = 2;
export const HS_NEW_SESSION_TICKET: u8 = 4;
export const HS_ENCRYPTED_EXTENSIONS: u8 = 8;
export const HS_CERTIFICATE: u8 = 11;
export const HS_CERTIFICATE_VERIFY: u8 = 15;
export const HS_FINISHED: u8 = 20;
export const HS_KEY_UPDATE: u8 = 24;

export const EXT_SERVER_NAME: u16 = 0;
export const EXT_SUPPORTED_GROUPS: u16 = 10;
export const EXT_SIGNATURE_ALGORITHMS: u16 = 13;
export const EXT_ALPN: u16 = 16;
export const EXT_PRE_SHARED_KEY: u16 = 41;
export const EXT_EARLY_DATA: u16 = 42;
export const EXT_SUPPORTED_VERSIONS: u16 = 43;
export const EXT_COOKIE: u16 = 44;
export const EXT_PSK_KEY_EXCHANGE_MODES: u16 = 45;
export const EXT_KEY_SHARE: u16 = 51;

export const GROUP_SECP256R1: u16 = 0x0017;
export const GROUP_X25519: u16 = 0x001d;
export const TLS13: u16 = 0x0304;
export const TLS12: u16 = 0x0303;

/** One entry of the client's key_share. */
export class KeyShare {
  constructor(readonly group: u16, readonly key: Uint8Array) {}
}

export class ClientHello {
  alert: i32 = NO_ALERT;
  /** Why, for logs, when alert is set. */
  why: string = "";
  random: Uint8Array = new Uint8Array(0);
  sessionId: Uint8Array = new Uint8Array(0);
  suites: u16[] = [];
  offersTls13: bool = false;
  hasSupportedVersions: bool = false;
  groups: u16[] = [];
  hasGroups: bool = false;
  signatureSchemes: u16[] = [];
  hasSignatureAlgorithms: bool = false;
  shares: KeyShare[] = [];
  hasKeyShare: bool = false;
  serverName: string = "";
  alpn: string[] = [];
  hasAlpn: bool = false;
  hasPreSharedKey: bool = false;
  /** The first PSK identity offered, its obfuscated age and binder. */
  pskIdentity: Uint8Array = new Uint8Array(0);
  pskAge: u32 = 0;
  pskBinder: Uint8Array = new Uint8Array(0);
  /** Where in the body the binders list starts: the ClientHello up to
   * here is what the binders are computed over (§4.2.11.2). */
  bindersAt: i32 = 0;
  /** psk_key_exchange_modes offers psk_dhe_ke (§4.2.9); had the extension. */
  pskDheKe: bool = false;
  hasPskModes: bool = false;
  hasEarlyData: bool = false;
  hasCookie: bool = false;

  private fail(code: AlertCode, why: string): ClientHello {
    if (this.alert == NO_ALERT) {
      this.alert = code;
      this.why = why;
    }
    return this;
  }

  /** Parses the body of a ClientHello message (after its 4-byte header). */
  static parse(body: Uint8Array): ClientHello {
    const ch = new ClientHello();
    const r = new Reader(body);
    r.u16(); // legacy_version: ignored (§4.1.2), supported_versions decides
    ch.random = r.bytes(32);
    ch.sessionId = r.opaque(1);
    if (ch.sessionId.length > 32) return ch.fail(AlertCode.IllegalParameter, "legacy_session_id longer than 32 bytes");
    const suites = r.vector(2);
    if ((suites.remaining & 1) != 0 || suites.remaining == 0) return ch.fail(AlertCode.DecodeError, "cipher_suites of odd or zero length");
    while (!suites.bad && !suites.atEnd) ch.suites.push(<u16>suites.u16());
    const compression = r.opaque(1);
    const exts = r.vector(2);
    if (r.bad || !r.atEnd) return ch.fail(AlertCode.DecodeError, "ClientHello lengths do not add up");
    const seen = new Set<u16>();
    while (!exts.atEnd && !exts.bad) {
      const type = <u16>exts.u16();
      const data = exts.vector(2);
      if (exts.bad) break;
      // §4.2: no extension type twice; pre_shared_key last (§4.2.11).
      if (seen.has(type)) return ch.fail(AlertCode.IllegalParameter, "an extension appears twice");
      seen.add(type);
      if (ch.hasPreSharedKey) return ch.fail(AlertCode.IllegalParameter, "pre_shared_key is not the last extension");
      ch.extension(type, data);
      if (ch.alert != NO_ALERT) return ch;
    }
    if (exts.bad) return ch.fail(AlertCode.DecodeError, "an extension runs past the end");
    if (!ch.offersTls13) {
      return ch.fail(AlertCode.ProtocolVersion, "the client does not offer TLS 1.3 (supported_versions)");
    }
    // §4.1.2: a TLS 1.3 ClientHello has exactly one compression method, null.
    if (compression.length != 1 || compression[0] != 0) return ch.fail(AlertCode.IllegalParameter, "legacy_compression_methods is not [null]");
    return ch;
  }

  private extension(type: u16, r: Reader): void {
    if (type == EXT_SUPPORTED_VERSIONS) {
      this.hasSupportedVersions = true;
      const v = r.vector(1);
      while (!v.atEnd && !v.bad) if (<u16>v.u16() == TLS13) this.offersTls13 = true;
      if (v.bad || !r.atEnd) this.fail(AlertCode.DecodeError, "bad supported_versions");
    } else if (type == EXT_SUPPORTED_GROUPS) {
      this.hasGroups = true;
      const v = r.vector(2);
      while (!v.atEnd && !v.bad) this.groups.push(<u16>v.u16());
      if (v.bad || !r.atEnd) this.fail(AlertCode.DecodeError, "bad supported_groups");
    } else if (type == EXT_SIGNATURE_ALGORITHMS) {
      this.hasSignatureAlgorithms = true;
      const v = r.vector(2);
      while (!v.atEnd && !v.bad) this.signatureSchemes.push(<u16>v.u16());
      if (v.bad || !r.atEnd) this.fail(AlertCode.DecodeError, "bad signature_algorithms");
    } else if (type == EXT_KEY_SHARE) {
      this.hasKeyShare = true;
      const v = r.vector(2);
      while (!v.atEnd && !v.bad) {
        const group = <u16>v.u16();
        const key = v.opaque(2);
        if (key.length == 0) v.bad = true;
        for (let i = 0; i < this.shares.length; i++) {
          if (this.shares[i].group == group) {
            this.fail(AlertCode.IllegalParameter, "two key shares for one group");
            return;
          }
        }
        this.shares.push(new KeyShare(group, key.slice()));
      }
      if (v.bad || !r.atEnd) this.fail(AlertCode.DecodeError, "bad key_share");
    } else if (type == EXT_SERVER_NAME) {
      // RFC 6066 §3: a list with (at most) one host_name (type 0).
      const v = r.vector(2);
      while (!v.atEnd && !v.bad) {
        const kind = v.u8();
        const name = v.opaque(2);
        if (kind == 0 && !v.bad && this.serverName.length == 0) this.serverName = String.UTF8.decode(name.slice().buffer);
      }
      if (v.bad || !r.atEnd) this.fail(AlertCode.DecodeError, "bad server_name");
    } else if (type == EXT_ALPN) {
      // RFC 7301 §3.1: a non-empty list of non-empty names.
      this.hasAlpn = true;
      const v = r.vector(2);
      while (!v.atEnd && !v.bad) {
        const name = v.opaque(1);
        if (name.length == 0) v.bad = true;
        else this.alpn.push(String.UTF8.decode(name.slice().buffer));
      }
      if (v.bad || !r.atEnd || this.alpn.length == 0) this.fail(AlertCode.DecodeError, "bad application_layer_protocol_negotiation");
    } else if (type == EXT_PRE_SHARED_KEY) {
      // §4.2.11: identities (identity<1..2^16-1>, u32 age), then binders.
      this.hasPreSharedKey = true;
      const ids = r.vector(2);
      this.pskIdentity = ids.opaque(2).slice();
      this.pskAge = ids.u32();
      let count = 1;
      while (!ids.atEnd && !ids.bad) {
        ids.opaque(2);
        ids.u32();
        count++;
      }
      this.bindersAt = r.pos;
      const binders = r.vector(2);
      this.pskBinder = binders.opaque(1).slice();
      let bindersCount = 1;
      while (!binders.atEnd && !binders.bad) {
        binders.opaque(1);
        bindersCount++;
      }
      if (ids.bad || binders.bad || !r.atEnd || this.pskIdentity.length == 0 || this.pskBinder.length < 32) {
        this.fail(AlertCode.DecodeError, "bad pre_shared_key");
      } else if (count != bindersCount) {
        this.fail(AlertCode.IllegalParameter, "pre_shared_key has not one binder per identity");
      }
    } else if (type == EXT_PSK_KEY_EXCHANGE_MODES) {
      this.hasPskModes = true;
      const v = r.vector(1);
      while (!v.atEnd && !v.bad) if (v.u8() == 1) this.pskDheKe = true;
      if (v.bad || !r.atEnd) this.fail(AlertCode.DecodeError, "bad psk_key_exchange_modes");
    } else if (type == EXT_EARLY_DATA) {
      this.hasEarlyData = true;
    } else if (type == EXT_COOKIE) {
      this.hasCookie = true;
    }
  }

  /** The client's share for `group`, or null. */
  shareFor(group: u16): KeyShare | null {
    for (let i = 0; i < this.shares.length; i++) if (this.shares[i].group == group) return this.shares[i];
    return null;
  }
}

/** SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest (§4.1.3). */
export const HRR_RANDOM: u8[] = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/** Starts a handshake message of `type`; `endMessage` fills its length. */
export function beginMessage(w: Writer, type: u8): i32 {
  w.u8(type);
  return w.open(3);
}

export function endMessage(w: Writer, at: i32): void {
  w.close(at, 3);
}

/**
 * ServerHello (§4.1.3): legacy_version 0x0303, random, the client's
 * session id echoed, the suite, null compression, then supported_versions
 * and key_share. A HelloRetryRequest is the same message with HRR_RANDOM
 * and only the selected group in key_share (§4.2.8).
 */
export function serverHello(random: Uint8Array, sessionId: Uint8Array, suite: u16, group: u16, share: Uint8Array | null,
  withPsk: bool = false): Uint8Array {
  const w = new Writer(160);
  const m = beginMessage(w, HS_SERVER_HELLO);
  w.u16(TLS12);
  w.bytes(random);
  w.u8(sessionId.length);
  w.bytes(sessionId);
  w.u16(suite);
  w.u8(0);
  const exts = w.open(2);
  w.u16(EXT_SUPPORTED_VERSIONS);
  w.u16(2);
  w.u16(TLS13);
  w.u16(EXT_KEY_SHARE);
  const ks = w.open(2);
  w.u16(group);
  if (share != null) {
    w.u16(share.length);
    w.bytes(share);
  }
  w.close(ks, 2);
  if (withPsk) {
    // §4.2.11: the index of the identity chosen (always the first).
    w.u16(EXT_PRE_SHARED_KEY);
    w.u16(2);
    w.u16(0);
  }
  w.close(exts, 2);
  endMessage(w, m);
  return w.toBytes();
}

export function helloRetryRandom(): Uint8Array {
  const r = new Uint8Array(32);
  for (let i = 0; i < 32; i++) r[i] = HRR_RANDOM[i];
  return r;
}
