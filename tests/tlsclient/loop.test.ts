// Morgana's TLS client against Morgana's TLS server, both in the harness
// over an in-memory pipe (the server echoes): the handshake with each
// key-share choice, data both ways in records of every size, a KeyUpdate
// the server asks for, a refused name with the alert the server hears,
// and close_notify.
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { configInput, makeCert } from "../tls/support.ts";

let h: Harness;

/** Call an export with `input` as its input bytes. */
function call(fn: string, input: Uint8Array, ...args: unknown[]): unknown {
  h.input(input);
  const r = h.callWithStrings(fn, ...args);
  if (h.exitStatus !== null) throw new Error(`${fn} stopped the image:\n${h.console}`);
  return r;
}
const text = (fn: string, input: Uint8Array, ...args: unknown[]) => h.string(call(fn, input, ...args) as number)!;
const none = new Uint8Array(0);

beforeAll(async () => {
  // The certificate's validity starts now: the harness clock is set to it.
  h = await Harness.start("tests/tlsclient/as/loop.ts", { walltime: BigInt(Date.now() + 60_000) * 1_000_000n });
  const cert = makeCert(["www.test"]);
  call("configure", configInput(cert, ["www.test"]));
  call("setAnchors", cert.der);
});

describe("Morgana's client meets Morgana's server", () => {
  test("handshakes with both shares and with X25519 alone; the echo comes back", () => {
    expect(text("connect", none, "www.test", 1)).toBe("connected alpn=http/1.1");
    expect(text("exchange", Buffer.from("hello"))).toBe("connected alpn=http/1.1");
    expect(Buffer.from(h.output()).toString()).toBe("hello");
    expect(text("connect", none, "www.test", 0)).toMatch(/^connected alpn=http\/1\.1/);
  });

  test("100 KB through records of up to 16 KiB each way", () => {
    expect(text("connect", none, "www.test", 1)).toBe("connected alpn=http/1.1");
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    expect(text("exchange", data)).toBe("connected alpn=http/1.1");
    const back = Buffer.from(h.output());
    expect(back.length).toBe(data.length);
    expect(back.equals(data)).toBe(true);
  });

  test("a KeyUpdate the server asks for: the client answers and data still flows", () => {
    expect(text("connect", none, "www.test", 1)).toBe("connected alpn=http/1.1");
    expect(call("keyUpdate", none)).toBe(1);
    text("exchange", Buffer.from("after the update"));
    expect(Buffer.from(h.output()).toString()).toBe("after the update");
  });

  test("a name the certificate lacks: refused, and the server hears certificate_unknown", () => {
    expect(text("connect", none, "other.test", 1)).toMatch(/^failed: certificate rejected: wrong name: certificate 0 \(CN=www\.test\) is not for other\.test/);
    expect(call("serverAlert", none)).toBe(46);
  });

  test("close: close_notify both ways, both ends closed", () => {
    expect(text("connect", none, "www.test", 1)).toBe("connected alpn=http/1.1");
    expect(text("close", none)).toBe("client closed=1 server closed=1");
  });

  test("an RSA server certificate: CertificateVerify with RSA-PSS", () => {
    const rsa = makeCert(["rsa.test"], "rsa");
    call("configure", configInput(rsa, ["rsa.test"]));
    call("setAnchors", rsa.der);
    expect(text("connect", none, "rsa.test", 1)).toBe("connected alpn=http/1.1");
    text("exchange", Buffer.from("signed with PSS"));
    expect(Buffer.from(h.output()).toString()).toBe("signed with PSS");
  });

  test("the counters --stats prints add up over the tests above", () => {
    expect(text("counters", none)).toBe(" handshakes=6 failures=1 certificatesRejected=1 helloRetries=0 alertsReceived=0" +
      " keyUpdates=1 bytesIn=100036 bytesOut=100036");
  });

  // After the counters, so their totals above stay what they were.
  test("an Ed25519 server certificate: Morgana's client checks Morgana's ed25519 CertificateVerify", () => {
    const ed = makeCert(["ed.test"], "ed25519");
    call("configure", configInput(ed, ["ed.test"]));
    call("setAnchors", ed.der);
    expect(text("connect", none, "ed.test", 1)).toBe("connected alpn=http/1.1");
    text("exchange", Buffer.from("signed with Ed25519"));
    expect(Buffer.from(h.output()).toString()).toBe("signed with Ed25519");
  });
});
