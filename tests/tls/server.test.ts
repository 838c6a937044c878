// Morgana's TLS 1.3 server (libos/tls) in the Node harness, against Node's
// own TLS client (OpenSSL) over an in-memory pipe: each cipher suite with
// each key exchange group, HelloRetryRequest, SNI and ALPN, a KeyUpdate
// from the server, a TLS 1.2-only client refused with protocol_version,
// and hostile input (plaintext HTTP, oversized and truncated records,
// alerts and application data mid-handshake, random ClientHello
// mutations): each ends in the documented alert, never a trap.
import { connect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { HarnessPipe, configInput, makeCert, type TestCert } from "./support.ts";

const ENTRY = "tests/tls/as/server.ts";
let cert: TestCert;
let rsaCert: TestCert;

beforeAll(() => {
  cert = makeCert(["localhost", "www.example.test"]);
  rsaCert = makeCert(["localhost"], "rsa");
});

async function server(seed = 7, c: TestCert = cert): Promise<Harness> {
  const h = await Harness.start(ENTRY, { seed });
  h.input(configInput(c, ["localhost", "www.example.test"]));
  h.call("configure");
  h.call("connect");
  return h;
}

interface Session {
  socket: TLSSocket;
  pipe: HarnessPipe;
  error?: Error;
}

/** Connects a node:tls client through the harness; resolves once the
 * handshake is done or failed. */
function handshake(h: Harness, opts: ConnectionOptions = {}): Promise<Session> {
  const pipe = new HarnessPipe(h);
  return new Promise((resolve) => {
    const socket = connect({ socket: pipe, servername: "localhost", ca: cert.certPem, minVersion: "TLSv1.3", ALPNProtocols: ["http/1.1"], ...opts });
    const s: Session = { socket, pipe };
    socket.once("secureConnect", () => resolve(s));
    socket.once("error", (e) => { s.error = e; resolve(s); });
  });
}

/** Sends text and waits for the echo service's answer. */
function roundTrip(s: Session, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    const onData = (d: Buffer) => {
      got += d.toString("utf8");
      if (got.length >= text.length + 6) {
        s.socket.off("data", onData);
        resolve(got);
      }
    };
    s.socket.on("data", onData);
    s.socket.write(text, (e) => e && reject(e));
    setTimeout(() => s.pipe.collect(), 0);
  });
}

const suites = ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"];
const groups = ["X25519", "P-256"];

