// Test-only: connects to --server=IP:PORT with libos/tls's client, checks
// the certificate for --host against the anchors built in with --tls-ca,
// or else the test CA (anchors/ca.der, made with
// tests/tlsclient/fixtures/test-ca.key), sends GET --path and prints
// what comes back. Exits 0 after the server's answer, 1 when the
// connection failed, printing "tls failed: WHY" (the X.509 verdict for a
// refused certificate).
import { CloseReason, Flow, FlowHandler } from "../../../libos/flow/index";
import "../../../libos/net/tcp/index";
import { declareArgument, exit, findAsset, OneOf, print, println, run } from "../../../libos/platform/index";
import { ConfiguredHandler, Stack } from "../../../libos/stack/index";
import { BindingVerifier } from "../../../libos/tls/certverify";
import { TlsClient, TlsClientConfig } from "../../../libos/tls/client";
import { TrustAnchors } from "../../../libos/tls/x509/index";
import { IpEndpoint } from "../../../libos/wire/ip";

const serverArg = declareArgument("server", "10.0.0.1:4433", "the server's address and port");
const hostArg = declareArgument("host", "localhost", "the name its certificate must carry (sent as SNI)");
const pathArg = declareArgument("path", "/", "the path to GET");
const p256Share = declareArgument("p256-share", "true", "send a P-256 key share beside X25519's", new OneOf(["true", "false"]));

const stack = Stack.fromBootArguments();
let tls: TlsClient | null = null;

class Get extends FlowHandler {
  connected(f: Flow): void {
    println("tls connected: alpn=" + tls!.alpn + " leaf=" + tls!.leaf!.subject.toString() + (tls!.retried ? " after a HelloRetryRequest" : ""));
    f.writeString("GET " + pathArg.value + " HTTP/1.0\r\nHost: " + hostArg.value + "\r\n\r\n");
  }
  readable(f: Flow): void {
    const d = f.received();
    print(String.UTF8.decode(d.slice().buffer));
    f.consume(d.length);
  }
  peerClosed(f: Flow): void {
    f.close();
  }
  closed(f: Flow, reason: CloseReason): void {
    const t = tls!;
    if (t.failure.length > 0) {
      println("tls failed: " + t.failure);
      exit(1);
    }
    println("tls closed");
    exit(0);
  }
}

class Start extends ConfiguredHandler {
  configured(s: Stack): void {
    const to = IpEndpoint.parse(serverArg.value);
    // Anchors from --tls-ca when built with it, else the test CA.
    const ca = findAsset("ca.der");
    let anchors = TrustAnchors.builtIn();
    if (anchors.certs.length == 0 && ca !== null) anchors = TrustAnchors.fromDer(ca.bytes());
    if (to === null || anchors.certs.length == 0) {
      println("tlsget: bad --server or no trust anchors");
      exit(1);
      return;
    }
    tls = TlsClient.connect(s.tcp, to, new TlsClientConfig(hostArg.value, anchors, new BindingVerifier(), "http/1.1", p256Share.value == "true"), new Get());
  }
}

stack.whenConfigured(new Start());
run();
