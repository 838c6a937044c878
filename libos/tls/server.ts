// The TLS 1.3 server as a state machine with no I/O (RFC 8446 §2, §4):
// `feed` takes transport bytes and returns how many it used; what the
// server sends accumulates in `output`, decrypted application data in
// `plaintext`. TlsFlow (flow.ts) drives it over a Flow.
//
//   WaitClientHello ──ClientHello──► (HelloRetryRequest ► WaitClientHello2 ──ClientHello──►)
//     ServerHello, [ChangeCipherSpec], {EncryptedExtensions, Certificate,
//     CertificateVerify, Finished} ► WaitFinished ──{Finished}──► Connected
//
// Any error sends one alert (plaintext before the handshake keys, then
// protected) and ends in Failed; the transport is to be closed.
import { fillRandom } from "../platform/entropy";
import { AlertCode, NO_ALERT, alertBody, alertName } from "./alert";
import { equalSecret, wipe } from "./bytes";
import { TlsCertificate, TlsServerConfig } from "./config";
import { hashLength, p256, p256Public, sign, x25519, x25519Public } from "./crypto";
import {
  ClientHello, EXT_ALPN, EXT_SERVER_NAME, GROUP_SECP256R1, GROUP_X25519, HS_CERTIFICATE, HS_CERTIFICATE_VERIFY,
  HS_CLIENT_HELLO, HS_ENCRYPTED_EXTENSIONS, HS_FINISHED, HS_KEY_UPDATE, HS_NEW_SESSION_TICKET, beginMessage, endMessage, helloRetryRandom,
  serverHello,
} from "./hello";
import { KeySchedule, finishedVerifyData, ticketPsk } from "./keyschedule";
import { TicketSealer, TicketState } from "./ticket";
import { randomU32 } from "../platform/entropy";
import { ByteQueue } from "./queue";
import { Reader, Writer } from "./reader";
import { ContentType, MAX_PLAINTEXT, Opened, RECORD_HEADER_LENGTH, RecordHeader, RecordProtection, writeHeader } from "./record";
import { CipherSuite, TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, suiteById } from "./suite";
import { Transcript } from "./transcript";

export const enum ServerState {
  WaitClientHello,
  WaitClientHello2,
  WaitFinished,
  Connected,
  /** An alert was sent or received: nothing more is read or written. */
  Failed,
}

/** The server's preference: AES-128-GCM (mandatory, §9.1), ChaCha20 (fast
 * without AES-NI), AES-256-GCM. */
const SUITE_PREFERENCE: u16[] = [TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_256_GCM_SHA384];

/** The content CertificateVerify signs (§4.4.3): 64 spaces, the context
 * string, a zero byte, the transcript hash. */
