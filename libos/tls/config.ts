// What a TLS server is configured with: its certificates (each a chain
// with its key and the names it serves), the application protocols it
// speaks (ALPN), and the limits that bound a connection's memory.
import { SIG_ECDSA_SECP256R1_SHA256 } from "./crypto";
import { TicketSealer } from "./ticket";

export class TlsCertificate {
  /**
   * `chain`: DER certificates, the end-entity first. `key`: the private
   * key in the form crypto.ts's sign() takes for `scheme` (for
   * ecdsa_secp256r1_sha256 the 32-byte scalar). `names`: the DNS names
   * (from the certificate's subjectAltName) that select it by SNI; a
   * leading "*." matches one label.
   */
  constructor(
    readonly chain: Uint8Array[],
    readonly key: Uint8Array,
    readonly names: string[],
    readonly scheme: u16 = SIG_ECDSA_SECP256R1_SHA256,
  ) {}

  /** Whether this certificate is for `host` (RFC 6125 §6.4: case-insensitive;
   * a wildcard only as the whole leftmost label). */
  serves(host: string): bool {
    const h = host.toLowerCase();
    for (let i = 0; i < this.names.length; i++) {
      const n = this.names[i].toLowerCase();
      if (n == h) return true;
      if (n.startsWith("*.")) {
        const dot = h.indexOf(".");
        if (dot > 0 && h.substring(dot) == n.substring(1)) return true;
      }
    }
    return false;
  }
}

export class TlsServerConfig {
  /** Application protocols by preference (RFC 7301); empty: no ALPN. */
  alpn: string[] = ["http/1.1"];
  /** The longest handshake message accepted (a ClientHello with many
   * extensions fits; anything longer is refused). */
  maxHandshakeMessage: i32 = 16384;
  /** The most decrypted bytes held for an application that has not read
   * them; beyond this the connection stops reading from its transport. */
  maxUnreadPlaintext: i32 = 65536;
  /** The most ciphertext queued for a transport that is not taking it;
   * writes beyond it are short (backpressure). */
  maxPendingCiphertext: i32 = 65536;

  /** Session tickets for resumption (psk_dhe_ke): sealed under a key
   * drawn at start (ticket.ts); null: none issued, PSKs ignored. */
  tickets: TicketSealer | null = new TicketSealer();
  /** How long a peer has to finish the handshake, ns; then the
   * connection is reset, so silent or slow clients cannot hold it. */
  handshakeTimeout: i64 = 10_000_000_000;
  /** How long a ticket may be used, in seconds (at most 7 days, §4.6.1). */
  ticketLifetime: u32 = 7200;

  /** At least one certificate; the first is the default when no name matches. */
  constructor(readonly certificates: TlsCertificate[]) {}

  /** The certificate for the SNI name `host` ("" for none): among those
   * for the name (else among all), the first whose scheme is in the
   * client's signature_algorithms `schemes` (RFC 8446 §4.4.2.2), so an
   * Ed25519 and a P-256 certificate for one name serve clients that take
   * either; when none fits, the first for the name, else the first. */
  certificateFor(host: string, schemes: u16[] | null = null): TlsCertificate {
    let named: TlsCertificate | null = null;
    if (host.length > 0) {
      for (let i = 0; i < this.certificates.length; i++) {
        const c = this.certificates[i];
        if (!c.serves(host)) continue;
        if (schemes === null || schemes.includes(c.scheme)) return c;
        if (named === null) named = c;
      }
    }
    if (named !== null) return named;
    if (schemes !== null) {
      for (let i = 0; i < this.certificates.length; i++) if (schemes.includes(this.certificates[i].scheme)) return this.certificates[i];
    }
    return this.certificates[0];
  }
}