describe("handshakes with node:tls (OpenSSL) as the client", () => {
  for (const suite of suites) {
    for (const group of groups) {
      test(`${suite} with ${group}: the certificate verifies, ALPN http/1.1, data both ways`, async () => {
        const h = await server();
        const s = await handshake(h, { ciphers: suite, ecdhCurve: group });
        expect(s.error).toBeUndefined();
        expect(s.socket.getProtocol()).toBe("TLSv1.3");
        expect(s.socket.getCipher().standardName).toBe(suite);
        expect(s.socket.alpnProtocol).toBe("http/1.1");
        expect(s.socket.authorized).toBe(true);
        expect(await roundTrip(s, "hello over tls")).toBe("echo: hello over tls");
        expect(h.call("serverConnected")).toBe(1);
        expect(h.exitStatus).toBeNull();
        s.socket.destroy();
      });
    }
  }

  test("an RSA-2048 certificate: CertificateVerify with rsa_pss_rsae_sha256 verifies", async () => {
    const h = await server(7, rsaCert);
    const s = await handshake(h, { ca: rsaCert.certPem });
    expect(s.error).toBeUndefined();
    expect(s.socket.authorized).toBe(true);
    expect(s.socket.getPeerCertificate().pubkey?.length).toBeGreaterThan(256);
    expect(await roundTrip(s, "rsa")).toBe("echo: rsa");
    s.socket.destroy();
  });

  test("a client that takes no signature the certificate can make gets handshake_failure", async () => {
    const h = await server(7, rsaCert);
    const s = await handshake(h, { ca: rsaCert.certPem, sigalgs: "ecdsa_secp256r1_sha256" });
    expect(s.error).toBeDefined();
    expect(h.call("serverAlert")).toBe(40);
  });

  test("a client whose only key share is for a group we lack gets a HelloRetryRequest and completes with P-256", async () => {
    const h = await server();
    // OpenSSL sends a share for the first group only: P-384, which Morgana does not do.
    const s = await handshake(h, { ecdhCurve: "P-384:P-256" });
    expect(s.error).toBeUndefined();
    expect(await roundTrip(s, "after retry")).toBe("echo: after retry");
    // Two ClientHellos were written: the first, then the one after the retry request.
    const written = Buffer.concat(s.pipe.sent);
    expect(written.indexOf(Buffer.from([0x16, 0x03, 0x03]), 10)).toBeGreaterThan(0);
    s.socket.destroy();
  });

  test("SNI picks the certificate by name; a second name on the certificate is served too", async () => {
    const h = await server();
    const s = await handshake(h, { servername: "www.example.test" });
    expect(s.error).toBeUndefined();
    expect(s.socket.getPeerCertificate().subjectaltname).toContain("DNS:www.example.test");
    s.socket.destroy();
  });

  test("a KeyUpdate from the server (asking for the client's) keeps the connection working", async () => {
    const h = await server();
    const s = await handshake(h);
    expect(await roundTrip(s, "before")).toBe("echo: before");
    h.call("serverKeyUpdate");
    s.pipe.collect();
    expect(await roundTrip(s, "after update")).toBe("echo: after update");
    // OpenSSL answered the request with its own KeyUpdate, which the server took.
    expect(h.call("serverKeyUpdates")).toBe(1);
    s.socket.destroy();
  });

  test("resumption: the ticket of one connection resumes the next (psk_dhe_ke), without a certificate", async () => {
    const h = await server();
    const first = await handshake(h);
    const session = await new Promise<Buffer>((resolve) => {
      first.socket.once("session", resolve);
      first.pipe.collect();
    });
    expect(first.socket.isSessionReused()).toBe(false);
    first.socket.destroy();
    h.call("connect");
    const second = await handshake(h, { session });
    expect(second.error).toBeUndefined();
    expect(second.socket.isSessionReused()).toBe(true);
    expect(h.call("serverResumed")).toBe(1);
    expect(await roundTrip(second, "resumed")).toBe("echo: resumed");
    second.socket.destroy();
  });

  test("a ticket from another server (another ticket key) is ignored: a full handshake", async () => {
    const a = await server();
    const first = await handshake(a);
    const session = await new Promise<Buffer>((resolve) => {
      first.socket.once("session", resolve);
      first.pipe.collect();
    });
    first.socket.destroy();
    const b = await server(8); // another entropy stream: another ticket key
    const second = await handshake(b, { session });
    expect(second.error).toBeUndefined();
    expect(second.socket.isSessionReused()).toBe(false);
    expect(b.call("serverResumed")).toBe(0);
    second.socket.destroy();
  });

  test("a TLS 1.2-only client is refused with protocol_version", async () => {
    const h = await server();
    const s = await handshake(h, { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" });
    expect(s.error?.message ?? "").toMatch(/protocol version/i);
    expect(h.call("serverAlert")).toBe(70);
    expect(h.exitStatus).toBeNull();
  });
});

/** Raw bytes in, the server's answer out, on a fresh connection. */
async function raw(bytes: Uint8Array, h?: Harness): Promise<{ h: Harness; answer: Buffer }> {
  h ??= await server();
  h.input(bytes);
  h.call("clientWrite");
  h.call("clientTake");
  return { h, answer: Buffer.from(h.output()) };
}

const alertRecord = (code: number) => Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, code]);

describe("TlsServer as a FlowAcceptor", () => {
  test("an idle connection the inner service can spare is offered to TCP as TCP's own flow", async () => {
    const h = await server();
    expect(h.call("spareFlowIsTransport")).toBe(3);
  });
});

