// Entry for tests/tlsclient/hostile.test.ts: a TlsClient over a scripted
// flow (bytes from the test in, bytes the client writes out), driven
// synchronously: the first flight is what the client writes on connect,
// and feed() hands it a server's answer and reports how the client ended.
import { ByteSource, CloseReason, Flow, FlowHandler } from "../../../libos/flow/index";
import { TlsClient, TlsClientConfig } from "../../../libos/tls/client";
import { TrustAnchors } from "../../../libos/tls/x509/index";
import { IpEndpoint } from "../../../libos/wire/ip";
export { inputBuffer, outputPtr, outputLen } from "../../harness/as/io";
import { inputBytes, setOutput } from "../../harness/as/io";

/** A flow whose received bytes are set by the test and whose writes are kept. */
class Script extends Flow {
  incoming: Uint8Array = new Uint8Array(0);
  written: u8[] = [];
  closedYet: bool = false;
  received(): Uint8Array { return this.incoming; }
  consume(n: i32): void { this.incoming = this.incoming.subarray(min(n, this.incoming.length)); }
  get writeSpace(): i32 { return this.closedYet ? 0 : 1 << 20; }
  write(data: Uint8Array, offset: i32 = 0, len: i32 = -1): i32 {
    if (len < 0) len = data.length - offset;
    for (let i = 0; i < len; i++) this.written.push(data[offset + i]);
    return len;
  }
  fill(src: ByteSource, max: i32): i32 { return 0; }
  shutdown(): void {}
  close(): void {
    if (this.closedYet) return;
    this.closedYet = true;
    const h = this.handler;
    if (h !== null) h.closed(this, CloseReason.Normal);
  }
  abort(): void { this.close(); }
  get isOpen(): bool { return !this.closedYet; }
  get isClosed(): bool { return this.closedYet; }
  get local(): IpEndpoint { return new IpEndpoint(); }
  get remote(): IpEndpoint { return new IpEndpoint(); }
}

class App extends FlowHandler {
  connected(f: Flow): void {}
}

function written(s: Script): Uint8Array {
  const out = new Uint8Array(s.written.length);
  for (let i = 0; i < out.length; i++) out[i] = s.written[i];
  return out;
}

function start(s: Script): TlsClient {
  return TlsClient.over(s, new TlsClientConfig("www.test", new TrustAnchors()), new App());
}

/** The ClientHello record a client writes on connect. */
export function firstFlight(): void {
  const s = new Script();
  start(s);
  setOutput(written(s));
}

/** A new client answered with the input bytes; the session id the
 * client chose is copied into the ServerHello's echo (offset 44) first,
 * so a mutation elsewhere gets past that check. How the client ended. */
export function feed(): string {
  const s = new Script();
  const c = start(s);
  const input = inputBytes();
  // Record header (5), handshake header (4), version (2), random (32),
  // session id length (1): the echo starts at 44; ClientHello's id at 44 too.
  if (input.length >= 76 && s.written.length >= 76) {
    for (let i = 0; i < 32; i++) input[44 + i] = s.written[44 + i];
  }
  s.incoming = input;
  c.innerReadable(s);
  return c.failure.length > 0 ? c.failure : "waiting";
}
