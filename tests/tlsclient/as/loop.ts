// Entry for tests/tlsclient/loop.test.ts: Morgana's TLS client and
// Morgana's TLS server (libos/tls/flow.ts) on the two ends of an
// in-memory pipe, the server echoing what it reads. The test configures
// the server's certificate and the client's anchors, then drives
// handshakes, data, KeyUpdate and close.
import { Flow, FlowAcceptor, FlowHandler, PipeEnd, pipePair } from "../../../libos/flow/index";
import { step } from "../../../libos/platform/index";
import { IpAddress, IpEndpoint } from "../../../libos/wire/ip";
import { TlsCertificate, TlsServerConfig } from "../../../libos/tls/config";
import { TlsFlow } from "../../../libos/tls/flow";
import { TlsClient, TlsClientConfig, tlsClientCounters } from "../../../libos/tls/client";
import { BindingVerifier } from "../../../libos/tls/certverify";
import { TrustAnchors } from "../../../libos/tls/x509/index";
import { Cursor } from "../../../libos/tls/cursor";
import { inputBytes, setOutput } from "../../harness/as/io";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";

/** Echoes what it reads. libos/tls/flow.ts (the server) may call
 * readable again from inside write when its buffers fill (seen here with
 * 70 KB at once): the nested call only marks the work, which the outer
 * loop then does, so the echo stays in order either way. */
class Echo extends FlowHandler {
  busy: bool = false;
  again: bool = false;
  readable(f: Flow): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    do {
      this.again = false;
      const d = f.received();
      f.consume(f.write(d));
    } while (this.again);
    this.busy = false;
  }
  writable(f: Flow): void { this.readable(f); }
  peerClosed(f: Flow): void { f.close(); }
}

class EchoService extends FlowAcceptor {
  accept(f: Flow): FlowHandler | null { return new Echo(); }
}

/** The app on the client side: keeps what it reads. */
class App extends FlowHandler {
  got: u8[] = [];
  connected_: bool = false;
  closed_: bool = false;
  connected(f: Flow): void { this.connected_ = true; }
  readable(f: Flow): void {
    const d = f.received();
    for (let i = 0; i < d.length; i++) this.got.push(d[i]);
    f.consume(d.length);
  }
  closed(f: Flow, reason: i32): void { this.closed_ = true; }
}

let serverConfig: TlsServerConfig | null = null;
let anchors = new TrustAnchors();
let server: TlsFlow | null = null;
let client: TlsClient | null = null;
let app = new App();
let pending: Uint8Array = new Uint8Array(0);

/** Input as tests/tls/support.ts configInput() makes it: u16 count,
 * (u16 length, DER)*, u16 scheme, u16 key length, the key, the names
 * comma-separated. */
export function configure(): void {
  const c = new Cursor(inputBytes());
  const count = c.u16();
  const chain: Uint8Array[] = [];
  for (let i = 0; i < count; i++) chain.push(c.vector16().slice());
  const scheme = <u16>c.u16();
  const key = c.vector16().slice();
  const names = String.UTF8.decode(c.bytes(c.left).slice().buffer).split(",");
  serverConfig = new TlsServerConfig([new TlsCertificate(chain, key, names, scheme)]);
}

/** Input: the client's anchors, DER one after another. */
export function setAnchors(): void {
  anchors = TrustAnchors.fromDer(inputBytes().slice());
}

function settle(): void {
  for (let i = 0; i < 64; i++) {
    if (pending.length > 0 && client!.isOpen) {
      const n = client!.write(pending);
      pending = pending.subarray(n);
    }
    step(false);
  }
}

function status(): string {
  const c = client!;
  if (c.failure.length > 0) return "failed: " + c.failure + " | server: " + server!.engine.why;
  return app.connected_ ? "connected alpn=" + c.alpn + (c.retried ? " retried" : "") : "handshaking";
}

/** A new connection to the server as `host`; how the handshake ended. */
export function connect(host: string, p256Share: bool): string {
  const ends = pipePair(1 << 17, new IpEndpoint(IpAddress.v4(0x0a000002), 40000), new IpEndpoint(IpAddress.v4(0x0a000001), 443));
  const s: PipeEnd = ends[1];
  server = new TlsFlow(s, serverConfig!, new EchoService());
  s.handler = server!.transportHandler;
  app = new App();
  client = TlsClient.over(ends[0], new TlsClientConfig(host, anchors, new BindingVerifier(), "http/1.1", p256Share), app);
  settle();
  return status();
}

/** Send the input through the client; what came back (the echo) as output. */
export function exchange(): string {
  pending = inputBytes().slice();
  settle();
  const out = new Uint8Array(app.got.length);
  for (let i = 0; i < out.length; i++) out[i] = app.got[i];
  app.got = [];
  setOutput(out);
  return status();
}

/** The server asks for a KeyUpdate and sends its own; how many the server got. */
export function keyUpdate(): i32 {
  server!.engine.sendKeyUpdate(true);
  server!.flush();
  settle();
  return server!.engine.keyUpdatesReceived;
}

/** The client closes; whether both ends are closed afterwards. */
export function close(): string {
  client!.close();
  settle();
  return "client closed=" + (app.closed_ ? "1" : "0") + " server closed=" + (server!.isClosed ? "1" : "0");
}

export function serverAlert(): i32 { return server!.engine.alert; }

/** The client's counters, as --stats prints them. */
export function counters(): string {
  return tlsClientCounters.list();
}