describe("hostile input: each ends in its alert and a closed connection, never a trap", () => {
  test("plaintext HTTP on the TLS port: unexpected_message", async () => {
    const { h, answer } = await raw(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(answer).toEqual(alertRecord(10));
    expect(h.call("clientClosedYet")).toBe(1);
    expect(h.exitStatus).toBeNull();
  });

  test("a record header claiming more than 2^14 bytes: record_overflow", async () => {
    const { answer } = await raw(new Uint8Array([0x16, 0x03, 0x01, 0x40, 0x01]));
    expect(answer).toEqual(alertRecord(22));
  });

  test("application data before the handshake: unexpected_message", async () => {
    const { answer } = await raw(new Uint8Array([0x17, 0x03, 0x03, 0x00, 0x01, 0x00]));
    expect(answer).toEqual(alertRecord(10));
  });

  test("a ClientHello cut short, then the end: no answer, the connection closes", async () => {
    const h = await server();
    const hello = await clientHello();
    const { answer } = await raw(hello.subarray(0, 40), h);
    expect(answer.length).toBe(0);
    h.call("clientShutdown");
    h.call("clientTake");
    expect(h.call("clientClosedYet")).toBe(1);
    expect(h.exitStatus).toBeNull();
  });

  test("an alert from the client mid-handshake ends it without an answer", async () => {
    const h = await server();
    const hello = await clientHello();
    await raw(hello, h);
    const { answer } = await raw(alertRecord(40), h);
    expect(answer.length).toBe(0);
    expect(h.call("serverAlert")).toBe(40);
    expect(h.call("serverAlertSent")).toBe(0);
  });

  test("a second change_cipher_spec of the wrong form: unexpected_message", async () => {
    const h = await server();
    await raw(await clientHello(), h);
    await raw(new Uint8Array([0x14, 0x03, 0x03, 0x00, 0x01, 0x02]), h);
    expect(h.call("serverAlert")).toBe(10);
  });

  test("a client that sends half a ClientHello and waits is reset after the handshake timeout (10 s)", async () => {
    const h = await server();
    await raw((await clientHello()).subarray(0, 50), h);
    h.advance(9_000_000_000n);
    h.call("clientTake");
    expect(h.call("clientClosedYet")).toBe(0);
    h.advance(2_000_000_000n);
    h.call("clientTake");
    expect(h.call("clientClosedYet")).toBe(1);
    expect(h.call("counters")).toBeDefined();
    expect(h.string(h.call("counters") as number)).toMatch(/timeouts=1/);
  });

  test("random mutations of a real ClientHello never trap, and each gets one alert or waits", async () => {
    const hello = await clientHello();
    const count = Number(process.env.MORGANA_TLS_FUZZ ?? 1000);
    let x = 12345;
    const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8);
    const h = await Harness.start(ENTRY, { seed: 3 });
    h.input(configInput(cert, ["localhost"]));
    h.call("configure");
    const answers = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const m = Buffer.from(hello);
      const edits = 1 + (rand() % 4);
      for (let e = 0; e < edits; e++) {
        const at = rand() % m.length;
        const kind = rand() % 3;
        if (kind === 0) m[at] = rand() & 0xff;
        else if (kind === 1) m[at] ^= 1 << (rand() % 8);
        else m[at] = [0, 0xff, 0x7f, 0x80][rand() % 4];
      }
      h.call("connect");
      h.input(new Uint8Array(m));
      h.call("clientWrite");
      h.call("clientTake");
      expect(h.exitStatus, `mutation ${i}: ${h.console.slice(-300)}`).toBeNull();
      const out = Buffer.from(h.output());
      const kind = out.length === 0 ? "waits" : out[0] === 0x15 ? `alert ${out[6]}` : out[0] === 0x16 ? "handshake" : `other ${out[0]}`;
      answers.set(kind, (answers.get(kind) ?? 0) + 1);
    }
    // Every answer is an alert, a handshake (the mutation was harmless) or
    // nothing yet (a length grew past what was sent).
    for (const k of answers.keys()) expect(k).toMatch(/^(waits|handshake|alert \d+)$/);
    expect([...answers.keys()].some((k) => k.startsWith("alert"))).toBe(true);
  });
});

/** The first record node:tls writes: a real ClientHello. */
async function clientHello(): Promise<Uint8Array> {
  const h = await server();
  const pipe = new HarnessPipe(h);
  const socket = connect({ socket: pipe, servername: "localhost", ca: cert.certPem, minVersion: "TLSv1.3" });
  socket.on("error", () => {});
  await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
  return new Uint8Array(pipe.sent[0]);
}

describe("Ed25519 certificates (RFC 8446 §4.2.3 ed25519; libsodium at boot, node:crypto here)", () => {
  let edCert: TestCert;
  beforeAll(() => {
    edCert = makeCert(["localhost", "www.example.test"], "ed25519");
  });
  const keyType = (s: Session) => s.socket.getPeerX509Certificate()?.publicKey.asymmetricKeyType;

  test("an Ed25519 certificate: CertificateVerify with ed25519 verifies, data both ways", async () => {
    const h = await server(7, edCert);
    const s = await handshake(h, { ca: edCert.certPem, sigalgs: "ed25519" });
    expect(s.error).toBeUndefined();
    expect(s.socket.authorized).toBe(true);
    expect(keyType(s)).toBe("ed25519");
    expect(await roundTrip(s, "edwards")).toBe("echo: edwards");
    s.socket.destroy();
  });

  test("a client that does not take ed25519 gets handshake_failure from an Ed25519-only server", async () => {
    const h = await server(7, edCert);
    const s = await handshake(h, { ca: edCert.certPem, sigalgs: "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256" });
    expect(s.error).toBeDefined();
    expect(h.call("serverAlert")).toBe(40);
  });

  // Both certificates for the same names: the scheme the client offers picks.
  for (const [sigalgs, want] of [["ed25519", "ed25519"], ["ecdsa_secp256r1_sha256", "ec"], ["ed25519:ecdsa_secp256r1_sha256", "ec"]]) {
    test(`P-256 then Ed25519 configured, a client offering ${sigalgs} gets the ${want} certificate`, async () => {
      const h = await server(7, cert);
      h.input(configInput(edCert, ["localhost", "www.example.test"]));
      h.call("addCertificate");
      const s = await handshake(h, { ca: [cert.certPem, edCert.certPem], sigalgs });
      expect(s.error).toBeUndefined();
      expect(keyType(s)).toBe(want);
      expect(await roundTrip(s, "mixed")).toBe("echo: mixed");
      s.socket.destroy();
    });
  }
});
