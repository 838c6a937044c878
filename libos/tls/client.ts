// The TLS 1.3 client (RFC 8446) as a Flow over another Flow: the app
// connects with TlsClient.connect(transport, endpoint, config, handler)
// and hears `connected` once the server is authenticated, then reads and
// writes plaintext as over TCP.
//
// The handshake (§2, §4): ClientHello (clienthello.ts) with X25519 and
// P-256 shares; ServerHello, or one HelloRetryRequest answered with the
// share asked for; then, under the handshake keys, EncryptedExtensions
// (ALPN checked against the offer), Certificate (the chain validated by
// libos/tls/x509 against the config's trust anchors, for the server name),
// CertificateVerify (the leaf's key over the transcript, §4.4.3) and
// Finished (§4.4.4, compared in constant time); the client's Finished; the
// application keys. Afterwards NewSessionTicket is ignored (no
// resumption), KeyUpdate is followed (§4.6.3), close_notify is the peer's
// end. Any fault sends its alert and closes; `failure` says why in words
// (for a certificate: the X.509 verdict, naming the certificate and the
// reason) and the app hears closed(Aborted).
//
// Bounded: one handshake message at most MAX_HANDSHAKE_MESSAGE bytes, the
// transcript 64 KiB, the plaintext waiting for the app RECEIVE_LIMIT
// (records stay in the transport's buffer until the app reads).
import { Flow, ByteSource, CloseReason, FlowHandler, reasonName } from "../flow/index";
import { StreamTransport } from "../net/transport";
import { CounterVisitor, Counters, fillRandom, now, registerCounters, wallNow, SECOND, Timer } from "../platform/index";
import { IpAddress, IpEndpoint } from "../wire/ip";
import { AlertCode, alertBody, alertName, NO_ALERT } from "./alert";
import { equalSecret } from "./bytes";
import {
  certificateAlert, certificateVerifyContent, offeredSchemes, schemeAlgorithm, schemeKeyType, BindingVerifier,
} from "./certverify";
import { clientHello, ClientHelloParams, ServerHelloRepr, HS_CERTIFICATE_REQUEST } from "./clienthello";
import {
  GROUP_SECP256R1, GROUP_X25519, HS_CERTIFICATE, HS_CERTIFICATE_VERIFY, HS_ENCRYPTED_EXTENSIONS, HS_FINISHED, HS_KEY_UPDATE,
  HS_NEW_SESSION_TICKET, HS_SERVER_HELLO, EXT_ALPN,
} from "./hello";
import { p256, p256Public, x25519, x25519Public } from "./crypto";
import { Cursor } from "./cursor";
import { finishedVerifyData, KeySchedule } from "./keyschedule";
import { ContentType, Opened, RecordHeader, RecordProtection, writeHeader, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from "./record";
import { CipherSuite, suiteById } from "./suite";
import { Transcript } from "./transcript";
import { Certificate, PathValidator, SignatureVerifier, TrustAnchors } from "./x509/index";

export const MAX_HANDSHAKE_MESSAGE: i32 = 65536;
export const RECEIVE_LIMIT: i32 = 65536;
/** What a record adds to its content: header, inner type, tag. */
const RECORD_OVERHEAD: i32 = RECORD_HEADER_LENGTH + 1 + 16;

/** What every TLS client of the image did, registered as "tls-client"
 * when the first one is made (--stats prints it). */
export class TlsClientCounters extends Counters {
  handshakes: u64 = 0;
  failures: u64 = 0;
  /** Of the failures: a certificate path or name refused. */
  certificatesRejected: u64 = 0;
  helloRetries: u64 = 0;
  alertsReceived: u64 = 0;
  keyUpdates: u64 = 0;
  bytesIn: u64 = 0;
  bytesOut: u64 = 0;

  visit(v: CounterVisitor): void {
    v.count("handshakes", this.handshakes);
    v.count("failures", this.failures);
    v.count("certificatesRejected", this.certificatesRejected);
    v.count("helloRetries", this.helloRetries);
    v.count("alertsReceived", this.alertsReceived);
    v.count("keyUpdates", this.keyUpdates);
    v.count("bytesIn", this.bytesIn);
    v.count("bytesOut", this.bytesOut);
  }
}

export const tlsClientCounters = new TlsClientCounters();
let countersRegistered = false;

export class TlsClientConfig {
  constructor(
    /** The name the certificate must carry (a DNS name or an address);
     * also sent as SNI when it is a name. */
    public serverName: string,
    public anchors: TrustAnchors,
    public verifier: SignatureVerifier = new BindingVerifier(),
    /** The ALPN protocol to offer ("" for none). */
    public alpn: string = "http/1.1",
    /** Send a P-256 share beside the X25519 one: a server that only does
     * P-256 then needs no HelloRetryRequest. Without it, P-256 is still
     * offered in supported_groups and a retry brings the share. */
    public p256Share: bool = true,
  ) {}
}

const enum State { Connecting, WaitServerHello, WaitEncryptedExtensions, WaitCertificate, WaitCertificateVerify, WaitFinished, Connected, Closed }

/** The handshake message each state waits for, and its name. */
const EXPECTED: u8[] = [0, HS_SERVER_HELLO, HS_ENCRYPTED_EXTENSIONS, HS_CERTIFICATE, HS_CERTIFICATE_VERIFY, HS_FINISHED, 0, 0];
const EXPECTED_NAMES: string[] = ["", "ServerHello", "EncryptedExtensions", "Certificate", "CertificateVerify", "Finished", "", ""];

export class TlsClient extends Flow {
  /** Why the connection failed, "" while it has not. */
  failure: string = "";
  /** The alert sent or received when it failed (NO_ALERT otherwise). */
  alert: i32 = NO_ALERT;
  /** The ALPN protocol the server chose, "" for none. */
  alpn: string = "";
  /** The validated server certificate, once Certificate has arrived. */
  leaf: Certificate | null = null;

  private inner: Flow | null = null;
  private state: State = State.Connecting;
  private readonly hello: ClientHelloParams = new ClientHelloParams();
  private x25519Secret: Uint8Array = new Uint8Array(32);
  private p256Secret: Uint8Array = new Uint8Array(32);
  /** Whether the server asked for a second ClientHello (§4.1.4). */
  retried: bool = false;
  private suite: CipherSuite | null = null;
  private keys: KeySchedule | null = null;
  private readonly transcript: Transcript = new Transcript();
  private readProtection: RecordProtection | null = null;
  private writeProtection: RecordProtection | null = null;
  private readonly header: RecordHeader = new RecordHeader();
  private readonly opened: Opened = new Opened();
  private handshake: Uint8Array = new Uint8Array(0);
  private plaintext: Uint8Array = new Uint8Array(1024);
  private plainLength: i32 = 0;
  private shut: bool = false;
  private wantWritable: bool = false;
  /** Records were left in the transport while the app's buffer was full. */
  private heldBack: bool = false;
  private readonly resume!: Resume;

  private constructor(readonly config: TlsClientConfig) {
    super();
    this.resume = new Resume(this);
    if (!countersRegistered) {
      registerCounters("tls-client", tlsClientCounters);
      countersRegistered = true;
    }
  }

  /** Connect to `to` over `transport` and run the handshake; `handler`
   * hears connected (authenticated) or closed. Null when the transport
   * has no room for another connection. */
  static connect(transport: StreamTransport, to: IpEndpoint, config: TlsClientConfig, handler: FlowHandler): TlsClient | null {
    const c = new TlsClient(config);
    c.handler = handler;
    const inner = transport.connect(to, new InnerEvents(c));
    if (inner === null) return null;
    c.inner = inner;
    return c;
  }

  /** Run the handshake over a flow that is already open (a pipe, a
   * connection made for something else first): `handler` hears connected
   * or closed as with connect(). */
  static over(inner: Flow, config: TlsClientConfig, handler: FlowHandler): TlsClient {
    const c = new TlsClient(config);
    c.handler = handler;
    c.inner = inner;
    inner.handler = new InnerEvents(c);
    c.innerConnected(inner);
    return c;
  }

  // ---- the flow the app sees

  received(): Uint8Array {
    return this.plaintext.subarray(0, this.plainLength);
  }

  consume(n: i32): void {
    n = min(max(n, 0), this.plainLength);
    this.plaintext.copyWithin(0, n, this.plainLength);
    this.plainLength -= n;
    // Records held back while the buffer was full can come in now: from a
    // timer due at once, not from inside this call (events never come
    // from inside the call that caused them, libos/flow/deferred.ts).
    if (n > 0 && this.heldBack && !this.resume.armed) this.resume.armAt(now());
  }

  /** The resume timer: read what was held back. */
  resumeReading(): void {
    const inner = this.inner;
    if (inner !== null) this.pump(inner);
  }

  get unread(): i32 {
    return this.plainLength;
  }

  get receiveCapacity(): i32 {
    return RECEIVE_LIMIT;
  }

  get writeSpace(): i32 {
    const inner = this.inner;
    if (!this.isOpen || inner === null) return 0;
    const raw = inner.writeSpace;
    const space = raw - RECORD_OVERHEAD * (raw / (MAX_PLAINTEXT + RECORD_OVERHEAD) + 1);
    if (space <= 0) this.wantWritable = true;
    return max(space, 0);
  }

  get unacknowledged(): i32 {
    const inner = this.inner;
    return inner === null ? 0 : inner.unacknowledged;
  }

  write(data: Uint8Array, offset: i32 = 0, len: i32 = -1): i32 {
    if (len < 0) len = data.length - offset;
    if (offset < 0 || len < 0 || offset + len > data.length) return 0;
    const space = this.writeSpace;
    const n = min(len, space);
    if (n < len) this.wantWritable = true;
    let done = 0;
    while (done < n) {
      const chunk = min(n - done, MAX_PLAINTEXT);
      if (!this.sendRecord(ContentType.ApplicationData, data.subarray(offset + done, offset + done + chunk))) break;
      done += chunk;
    }
    tlsClientCounters.bytesOut += <u64>done;
    return done;
  }

  fill(src: ByteSource, max: i32): i32 {
    const n = min(min(max, this.writeSpace), MAX_PLAINTEXT);
    if (n <= 0) return 0;
    const buf = new Uint8Array(n);
    const got = src.fill(buf);
    return got > 0 ? this.write(buf, 0, got) : 0;
  }

  shutdown(): void {
    if (this.shut) return;
    this.shut = true;
    const inner = this.inner;
    if (this.state == State.Connected) this.sendAlert(AlertCode.CloseNotify);
    if (inner !== null) inner.shutdown();
  }

  close(): void {
    this.shutdown();
    const inner = this.inner;
    if (inner !== null) inner.close();
  }

  abort(): void {
    const inner = this.inner;
    if (inner !== null) inner.abort();
  }

  get isOpen(): bool {
    const inner = this.inner;
    return this.state == State.Connected && !this.shut && inner !== null && inner.isOpen;
  }

  get isClosed(): bool {
    return this.state == State.Closed;
  }

  get local(): IpEndpoint {
    const inner = this.inner;
    return inner === null ? new IpEndpoint() : inner.local;
  }

  get remote(): IpEndpoint {
    const inner = this.inner;
    return inner === null ? new IpEndpoint() : inner.remote;
  }

  // ---- events of the flow underneath

  innerConnected(f: Flow): void {
    // over() starts at once; a flow that announces itself later (a pipe)
    // must not start a second handshake.
    if (this.state != State.Connecting) return;
    this.inner = f;
    const h = this.hello;
    fillRandom(h.random);
    fillRandom(h.sessionId);
    fillRandom(this.x25519Secret);
    // A P-256 scalar must be below the group order: retry the rare miss.
    let q: Uint8Array | null = null;
    for (let i = 0; i < 8 && q === null; i++) {
      fillRandom(this.p256Secret);
      q = p256Public(this.p256Secret);
    }
    h.x25519 = x25519Public(this.x25519Secret);
    h.p256 = q;
    h.p256Offered = q !== null;
    if (!this.config.p256Share) h.p256 = null;
    h.serverName = IpAddress.parse(this.config.serverName) === null ? this.config.serverName : "";
    h.alpn = this.config.alpn;
    h.signatureSchemes = offeredSchemes(this.config.verifier);
    this.sendHello();
    this.state = State.WaitServerHello;
  }

  innerReadable(f: Flow): void {
    this.pump(f);
  }

  innerWritable(f: Flow): void {
    const h = this.handler;
    if (this.wantWritable && this.state == State.Connected && h !== null) {
      this.wantWritable = false;
      h.writable(this);
    }
  }

  innerPeerClosed(f: Flow): void {
    if (this.state == State.Connected) {
      // No close_notify first: the app cannot tell a truncation from the
      // end, so it hears peerClosed all the same (as over TCP).
      const h = this.handler;
      if (h !== null) h.peerClosed(this);
    } else if (this.state != State.Closed) {
      this.fail(NO_ALERT, "the server closed the connection during the handshake");
    }
  }

  innerClosed(f: Flow, reason: CloseReason): void {
    const wasHandshaking = this.state != State.Connected;
    this.state = State.Closed;
    if (wasHandshaking && this.failure.length == 0) this.failure = "the connection ended during the handshake (" + reasonName(reason) + ")";
    const h = this.handler;
    if (h !== null) h.closed(this, this.failure.length > 0 ? CloseReason.Aborted : reason);
  }

  // ---- records

  /** Every whole record the inner flow holds, while the app has room. */
  private pump(f: Flow): void {
    while (this.state != State.Closed && this.failure.length == 0) {
      const data = f.received();
      if (!this.header.read(data, this.readProtection !== null)) return;
      if (this.header.alert != NO_ALERT) {
        this.fail(this.header.alert, "the server sent a malformed record header");
        return;
      }
      const total = RECORD_HEADER_LENGTH + this.header.length;
      if (data.length < total) return;
      this.heldBack = this.plainLength + MAX_PLAINTEXT > RECEIVE_LIMIT;
      if (this.heldBack) return; // the app reads first
      const record = data.slice(0, total);
      f.consume(total);
      this.record(record);
    }
  }

  private record(record: Uint8Array): void {
    const type = <i32>record[0];
    const body = record.subarray(RECORD_HEADER_LENGTH);
    // A change_cipher_spec of one byte 1 may come in the handshake and is
    // dropped unread (§5, middlebox compatibility).
    if (type == ContentType.ChangeCipherSpec) {
      if (this.state == State.Connected || body.length != 1 || body[0] != 1) this.fail(AlertCode.UnexpectedMessage, "an unexpected change_cipher_spec");
      return;
    }
    const protection = this.readProtection;
    if (protection === null) {
      if (type == ContentType.Handshake) this.handshakeBytes(body);
      else if (type == ContentType.Alert) this.alertReceived(body);
      else this.fail(AlertCode.UnexpectedMessage, "application data before the handshake");
      return;
    }
    const o = protection.open(record, this.opened);
    if (o.alert != NO_ALERT) {
      this.fail(o.alert, "a record from the server does not decrypt (" + alertName(o.alert) + ")");
      return;
    }
    if (o.type == ContentType.Handshake) this.handshakeBytes(o.content);
    else if (o.type == ContentType.Alert) this.alertReceived(o.content);
    else if (o.type == ContentType.ApplicationData && this.state == State.Connected) this.appData(o.content);
    else this.fail(AlertCode.UnexpectedMessage, "an unexpected record type " + o.type.toString());
  }

  private appData(content: Uint8Array): void {
    if (content.length == 0) return;
    const need = this.plainLength + content.length;
    if (need > this.plaintext.length) {
      const grown = new Uint8Array(min(RECEIVE_LIMIT, max(need, this.plaintext.length * 2)));
      grown.set(this.plaintext.subarray(0, this.plainLength));
      this.plaintext = grown;
    }
    this.plaintext.set(content, this.plainLength);
    this.plainLength = need;
    tlsClientCounters.bytesIn += <u64>content.length;
    const h = this.handler;
    if (h !== null) h.readable(this);
  }

  private alertReceived(body: Uint8Array): void {
    if (body.length != 2) {
      this.fail(AlertCode.DecodeError, "a malformed alert");
      return;
    }
    const code = <i32>body[1];
    tlsClientCounters.alertsReceived++;
    if (code == AlertCode.CloseNotify && this.state == State.Connected) {
      const h = this.handler;
      if (h !== null) h.peerClosed(this);
      return;
    }
    this.alert = code;
    this.failure = "the server sent the alert " + alertName(code);
    tlsClientCounters.failures++;
    const inner = this.inner;
    if (inner !== null) inner.close();
  }

  /** Seal (or, before the keys, frame) one record and hand it down. */
  private sendRecord(type: i32, content: Uint8Array): bool {
    const inner = this.inner;
    if (inner === null) return false;
    const p = this.writeProtection;
    let out: Uint8Array;
    if (p === null) {
      out = new Uint8Array(RECORD_HEADER_LENGTH + content.length);
      writeHeader(out, 0, type, content.length);
      out.set(content, RECORD_HEADER_LENGTH);
    } else {
      const sealed = p.seal(type, content);
      if (sealed === null) return false;
      out = sealed;
    }
    const n = inner.write(out);
    // Part of a record would leave the stream undecodable: end it instead.
    if (n > 0 && n < out.length) inner.abort();
    return n == out.length;
  }

  private sendAlert(code: AlertCode): void {
    this.sendRecord(ContentType.Alert, alertBody(code));
  }

  /** Refuse the connection: the alert (if any) to the server, the reason
   * kept for the app, the flow closed. */
  private fail(code: i32, why: string): void {
    if (this.failure.length > 0) return;
    this.failure = why;
    this.alert = code;
    tlsClientCounters.failures++;
    if (code != NO_ALERT) this.sendAlert(<AlertCode>code);
    const inner = this.inner;
    if (inner !== null) inner.close();
  }

  // ---- handshake messages

  private handshakeBytes(bytes: Uint8Array): void {
    if (bytes.length == 0) {
      this.fail(AlertCode.UnexpectedMessage, "an empty handshake record");
      return;
    }
    const buffered = new Uint8Array(this.handshake.length + bytes.length);
    buffered.set(this.handshake);
    buffered.set(bytes, this.handshake.length);
    let at = 0;
    while (this.failure.length == 0 && buffered.length - at >= 4) {
      const len = (<i32>buffered[at + 1] << 16) | (<i32>buffered[at + 2] << 8) | buffered[at + 3];
      if (len > MAX_HANDSHAKE_MESSAGE) {
        this.fail(AlertCode.DecodeError, "a handshake message of " + len.toString() + " bytes; at most " + MAX_HANDSHAKE_MESSAGE.toString() + " are read");
        return;
      }
      if (buffered.length - at < 4 + len) break;
      const message = buffered.slice(at, at + 4 + len);
      at += 4 + len;
      const keysBefore = this.readProtection;
      this.message(message);
      // A message may not share a record with what follows a key change (§5.1).
      if (this.readProtection !== keysBefore && at < buffered.length) {
        this.fail(AlertCode.UnexpectedMessage, "handshake bytes across a key change");
        return;
      }
    }
    this.handshake = buffered.slice(at);
    if (this.handshake.length > MAX_HANDSHAKE_MESSAGE + 4) this.fail(AlertCode.DecodeError, "a handshake message too long");
  }

  private message(m: Uint8Array): void {
    const type = m[0];
    const body = m.subarray(4);
    if (this.state == State.Connected) {
      if (type == HS_NEW_SESSION_TICKET) return; // no resumption: tickets are not kept
      if (type == HS_KEY_UPDATE) this.keyUpdate(body);
      else this.fail(AlertCode.UnexpectedMessage, "an unexpected handshake message type " + type.toString() + " after the handshake");
      return;
    }
    // The server's flight comes in one order (§4.4, §2).
    const expected = EXPECTED[<i32>this.state];
    if (type != expected) {
      this.fail(AlertCode.UnexpectedMessage, "expected " + EXPECTED_NAMES[<i32>this.state] + ", got handshake type " + type.toString() +
        (type == HS_CERTIFICATE_REQUEST ? " (client certificates are not supported)" : ""));
      return;
    }
    switch (this.state) {
      case State.WaitServerHello: this.serverHello(m, body); break;
      case State.WaitEncryptedExtensions: this.encryptedExtensions(m, body); break;
      case State.WaitCertificate: this.certificate(m, body); break;
      case State.WaitCertificateVerify: this.certificateVerify(m, body); break;
      case State.WaitFinished: this.finished(m, body); break;
    }
  }

  private sendHello(): void {
    const m = clientHello(this.hello);
    this.transcript.add(m);
    this.sendRecord(ContentType.Handshake, m);
  }

  private serverHello(m: Uint8Array, body: Uint8Array): void {
    const sh = new ServerHelloRepr();
    const alert = sh.parse(body, this.hello.sessionId);
    if (alert != NO_ALERT) {
      this.fail(alert, alert == AlertCode.ProtocolVersion
        ? "the server does not speak TLS 1.3 (only TLS 1.3 is supported)" : "a malformed ServerHello (" + alertName(alert) + ")");
      return;
    }
    const suite = suiteById(sh.suite);
    if (suite === null) {
      this.fail(AlertCode.IllegalParameter, "the server chose a cipher suite that was not offered");
      return;
    }
    if (this.suite !== null && this.suite!.id != suite.id) {
      this.fail(AlertCode.IllegalParameter, "the ServerHello's suite differs from the HelloRetryRequest's (§4.1.4)");
      return;
    }
    if (sh.retry) {
      this.helloRetry(m, sh, suite);
      return;
    }
    this.suite = suite;
    const shared = new Uint8Array(32);
    let ok = false;
    if (sh.group == GROUP_X25519 && this.hello.x25519 !== null) ok = x25519(this.x25519Secret, sh.share, shared);
    else if (sh.group == GROUP_SECP256R1 && this.hello.p256 !== null) ok = p256(this.p256Secret, sh.share, shared);
    else {
      this.fail(AlertCode.IllegalParameter, "the server's key share is for a group that was not offered");
      return;
    }
    this.x25519Secret.fill(0);
    this.p256Secret.fill(0);
    if (!ok) {
      this.fail(AlertCode.IllegalParameter, "the server's key share is not a valid point");
      return;
    }
    this.transcript.add(m);
    const ks = new KeySchedule(suite);
    ks.deriveHandshake(shared, this.transcript.hash(suite.hash));
    shared.fill(0);
    this.keys = ks;
    this.readProtection = new RecordProtection(suite, ks.serverHandshakeTraffic);
    this.writeProtection = new RecordProtection(suite, ks.clientHandshakeTraffic);
    this.state = State.WaitEncryptedExtensions;
  }

  /** HelloRetryRequest (§4.1.4): once, for P-256 when it was offered
   * without a share (config.p256Share false); the cookie echoed. */
  private helloRetry(m: Uint8Array, sh: ServerHelloRepr, suite: CipherSuite): void {
    if (this.retried) {
      this.fail(AlertCode.UnexpectedMessage, "a second HelloRetryRequest");
      return;
    }
    this.retried = true;
    tlsClientCounters.helloRetries++;
    this.suite = suite;
    const h = this.hello;
    // §4.1.4: the group asked for must be offered and not already shared.
    if (sh.group == GROUP_SECP256R1 && h.p256Offered && h.p256 === null) {
      h.p256 = p256Public(this.p256Secret);
      h.x25519 = null;
    } else {
      this.fail(AlertCode.IllegalParameter, "the HelloRetryRequest asks for a group that was not offered or already shared");
      return;
    }
    h.cookie = sh.cookie;
    this.transcript.replaceWithMessageHash(suite.hash);
    this.transcript.add(m);
    this.sendHello();
  }

  private encryptedExtensions(m: Uint8Array, body: Uint8Array): void {
    const c = new Cursor(body);
    const exts = new Cursor(c.vector16());
    while (exts.ok && !exts.atEnd) {
      const type = exts.u16();
      const data = new Cursor(exts.vector16());
      if (type == EXT_ALPN) {
        const list = new Cursor(data.vector16());
        const name = list.vector8();
        const chosen = String.UTF8.decode(name.slice().buffer);
        if (!list.ok || !list.atEnd || chosen != this.config.alpn) {
          this.fail(AlertCode.IllegalParameter, "the server chose an ALPN protocol that was not offered");
          return;
        }
        this.alpn = chosen;
      }
    }
    if (!c.ok || !c.atEnd || !exts.ok) {
      this.fail(AlertCode.DecodeError, "malformed EncryptedExtensions");
      return;
    }
    this.transcript.add(m);
    this.state = State.WaitCertificate;
  }

  private certificate(m: Uint8Array, body: Uint8Array): void {
    const c = new Cursor(body);
    const context = c.vector8();
    const list = new Cursor(c.vector24());
    const chain: Uint8Array[] = [];
    while (list.ok && !list.atEnd && chain.length <= 16) {
      chain.push(list.vector24());
      list.vector16(); // per-certificate extensions: none requested
    }
    if (!c.ok || !c.atEnd || !list.ok || context.length != 0) {
      this.fail(AlertCode.DecodeError, "a malformed Certificate message");
      return;
    }
    const now = wallNow() / SECOND;
    const verdict = new PathValidator(this.config.anchors, this.config.verifier).validate(chain, this.config.serverName, now);
    if (!verdict.ok) {
      tlsClientCounters.certificatesRejected++;
      this.fail(certificateAlert(verdict.error), "certificate rejected: " + verdict.toString());
      return;
    }
    this.leaf = verdict.leaf;
    this.transcript.add(m);
    this.state = State.WaitCertificateVerify;
  }

  private certificateVerify(m: Uint8Array, body: Uint8Array): void {
    const c = new Cursor(body);
    const scheme = <u16>c.u16();
    const signature = c.vector16();
    if (!c.ok || !c.atEnd) {
      this.fail(AlertCode.DecodeError, "a malformed CertificateVerify");
      return;
    }
    const leaf = this.leaf!;
    if (!this.hello.signatureSchemes.includes(scheme) || schemeKeyType(scheme) != leaf.keyType) {
      this.fail(AlertCode.IllegalParameter, "the server signed with scheme 0x" + (<i32>scheme).toString(16) + ", not offered or not its key's");
      return;
    }
    const content = certificateVerifyContent(this.transcript.hash(this.suite!.hash));
    if (!this.config.verifier.verify(schemeAlgorithm(scheme), leaf.spki, leaf.publicKey, content, signature)) {
      this.fail(AlertCode.DecryptError, "the server's CertificateVerify does not verify with its certificate's key");
      return;
    }
    this.transcript.add(m);
    this.state = State.WaitFinished;
  }

  private finished(m: Uint8Array, body: Uint8Array): void {
    const suite = this.suite!;
    const ks = this.keys!;
    const expected = finishedVerifyData(suite.hash, ks.serverHandshakeTraffic, this.transcript.hash(suite.hash));
    if (!equalSecret(body, expected)) {
      this.fail(AlertCode.DecryptError, "the server's Finished does not match the handshake");
      return;
    }
    this.transcript.add(m);
    ks.deriveApplication(this.transcript.hash(suite.hash));
    const mine = finishedVerifyData(suite.hash, ks.clientHandshakeTraffic, this.transcript.hash(suite.hash));
    const fin = new Uint8Array(4 + mine.length);
    fin[0] = HS_FINISHED;
    fin[3] = <u8>mine.length;
    fin.set(mine, 4);
    this.sendRecord(ContentType.Handshake, fin);
    this.readProtection = new RecordProtection(suite, ks.serverApplicationTraffic);
    this.writeProtection = new RecordProtection(suite, ks.clientApplicationTraffic);
    this.transcript.clear();
    this.state = State.Connected;
    tlsClientCounters.handshakes++;
    const h = this.handler;
    if (h !== null) h.connected(this);
  }

  /** KeyUpdate (§4.6.3): the server's next keys; answered in kind when it asks. */
  private keyUpdate(body: Uint8Array): void {
    if (body.length != 1 || body[0] > 1) {
      this.fail(AlertCode.IllegalParameter, "a malformed KeyUpdate");
      return;
    }
    this.readProtection!.update();
    tlsClientCounters.keyUpdates++;
    if (body[0] == 1 && !this.shut) {
      const answer = new Uint8Array(5);
      answer[0] = HS_KEY_UPDATE;
      answer[3] = 1;
      this.sendRecord(ContentType.Handshake, answer);
      this.writeProtection!.update();
    }
  }
}

class Resume extends Timer {
  constructor(readonly tls: TlsClient) {
    super();
  }
  fire(time: i64): void { this.tls.resumeReading(); }
}

/** The inner flow's events, passed to the client. */
class InnerEvents extends FlowHandler {
  constructor(readonly tls: TlsClient) {
    super();
  }
  connected(f: Flow): void { this.tls.innerConnected(f); }
  readable(f: Flow): void { this.tls.innerReadable(f); }
  writable(f: Flow): void { this.tls.innerWritable(f); }
  peerClosed(f: Flow): void { this.tls.innerPeerClosed(f); }
  closed(f: Flow, reason: CloseReason): void { this.tls.innerClosed(f, reason); }
}
