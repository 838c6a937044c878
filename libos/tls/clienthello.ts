// The client's first flight and the server's answer to it (RFC 8446
// §4.1.2, §4.1.3): ClientHello offering the three suites, X25519 and
// P-256 shares, the signature schemes the verifier checks, SNI (RFC 6066
// §3) and ALPN (RFC 7301); ServerHello and HelloRetryRequest parsed into
// a ServerHelloRepr or refused with the alert §4.1.3 and §4.2 name.
import { AlertCode, NO_ALERT } from "./alert";
import { Builder, Cursor } from "./cursor";
// The code points: one copy, in hello.ts, for both sides.
import {
  EXT_ALPN, EXT_COOKIE, EXT_KEY_SHARE, EXT_SERVER_NAME, EXT_SIGNATURE_ALGORITHMS, EXT_SUPPORTED_GROUPS,
  EXT_SUPPORTED_VERSIONS, GROUP_SECP256R1, GROUP_X25519, HS_CERTIFICATE, HS_CERTIFICATE_VERIFY, HS_CLIENT_HELLO,
  HS_ENCRYPTED_EXTENSIONS, HS_FINISHED, HS_KEY_UPDATE, HS_NEW_SESSION_TICKET, HS_SERVER_HELLO, TLS13,
} from "./hello";
import { TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256 } from "./suite";

/** CertificateRequest (§4.3.2): the server asks for a client certificate,
 * which this client does not have. */
export const HS_CERTIFICATE_REQUEST: u8 = 13;

/** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (§4.1.3). */
const HRR_RANDOM: StaticArray<u8> = [
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/** What goes into a ClientHello. */
export class ClientHelloParams {
  random: Uint8Array = new Uint8Array(32);
  /** 32 bytes: the middlebox compatibility mode's session id (§D.4). */
  sessionId: Uint8Array = new Uint8Array(32);
  /** A DNS name for SNI, or "" (never an address, RFC 6066 §3). */
  serverName: string = "";
  /** The X25519 and P-256 shares to offer; null to leave one out (after
   * a HelloRetryRequest asks for the other). */
  x25519: Uint8Array | null = null;
  p256: Uint8Array | null = null;
  /** P-256 in supported_groups, with or without a share. */
  p256Offered: bool = false;
  signatureSchemes: u16[] = [];
  /** An ALPN protocol to offer, or "". */
  alpn: string = "";
  /** A HelloRetryRequest's cookie, echoed (§4.2.2). */
  cookie: Uint8Array | null = null;
}

/** The whole ClientHello handshake message, header included. */
export function clientHello(p: ClientHelloParams): Uint8Array {
  const b = new Builder();
  b.u8(HS_CLIENT_HELLO);
  const body = b.begin(3);
  b.u16(0x0303).bytes(p.random); // legacy_version TLS 1.2 (§4.1.2)
  let m = b.begin(1);
  b.bytes(p.sessionId).end(m);
  m = b.begin(2);
  b.u16(TLS_AES_128_GCM_SHA256).u16(TLS_CHACHA20_POLY1305_SHA256).u16(TLS_AES_256_GCM_SHA384).end(m);
  b.u8(1).u8(0); // legacy_compression_methods: null only
  const exts = b.begin(2);
  if (p.serverName.length > 0) {
    const name = Uint8Array.wrap(String.UTF8.encode(p.serverName));
    b.u16(EXT_SERVER_NAME);
    const e = b.begin(2), list = b.begin(2);
    b.u8(0); // host_name
    m = b.begin(2);
    b.bytes(name).end(m).end(list).end(e);
  }
  b.u16(EXT_SUPPORTED_GROUPS);
  let e = b.begin(2), list = b.begin(2);
  b.u16(GROUP_X25519);
  if (p.p256Offered) b.u16(GROUP_SECP256R1);
  b.end(list).end(e);
  b.u16(EXT_SIGNATURE_ALGORITHMS);
  e = b.begin(2);
  list = b.begin(2);
  for (let i = 0; i < p.signatureSchemes.length; i++) b.u16(p.signatureSchemes[i]);
  b.end(list).end(e);
  if (p.alpn.length > 0) {
    b.u16(EXT_ALPN);
    e = b.begin(2);
    list = b.begin(2);
    m = b.begin(1);
    b.bytes(Uint8Array.wrap(String.UTF8.encode(p.alpn))).end(m).end(list).end(e);
  }
  b.u16(EXT_SUPPORTED_VERSIONS);
  e = b.begin(2);
  m = b.begin(1);
  b.u16(TLS13).end(m).end(e);
  const cookie = p.cookie;
  if (cookie !== null) {
    b.u16(EXT_COOKIE);
    e = b.begin(2);
    m = b.begin(2);
    b.bytes(cookie).end(m).end(e);
  }
  b.u16(EXT_KEY_SHARE);
  e = b.begin(2);
  list = b.begin(2);
  const x = p.x25519;
  if (x !== null) {
    b.u16(GROUP_X25519);
    m = b.begin(2);
    b.bytes(x).end(m);
  }
  const q = p.p256;
  if (q !== null) {
    b.u16(GROUP_SECP256R1);
    m = b.begin(2);
    b.bytes(q).end(m);
  }
  b.end(list).end(e).end(exts).end(body);
  return b.finish();
}

export class ServerHelloRepr {
  /** A HelloRetryRequest rather than a ServerHello. */
  retry: bool = false;
  suite: u16 = 0;
  /** The group of the server's share (or, in a HelloRetryRequest, the one asked for). */
  group: u16 = 0;
  /** The server's key share (empty in a HelloRetryRequest). */
  share: Uint8Array = new Uint8Array(0);
  cookie: Uint8Array | null = null;

  /** Parse the body of a ServerHello (after the 4-byte header), offered
   * `sessionId`; NO_ALERT or the alert to send. */
  parse(body: Uint8Array, sessionId: Uint8Array): i32 {
    const c = new Cursor(body);
    c.u16(); // legacy_version: the real one is in supported_versions
    const random = c.bytes(32);
    const echo = c.vector8();
    this.suite = <u16>c.u16();
    const compression = c.u8();
    const exts = new Cursor(c.vector16());
    if (!c.ok || !c.atEnd) return AlertCode.DecodeError;
    this.retry = random.length == 32 && isHrrRandom(random);
    // §4.1.3: the session id echoed, compression null.
    if (!sameBytes(echo, sessionId) || compression != 0) return AlertCode.IllegalParameter;
    let version = 0;
    let seen: u32 = 0;
    while (exts.ok && !exts.atEnd) {
      const type = exts.u16();
      const data = new Cursor(exts.vector16());
      // One of each (§4.2); the three this client offered and understands.
      const bit: u32 = type == EXT_SUPPORTED_VERSIONS ? 1 : type == EXT_KEY_SHARE ? 2 : type == EXT_COOKIE ? 4 : 0;
      if (bit == 0) return AlertCode.UnsupportedExtension;
      if (seen & bit) return AlertCode.IllegalParameter;
      seen |= bit;
      if (type == EXT_SUPPORTED_VERSIONS) {
        version = data.u16();
      } else if (type == EXT_KEY_SHARE) {
        this.group = <u16>data.u16();
        if (!this.retry) this.share = data.vector16().slice();
      } else {
        if (!this.retry) return AlertCode.UnsupportedExtension;
        this.cookie = data.vector16().slice();
      }
      if (!data.ok || !data.atEnd) return AlertCode.DecodeError;
    }
    if (!exts.ok) return AlertCode.DecodeError;
    // Only TLS 1.3 (§4.2.1): a server without supported_versions chose an older one.
    if (version != TLS13) return AlertCode.ProtocolVersion;
    if ((seen & 2) == 0) return AlertCode.MissingExtension;
    return NO_ALERT;
  }
}

function isHrrRandom(r: Uint8Array): bool {
  for (let i = 0; i < 32; i++) if (r[i] != HRR_RANDOM[i]) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