function certificateVerifyContent(transcriptHash: Uint8Array): Uint8Array {
  const context = String.UTF8.encode("TLS 1.3, server CertificateVerify");
  const out = new Uint8Array(64 + context.byteLength + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(Uint8Array.wrap(context), 64);
  out.set(transcriptHash, 64 + context.byteLength + 1);
  return out;
}

export class TlsServerEngine {
  state: ServerState = ServerState.WaitClientHello;
  /** Records to send, in order. */
  readonly output: ByteQueue = new ByteQueue(4096);
  /** Decrypted application data not yet consumed. */
  readonly plaintext: ByteQueue = new ByteQueue(1024);
  /** The peer sent close_notify. */
  peerClosed: bool = false;
  /** The alert that ended the connection (sent or received), or NO_ALERT. */
  alert: i32 = NO_ALERT;
  /** Whether we sent it (false: the peer did). */
  alertSent: bool = false;
  /** Why, for the log. */
  why: string = "";
  /** What the handshake chose. */
  serverName: string = "";
  protocol: string = "";
  suite: CipherSuite | null = null;
  group: u16 = 0;
  /** The handshake resumed a session from a ticket. */
  resumed: bool = false;
  /** Records and KeyUpdates seen, for counters and tests. */
  keyUpdatesReceived: i32 = 0;

  private readonly transcript: Transcript = new Transcript();
  private readonly handshake: ByteQueue = new ByteQueue(512);
  private readonly header: RecordHeader = new RecordHeader();
  private readonly opened: Opened = new Opened();
  private schedule: KeySchedule | null = null;
  private reader: RecordProtection | null = null;
  private writer: RecordProtection | null = null;
  private expectedFinished: Uint8Array = new Uint8Array(0);
  private retrySuite: u16 = 0;
  private retryGroup: u16 = 0;
  private sentChangeCipherSpec: bool = false;
  private closeNotifySent: bool = false;

  constructor(readonly config: TlsServerConfig) {}

  get connected(): bool {
    return this.state == ServerState.Connected;
  }

  get failed(): bool {
    return this.state == ServerState.Failed;
  }

  /**
   * Processes the whole records at the start of `bytes`; the number of
   * bytes used (a partial record is left for the next call). Stops early
   * when `plaintext` holds config.maxUnreadPlaintext bytes, and after an alert.
   */
  feed(bytes: Uint8Array): i32 {
    let used = 0;
    while (this.state != ServerState.Failed && this.plaintext.length < this.config.maxUnreadPlaintext) {
      const rest = bytes.subarray(used);
      const protectedRead = this.reader != null;
      if (!this.header.read(rest, protectedRead)) break;
      if (this.header.alert != NO_ALERT) {
        this.fail(this.header.alert, "bad record header");
        break;
      }
      const total = RECORD_HEADER_LENGTH + this.header.length;
      if (rest.length < total) break;
      this.record(rest.subarray(0, total));
      used += total;
    }
    return used;
  }

  private record(record: Uint8Array): void {
    const type = this.header.type;
    // §5: a change_cipher_spec of one byte 0x01 between the first
    // ClientHello and the client's Finished is dropped; anything else is
    // an error (§D.4: there is no renegotiation in TLS 1.3).
    if (type == ContentType.ChangeCipherSpec) {
      const ok = record.length == RECORD_HEADER_LENGTH + 1 && record[RECORD_HEADER_LENGTH] == 1;
      if (!ok || this.state == ServerState.WaitClientHello || this.state == ServerState.Connected) {
        this.fail(AlertCode.UnexpectedMessage, "change_cipher_spec outside the handshake");
      }
      return;
    }
    const reader = this.reader;
    if (reader == null) {
      const body = record.subarray(RECORD_HEADER_LENGTH);
      if (type == ContentType.Handshake) this.handshakeBytes(body);
      else if (type == ContentType.Alert) this.receiveAlert(body);
      else this.fail(AlertCode.UnexpectedMessage, "application data before the handshake");
      return;
    }
    if (type == ContentType.Alert && this.state == ServerState.WaitFinished) {
      // A client that failed on our ServerHello has no keys yet: its
      // alert comes in the clear.
      this.receiveAlert(record.subarray(RECORD_HEADER_LENGTH));
      return;
    }
    if (type != ContentType.ApplicationData) {
      this.fail(AlertCode.UnexpectedMessage, "an unprotected record after the keys changed");
      return;
    }
    const o = reader.open(record, this.opened);
    if (o.alert != NO_ALERT) {
      this.fail(o.alert, "a protected record did not open");
      return;
    }
    if (o.type == ContentType.Handshake) this.handshakeBytes(o.content);
    else if (o.type == ContentType.Alert) this.receiveAlert(o.content);
    else if (o.type == ContentType.ApplicationData && this.state == ServerState.Connected) this.plaintext.push(o.content);
    else this.fail(AlertCode.UnexpectedMessage, "a record of the wrong type for the state");
  }

  private receiveAlert(body: Uint8Array): void {
    if (body.length != 2) {
      this.fail(AlertCode.DecodeError, "an alert not two bytes long");
      return;
    }
    const code = <i32>body[1];
    if (code == AlertCode.CloseNotify) {
      this.peerClosed = true;
      return;
    }
    // §6.2: every other alert ends the connection (user_canceled is
    // followed by close_notify; treat it as the end too).
    this.alert = code;
    this.alertSent = false;
    this.why = "the peer sent " + alertName(code);
    this.state = ServerState.Failed;
  }

  /** Handshake records may hold several messages or part of one (§5.1). */
  private handshakeBytes(bytes: Uint8Array): void {
    if (bytes.length == 0) {
      this.fail(AlertCode.UnexpectedMessage, "an empty handshake record");
      return;
    }
    this.handshake.push(bytes);
    while (this.state != ServerState.Failed) {
      const q = this.handshake.view();
      if (q.length < 4) break;
      const len = (<i32>q[1] << 16) | (<i32>q[2] << 8) | q[3];
      if (len > this.config.maxHandshakeMessage) {
        this.fail(AlertCode.DecodeError, "a handshake message longer than the limit");
        return;
      }
      if (q.length < 4 + len) break;
      const message = q.slice(0, 4 + len);
      this.handshake.consume(4 + len);
      this.message(message);
    }
  }

  private message(m: Uint8Array): void {
    const type = m[0];
    const body = m.subarray(4);
    const s = this.state;
    if ((s == ServerState.WaitClientHello || s == ServerState.WaitClientHello2) && type == HS_CLIENT_HELLO) {
      this.clientHello(m, body);
    } else if (s == ServerState.WaitFinished && type == HS_FINISHED) {
      this.clientFinished(m, body);
    } else if (s == ServerState.Connected && type == HS_KEY_UPDATE) {
      this.keyUpdate(body);
    } else {
      this.fail(AlertCode.UnexpectedMessage, "handshake message " + type.toString() + " out of order");
    }
  }

  private clientHello(message: Uint8Array, body: Uint8Array): void {
    const retry = this.state == ServerState.WaitClientHello2;
    const ch = ClientHello.parse(body);
    if (ch.alert != NO_ALERT) return this.fail(ch.alert, ch.why);
    // §9.2: a TLS 1.3 ClientHello without these is missing_extension.
    if (!ch.hasSignatureAlgorithms || !ch.hasGroups || !ch.hasKeyShare) {
      return this.fail(AlertCode.MissingExtension, "no signature_algorithms, supported_groups or key_share");
    }
    // §4.2.9: a PSK without psk_key_exchange_modes is an error.
    if (ch.hasPreSharedKey && !ch.hasPskModes) return this.fail(AlertCode.MissingExtension, "pre_shared_key without psk_key_exchange_modes");
    let suiteId: u16 = 0;
    if (retry) {
      if (ch.suites.includes(this.retrySuite)) suiteId = this.retrySuite;
    } else {
      for (let i = 0; i < SUITE_PREFERENCE.length && suiteId == 0; i++) {
        if (ch.suites.includes(SUITE_PREFERENCE[i])) suiteId = SUITE_PREFERENCE[i];
      }
    }
    if (suiteId == 0) return this.fail(retry ? AlertCode.IllegalParameter : AlertCode.HandshakeFailure, "no cipher suite in common");
    const suite = suiteById(suiteId)!;
    this.suite = suite;
    this.serverName = ch.serverName;
    const cert = this.config.certificateFor(ch.serverName, ch.signatureSchemes);
    if (!ch.signatureSchemes.includes(cert.scheme)) return this.fail(AlertCode.HandshakeFailure, "the client takes no signature the certificate can make");
    if (ch.hasAlpn && this.config.alpn.length > 0) {
      for (let i = 0; i < this.config.alpn.length && this.protocol.length == 0; i++) {
        if (ch.alpn.includes(this.config.alpn[i])) this.protocol = this.config.alpn[i];
      }
      // RFC 7301 §3.2.
      if (this.protocol.length == 0) return this.fail(AlertCode.NoApplicationProtocol, "no application protocol in common");
    }
    let share = ch.shareFor(GROUP_X25519);
    if (share == null) share = ch.shareFor(GROUP_SECP256R1);
    if (retry && (share == null || share.group != this.retryGroup)) {
      return this.fail(AlertCode.IllegalParameter, "the second ClientHello has no share for the group asked for");
    }
    if (share == null) {
      if (!this.transcript.add(message)) return this.fail(AlertCode.InternalError, "transcript limit");
      // §4.1.4: ask for a share of a group we both support.
      let group: u16 = 0;
      if (ch.groups.includes(GROUP_X25519)) group = GROUP_X25519;
      else if (ch.groups.includes(GROUP_SECP256R1)) group = GROUP_SECP256R1;
      if (group == 0) return this.fail(AlertCode.HandshakeFailure, "no key exchange group in common");
      this.helloRetryRequest(ch, suite, group);
      return;
    }
    const psk = this.resumption(ch, message, suite);
    if (this.state == ServerState.Failed) return;
    if (!this.transcript.add(message)) return this.fail(AlertCode.InternalError, "transcript limit");
    this.group = share.group;
    const ours = this.keyExchange(share.group, share.key);
    if (ours == null) return;
    this.serverFlight(ch, suite, cert, ours[0], ours[1], psk);
  }

  /**
   * The PSK of the client's first identity when it is a ticket of ours,
   * fresh, for a suite with this hash, offered for psk_dhe_ke, and its
   * binder verifies (§4.2.11.2: over the ClientHello up to the binders,
   * after what the transcript holds); null for a full handshake. A binder
   * that does not verify is decrypt_error.
   */
  private resumption(ch: ClientHello, message: Uint8Array, suite: CipherSuite): Uint8Array | null {
    const sealer = this.config.tickets;
    if (!ch.hasPreSharedKey || !ch.pskDheKe || sealer == null) return null;
    const st = sealer.open(ch.pskIdentity);
    if (st == null || !st.fresh(TicketSealer.nowMs())) return null;
    const ticketSuite = suiteById(st.suite);
    if (ticketSuite == null || ticketSuite.hash != suite.hash) return null;
    const ks = new KeySchedule(suite, st.psk);
    const truncated = message.subarray(0, 4 + ch.bindersAt);
    const expected = finishedVerifyData(suite.hash, ks.resumptionBinderKey(), this.transcript.hashWith(suite.hash, truncated));
    if (!equalSecret(expected, ch.pskBinder)) {
      this.fail(AlertCode.DecryptError, "the PSK binder does not verify");
      return null;
    }
    return st.psk;
  }

  /** Our key share and the shared secret, or null after an alert. */
  private keyExchange(group: u16, peer: Uint8Array): Uint8Array[] | null {
    const scalar = new Uint8Array(32);
    const secret = new Uint8Array(32);
    if (group == GROUP_X25519) {
      fillRandom(scalar);
      if (peer.length != 32 || !x25519(scalar, peer, secret)) {
        this.fail(AlertCode.IllegalParameter, "a bad X25519 share");
        return null;
      }
      const pub = x25519Public(scalar);
      wipe(scalar);
      return [pub, secret];
    }
    let pub: Uint8Array | null = null;
    for (let tries = 0; tries < 4 && pub == null; tries++) {
      fillRandom(scalar);
      pub = p256Public(scalar);
    }
    // §4.2.8.2: an uncompressed point; p256 checks it is on the curve.
    if (pub == null || peer.length != 65 || peer[0] != 4 || !p256(scalar, peer, secret)) {
      this.fail(AlertCode.IllegalParameter, "a bad secp256r1 share");
      return null;
    }
    wipe(scalar);
    return [pub as Uint8Array, secret];
  }

  private helloRetryRequest(ch: ClientHello, suite: CipherSuite, group: u16): void {
    this.transcript.replaceWithMessageHash(suite.hash);
    const hrr = serverHello(helloRetryRandom(), ch.sessionId, suite.id, group, null);
    this.transcript.add(hrr);
    this.plainRecord(ContentType.Handshake, hrr);
    this.compatChangeCipherSpec(ch);
    this.retrySuite = suite.id;
    this.retryGroup = group;
    this.state = ServerState.WaitClientHello2;
  }

  /** §D.4: in middlebox compatibility mode (the client sent a session id)
   * a change_cipher_spec follows our first handshake message. */
  private compatChangeCipherSpec(ch: ClientHello): void {
    if (ch.sessionId.length == 0 || this.sentChangeCipherSpec) return;
    const one = new Uint8Array(1);
    one[0] = 1;
    this.plainRecord(ContentType.ChangeCipherSpec, one);
    this.sentChangeCipherSpec = true;
  }

  private serverFlight(ch: ClientHello, suite: CipherSuite, cert: TlsCertificate, share: Uint8Array, shared: Uint8Array,
    psk: Uint8Array | null): void {
    // A key change must fall on a record boundary (§5.1).
    if (this.handshake.length != 0) return this.fail(AlertCode.UnexpectedMessage, "data after the ClientHello in its record");
    const random = new Uint8Array(32);
    fillRandom(random);
    this.resumed = psk != null;
    const sh = serverHello(random, ch.sessionId, suite.id, this.group, share, psk != null);
    this.transcript.add(sh);
    this.plainRecord(ContentType.Handshake, sh);
    this.compatChangeCipherSpec(ch);

    const ks = new KeySchedule(suite, psk);
    ks.deriveHandshake(shared, this.transcript.hash(suite.hash));
    wipe(shared);
    this.schedule = ks;
    this.writer = new RecordProtection(suite, ks.serverHandshakeTraffic);
    this.reader = new RecordProtection(suite, ks.clientHandshakeTraffic);

    const flight = new Writer(2048);
    this.add(flight, this.encryptedExtensions(ch));
    // A resumed handshake is authenticated by the PSK: no certificate (§2.2).
    if (psk == null) {
      this.add(flight, this.certificate(cert));
      const signed = sign(cert.scheme, cert.key, certificateVerifyContent(this.transcript.hash(suite.hash)));
      if (signed == null) return this.fail(AlertCode.InternalError, "the certificate's key did not sign");
      const cv = new Writer(16 + signed.length);
      const at = beginMessage(cv, HS_CERTIFICATE_VERIFY);
      cv.u16(cert.scheme);
      cv.u16(signed.length);
      cv.bytes(signed);
      endMessage(cv, at);
      this.add(flight, cv.toBytes());
    }
    const fin = new Writer(4 + hashLength(suite.hash));
    const f = beginMessage(fin, HS_FINISHED);
    fin.bytes(finishedVerifyData(suite.hash, ks.serverHandshakeTraffic, this.transcript.hash(suite.hash)));
    endMessage(fin, f);
    this.add(flight, fin.toBytes());
    this.protectedRecords(ContentType.Handshake, flight.toBytes());

    const hash = this.transcript.hash(suite.hash);
    this.expectedFinished = finishedVerifyData(suite.hash, ks.clientHandshakeTraffic, hash);
    ks.deriveApplication(hash);
    this.writer = new RecordProtection(suite, ks.serverApplicationTraffic);
    this.state = ServerState.WaitFinished;
  }

  private add(flight: Writer, message: Uint8Array): void {
    this.transcript.add(message);
    flight.bytes(message);
  }

  private encryptedExtensions(ch: ClientHello): Uint8Array {
    const w = new Writer(64);
    const m = beginMessage(w, HS_ENCRYPTED_EXTENSIONS);
    const exts = w.open(2);
    if (this.protocol.length > 0) {
      w.u16(EXT_ALPN);
      const e = w.open(2);
      const list = w.open(2);
      const name = Uint8Array.wrap(String.UTF8.encode(this.protocol));
      w.u8(name.length);
      w.bytes(name);
      w.close(list, 2);
      w.close(e, 2);
    }
    // RFC 6066 §3: an empty server_name says the name was used.
    if (ch.serverName.length > 0 && this.config.certificateFor(ch.serverName).serves(ch.serverName)) {
      w.u16(EXT_SERVER_NAME);
      w.u16(0);
    }
    w.close(exts, 2);
    endMessage(w, m);
    return w.toBytes();
  }

  private certificate(cert: TlsCertificate): Uint8Array {
    const w = new Writer(4096);
    const m = beginMessage(w, HS_CERTIFICATE);
    w.u8(0); // certificate_request_context: empty for the server's (§4.4.2)
    const list = w.open(3);
    for (let i = 0; i < cert.chain.length; i++) {
      w.u24(cert.chain[i].length);
      w.bytes(cert.chain[i]);
      w.u16(0); // no per-certificate extensions
    }
    w.close(list, 3);
    endMessage(w, m);
    return w.toBytes();
  }

  private clientFinished(message: Uint8Array, body: Uint8Array): void {
    if (this.handshake.length != 0) return this.fail(AlertCode.UnexpectedMessage, "data after Finished in its record");
    if (!equalSecret(body, this.expectedFinished)) return this.fail(AlertCode.DecryptError, "the client's Finished does not verify");
    const ks = this.schedule!;
    this.reader = new RecordProtection(this.suite!, ks.clientApplicationTraffic);
    this.state = ServerState.Connected;
    const sealer = this.config.tickets;
    if (sealer != null) {
      this.transcript.add(message);
      ks.deriveResumption(this.transcript.hash(this.suite!.hash));
      this.newSessionTicket(sealer, ks);
    }
    // Drop the transcript and the handshake secrets now.
    this.transcript.clear();
    this.handshake.release();
    wipe(ks.clientHandshakeTraffic);
    wipe(ks.serverHandshakeTraffic);
  }

  /** One NewSessionTicket (§4.6.1), right after the handshake: lifetime,
   * age_add, nonce (one byte, 0: one ticket a connection), the sealed
   * state, no extensions (so no early data). */
  private newSessionTicket(sealer: TicketSealer, ks: KeySchedule): void {
    const suite = this.suite!;
    const nonce = new Uint8Array(1);
    const ageAdd = randomU32();
    const lifetime = this.config.ticketLifetime;
    const psk = ticketPsk(suite.hash, ks.resumptionMaster, nonce);
    wipe(ks.resumptionMaster);
    const ticket = sealer.seal(new TicketState(suite.id, TicketSealer.nowMs(), lifetime, ageAdd, psk));
    wipe(psk);
    const w = new Writer(32 + ticket.length);
    const m = beginMessage(w, HS_NEW_SESSION_TICKET);
    w.u32(lifetime);
    w.u32(ageAdd);
    w.u8(nonce.length);
    w.bytes(nonce);
    w.u16(ticket.length);
    w.bytes(ticket);
    w.u16(0);
    endMessage(w, m);
    this.protectedRecords(ContentType.Handshake, w.toBytes());
  }

  /** §4.6.3: the peer's next records use its next secret; when it asks,
   * we answer with our own KeyUpdate and move ours. */
  private keyUpdate(body: Uint8Array): void {
    if (body.length != 1) return this.fail(AlertCode.DecodeError, "a KeyUpdate not one byte long");
    const request = body[0];
    if (request > 1) return this.fail(AlertCode.IllegalParameter, "a KeyUpdate request other than 0 or 1");
    if (this.handshake.length != 0) return this.fail(AlertCode.UnexpectedMessage, "data after KeyUpdate in its record");
    this.reader!.update();
    this.keyUpdatesReceived++;
    if (request == 1) this.sendKeyUpdate(false);
  }

  /** Send a KeyUpdate and move our write keys; `request`: ask the peer
   * to move its own too. */
  sendKeyUpdate(request: bool): void {
    if (this.state != ServerState.Connected) return;
    const m = new Uint8Array(5);
    m[0] = HS_KEY_UPDATE;
    m[3] = 1;
    m[4] = request ? 1 : 0;
    this.protectedRecords(ContentType.Handshake, m);
    this.writer!.update();
  }

  /** Protect and queue application data (at most 2^14 bytes a record). */
  send(data: Uint8Array): void {
    if (this.state != ServerState.Connected || this.closeNotifySent) return;
    this.protectedRecords(ContentType.ApplicationData, data);
  }

  /** close_notify (§6.1): we write no more. */
  sendCloseNotify(): void {
    if (this.closeNotifySent || this.state == ServerState.Failed || this.writer == null) return;
    this.closeNotifySent = true;
    this.protectedRecords(ContentType.Alert, alertBody(AlertCode.CloseNotify));
  }

  private protectedRecords(type: i32, content: Uint8Array): void {
    const w = this.writer!;
    let at = 0;
    do {
      const chunk = content.subarray(at, min(content.length, at + MAX_PLAINTEXT));
      const n = RecordProtection.sealedLength(chunk.length);
      w.sealInto(type, chunk, this.output.reserve(n), 0);
      this.output.commit(n);
      at += MAX_PLAINTEXT;
    } while (at < content.length);
  }

  private plainRecord(type: i32, content: Uint8Array): void {
    const out = this.output.reserve(RECORD_HEADER_LENGTH + content.length);
    writeHeader(out, 0, type, content.length);
    out.set(content, RECORD_HEADER_LENGTH);
    this.output.commit(RECORD_HEADER_LENGTH + content.length);
  }

  /** Send `code` (protected once we have keys, §5) and stop. */
  fail(code: i32, why: string): void {
    if (this.state == ServerState.Failed) return;
    this.alert = code;
    this.alertSent = true;
    this.why = why;
    const body = alertBody(<AlertCode>code);
    if (this.writer != null) this.protectedRecords(ContentType.Alert, body);
    else this.plainRecord(ContentType.Alert, body);
    this.state = ServerState.Failed;
    this.plaintext.release();
    this.handshake.release();
    this.transcript.clear();
  }
}
