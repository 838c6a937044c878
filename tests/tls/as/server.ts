// Harness entry: a TlsServer over one end of an in-memory pipe, with an
// echo service inside it; the test drives the other end from Node (its
// node:tls client, i.e. OpenSSL, reads and writes through it), so a real
// TLS 1.3 client meets this server with no network at all.
import { Flow, FlowAcceptor, FlowHandler, PipeEnd, pipePair } from "../../../libos/flow/index";
import { step } from "../../../libos/platform/index";
import { IpAddress, IpEndpoint } from "../../../libos/wire/ip";
import { TlsCertificate, TlsServerConfig } from "../../../libos/tls/config";
import { TlsFlow, TlsServer, tlsCounters } from "../../../libos/tls/flow";
import { inputBytes, setOutput } from "../../harness/as/io";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";

/** Echoes what it reads, prefixed, until the peer closes. */
class Echo extends FlowHandler {
  readable(f: Flow): void {
    const d = f.received();
    const reply = new Uint8Array(6 + d.length);
    reply.set(Uint8Array.wrap(String.UTF8.encode("echo: ")));
    reply.set(d, 6);
    f.write(reply);
    f.consume(d.length);
  }
  peerClosed(f: Flow): void { f.close(); }
}

class EchoService extends FlowAcceptor {
  accept(f: Flow): FlowHandler | null { return new Echo(); }
}

let client: PipeEnd | null = null;
let server: PipeEnd | null = null;
let got = new Uint8Array(0);
let clientClosed = false;
let config: TlsServerConfig | null = null;

class Client extends FlowHandler {
  readable(f: Flow): void {
    const d = f.received();
    const joined = new Uint8Array(got.length + d.length);
    joined.set(got);
    joined.set(d, got.length);
    got = joined;
    f.consume(d.length);
  }
  peerClosed(f: Flow): void { clientClosed = true; }
  closed(f: Flow, reason: i32): void { clientClosed = true; }
}

function readU16(b: Uint8Array, at: i32): i32 {
  return (<i32>b[at] << 8) | b[at + 1];
}

/** Input: u16 count, then per certificate u16 DER length, DER; then u16
 * scheme, u16 key length, the key (crypto.ts's form); then the names,
 * comma-separated. */
export function configure(): void {
  config = new TlsServerConfig([certificateFromInput()]);
}

/** configure()'s input again: one more certificate, after the others. */
export function addCertificate(): void {
  config!.certificates.push(certificateFromInput());
}

function certificateFromInput(): TlsCertificate {
  const b = inputBytes();
  const count = readU16(b, 0);
  let at = 2;
  const chain: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const len = readU16(b, at);
    chain.push(b.slice(at + 2, at + 2 + len));
    at += 2 + len;
  }
  const scheme = <u16>readU16(b, at);
  const keyLen = readU16(b, at + 2);
  const key = b.slice(at + 4, at + 4 + keyLen);
  const names = String.UTF8.decode(b.slice(at + 4 + keyLen).buffer).split(",");
  return new TlsCertificate(chain, key, names, scheme);
}

/** Make a TlsServer (what an application does before it listens): it
 * stops the image when the entropy source is jitter alone (entropy.ts). */
export function makeServer(): void {
  new TlsServer(config!, new EchoService());
}

/** A fresh connection: a pipe whose server end a TlsServer accepted. */
export function connect(): void {
  const ends = pipePair(1 << 17, new IpEndpoint(IpAddress.v4(0x0a000002), 40000), new IpEndpoint(IpAddress.v4(0x0a000001), 443));
  client = ends[0];
  server = ends[1];
  got = new Uint8Array(0);
  clientClosed = false;
  client!.handler = new Client();
  const t = new TlsFlow(server!, config!, new EchoService());
  server!.handler = t.transportHandler;
  tls = t;
}

let tls: TlsFlow | null = null;

/** Write the input from the client end; run the loop until quiet; how many bytes it took. */
export function clientWrite(): i32 {
  const n = client!.write(inputBytes());
  settle();
  return n;
}

export function clientShutdown(): void {
  client!.shutdown();
  settle();
}

/** What the client end received since the last call (to output). */
export function clientTake(): void {
  settle();
  setOutput(got);
  got = new Uint8Array(0);
}

export function clientClosedYet(): bool { return clientClosed; }

function settle(): void {
  for (let i = 0; i < 8; i++) step(false);
}

/** The alert that ended the server's side (-1: none), and whether it sent it. */
export function serverAlert(): i32 { return tls!.engine.alert; }
export function serverAlertSent(): bool { return tls!.engine.alertSent; }
export function serverWhy(): string { return tls!.engine.why; }
export function serverConnected(): bool { return tls!.engine.connected; }
export function serverResumed(): bool { return tls!.engine.resumed; }
export function serverKeyUpdates(): i32 { return tls!.engine.keyUpdatesReceived; }
/** Ask the server to send a KeyUpdate that requests the client's. */
export function serverKeyUpdate(): void { tls!.engine.sendKeyUpdate(true); tls!.flush(); settle(); }

export function counters(): string {
  return "handshakes=" + tlsCounters.handshakes.toString() + " failed=" + tlsCounters.failedHandshakes.toString()
    + " alertsSent=" + tlsCounters.alertsSent.toString() + " alertsReceived=" + tlsCounters.alertsReceived.toString()
    + " timeouts=" + tlsCounters.handshakeTimeouts.toString();
}

/** An inner service that offers the connection under test as idle. */
class SpareService extends FlowAcceptor {
  constructor(readonly spare: Flow | null) { super(); }
  accept(f: Flow): FlowHandler | null { return null; }
  spareFlow(): Flow | null { return this.spare; }
}

/** Whether TlsServer hands the transport a spare TLS connection as the
 * transport's own flow (1), and nothing when the service has none (2). */
export function spareFlowIsTransport(): i32 {
  const withSpare = new TlsServer(config!, new SpareService(tls)).spareFlow();
  const without = new TlsServer(config!, new SpareService(null)).spareFlow();
  return (withSpare === server ? 1 : 0) + (without === null ? 2 : 0);
}
