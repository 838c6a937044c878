/**
 * libos/tls's client end to end: tests/apps/tlsget booted in a namespace
 * fetches a page from `openssl s_server -www` on the tap, trusting the
 * test CA (fixtures/test-ca.pem, built into the image). A good chain is
 * fetched (TLS 1.3, ALPN http/1.1); an expired certificate, a wrong name,
 * an unknown CA and a bad signature are each refused with the reason
 * printed. Under every end-to-end tender.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasNetns, warnNoNetns, withNetns } from "../support/netns.ts";
import { testImage } from "../support/images.ts";
import { runImage, skipReason, tenders, type Tender } from "../support/tender.ts";
import { flipSignature, pem, Pki, type Issued } from "../x509/helpers.ts";

warnNoNetns("TLS client end-to-end");

const FIXTURES = path.join(import.meta.dirname, "fixtures");
const testCa: Issued = { name: "test CA", cert: path.join(FIXTURES, "test-ca.pem"), key: path.join(FIXTURES, "test-ca.key"), der: new Uint8Array(0) };
const pki = new Pki();
const SAN = ["DNS:www.test", "IP:10.0.0.1"];
let good: Issued, expired: Issued, stranger: Issued, forged: string, viaIntermediate: Issued, intermediate: Issued;
let rsaLeaf: Issued, rsaCa: Issued, underRsa: Issued;
let edCa: Issued, underEd: Issued, forgedEd: string;

beforeAll(() => {
  good = pki.leaf("www.test", SAN, { issuer: testCa });
  expired = pki.leaf("old.test", SAN, { issuer: testCa, notBefore: "20200101000000Z", notAfter: "20210101000000Z" });
  const otherCa = pki.ca("Some Other CA");
  stranger = pki.leaf("stranger.test", SAN, { issuer: otherCa });
  intermediate = pki.ca("Test Intermediate", { issuer: testCa, pathLen: 0 });
  viaIntermediate = pki.leaf("deep.test", ["DNS:deep.test"], { issuer: intermediate });
  rsaLeaf = pki.leaf("rsa.test", ["DNS:rsa.test"], { issuer: testCa, key: "rsa" });
  rsaCa = pki.ca("Test RSA Intermediate", { issuer: testCa, key: "rsa" });
  underRsa = pki.leaf("under-rsa.test", ["DNS:under-rsa.test"], { issuer: rsaCa });
  // Ed25519 below the P-256 test CA: the leaf's certificate signed with
  // Ed25519, and its CertificateVerify too (RFC 8410, RFC 8446 §4.2.3).
  edCa = pki.ca("Test Ed25519 Intermediate", { issuer: testCa, key: "ed25519" });
  underEd = pki.leaf("ed.test", ["DNS:ed.test"], { issuer: edCa, key: "ed25519" });
  forgedEd = path.join(pki.dir, "forged-ed.pem");
  writeFileSync(forgedEd, pem(flipSignature(underEd.der)));
  forged = path.join(pki.dir, "forged.pem");
  writeFileSync(forged, pem(flipSignature(good.der)));
});
afterAll(() => pki.remove());

/** Boot tlsget against `server` (a command run in the namespace, ready
 * once it prints `ready`); its status and output. */
async function fetchFrom(tender: Tender, server: string[], ready: string, host: string, clientArgs: string[] = []): Promise<{ status: number; out: string }> {
  return await withNetns(async (ns) => {
    const child = ns.spawn(server);
    let log = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (log += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (log += d));
    for (let i = 0; i < 50 && !log.includes(ready); i++) await new Promise((r) => setTimeout(r, 100));
    expect(log).toContain(ready);
    const r = await runImage(testImage("tlsget", tender.target), {
      tender: tender.path, netns: ns.name, tenderArgs: ["--mem=64", `--net:service=${ns.tap}`],
      args: ["--ipv4=10.0.0.2/24", "--server=10.0.0.1:4433", `--host=${host}`, ...clientArgs], timeoutMs: 30_000,
    });
    return { status: r.status, out: r.stdout + r.stderr };
  });
}

/** Boot tlsget against s_server serving `cert` (with `serverArgs`); its
 * status and output. */
function fetch(tender: Tender, cert: string, key: string, host: string, serverArgs: string[] = [], clientArgs: string[] = []): Promise<{ status: number; out: string }> {
  const server = ["openssl", "s_server", "-accept", "4433", "-cert", cert, "-key", key, "-www", "-alpn", "http/1.1", "-naccept", "1", ...serverArgs];
  return fetchFrom(tender, server, "ACCEPT", host, clientArgs);
}

for (const tender of tenders()) describe.skipIf(!hasNetns || !!skipReason("TLS client end-to-end", tender))(`TLS client against openssl s_server on ${tender.name}`, () => {
  test("a good chain: the page over TLS 1.3 with ALPN http/1.1, for the name and for the address", async () => {
    const r = await fetch(tender, good.cert, good.key, "www.test");
    expect(r.out).toContain("tls connected: alpn=http/1.1 leaf=CN=www.test");
    expect(r.out).toMatch(/HTTP\/1\.0 200 ok/);
    expect(r.out).toContain("Protocol  : TLSv1.3"); // s_server -www's page describes the session
    expect(r.status).toBe(0);
    const byAddress = await fetch(tender, good.cert, good.key, "10.0.0.1");
    expect(byAddress.out).toMatch(/HTTP\/1\.0 200 ok/);
  });

  test("each suite, the P-256 group, a HelloRetryRequest for the P-256 share, a chain with an intermediate", async () => {
    const cases: [string[], string][] = [
      [["-ciphersuites", "TLS_AES_128_GCM_SHA256"], "Cipher    : TLS_AES_128_GCM_SHA256"],
      [["-ciphersuites", "TLS_AES_256_GCM_SHA384"], "Cipher    : TLS_AES_256_GCM_SHA384"],
      [["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"], "Cipher    : TLS_CHACHA20_POLY1305_SHA256"],
      [["-groups", "P-256"], "Shared groups: secp256r1"],
    ];
    for (const [args, expected] of cases) {
      const r = await fetch(tender, good.cert, good.key, "www.test", args);
      expect(r.out, args.join(" ")).toContain(expected);
      expect(r.status, args.join(" ")).toBe(0);
    }
    // Only an X25519 share sent, a server that does only P-256: it asks again.
    const retry = await fetch(tender, good.cert, good.key, "www.test", ["-groups", "P-256"], ["--p256-share=false"]);
    expect(retry.out).toContain("leaf=CN=www.test after a HelloRetryRequest");
    expect(retry.status).toBe(0);
    const chain = await fetch(tender, viaIntermediate.cert, viaIntermediate.key, "deep.test", ["-cert_chain", intermediate.cert]);
    expect(chain.out).toContain("tls connected: alpn=http/1.1 leaf=CN=deep.test");
    expect(chain.status).toBe(0);
  });

  test("RSA: a leaf signing CertificateVerify with RSA-PSS, a chain through an RSA intermediate (PKCS #1 v1.5)", async () => {
    const pss = await fetch(tender, rsaLeaf.cert, rsaLeaf.key, "rsa.test");
    expect(pss.out).toContain("tls connected: alpn=http/1.1 leaf=CN=rsa.test");
    expect(pss.out).toMatch(/Shared Signature Algorithms: .*RSA-PSS\+SHA256/);
    expect(pss.status).toBe(0);
    const pkcs1 = await fetch(tender, underRsa.cert, underRsa.key, "under-rsa.test", ["-cert_chain", rsaCa.cert]);
    expect(pkcs1.out).toContain("tls connected: alpn=http/1.1 leaf=CN=under-rsa.test");
    expect(pkcs1.status).toBe(0);
  });

  test("Ed25519: a chain through an Ed25519 intermediate to an Ed25519 leaf signing CertificateVerify; a flipped signature refused", async () => {
    const ok = await fetch(tender, underEd.cert, underEd.key, "ed.test", ["-cert_chain", edCa.cert]);
    expect(ok.out).toContain("tls connected: alpn=http/1.1 leaf=CN=ed.test");
    expect(ok.out).toMatch(/Shared Signature Algorithms: .*ed25519/);
    expect(ok.status).toBe(0);
    const bad = await fetch(tender, forgedEd, underEd.key, "ed.test", ["-cert_chain", edCa.cert]);
    expect(bad.out).toMatch(/tls failed: certificate rejected: bad signature: the signature on certificate 0 \(CN=ed\.test\)/);
    expect(bad.status).toBe(1);
  });

  test("an expired certificate is refused as expired", async () => {
    const r = await fetch(tender, expired.cert, expired.key, "www.test");
    expect(r.out).toMatch(/tls failed: certificate rejected: expired: certificate 0 \(CN=old\.test\) expired at 2021-01-01 00:00:00 UTC/);
    expect(r.status).toBe(1);
  });

  test("a certificate for another name is refused as the wrong name", async () => {
    const r = await fetch(tender, good.cert, good.key, "other.test");
    expect(r.out).toContain("tls failed: certificate rejected: wrong name: certificate 0 (CN=www.test) is not for other.test: it names www.test, 10.0.0.1");
    expect(r.status).toBe(1);
  });

  test("a certificate from an unknown CA is refused as an unknown issuer", async () => {
    const r = await fetch(tender, stranger.cert, stranger.key, "www.test");
    expect(r.out).toMatch(/tls failed: certificate rejected: unknown issuer: certificate 0 \(CN=stranger\.test\) was issued by CN=Some Other CA/);
    expect(r.status).toBe(1);
  });

  test("a certificate with a flipped signature byte is refused as a bad signature", async () => {
    const r = await fetch(tender, forged, good.key, "www.test");
    expect(r.out).toMatch(/tls failed: certificate rejected: bad signature: the signature on certificate 0 \(CN=www\.test\)/);
    expect(r.status).toBe(1);
  });
});

for (const tender of tenders()) describe.skipIf(!hasNetns || !!skipReason("TLS client end-to-end", tender))(`TLS client against servers that are not TLS 1.3 on ${tender.name}`, () => {
  test("a TLS 1.2-only server: refused with its alert, the image exits 1", async () => {
    const r = await fetch(tender, good.cert, good.key, "www.test", ["-tls1_2"]);
    expect(r.out).toMatch(/tls failed: (the server sent the alert (handshake_failure|protocol_version)|the server does not speak TLS 1\.3)/);
    expect(r.status).toBe(1);
  });

  test("nothing listening: the connection is refused and said so", async () => {
    const r = await fetchFrom(tender, ["sh", "-c", "echo ready; sleep 30"], "ready", "www.test");
    expect(r.out).toContain("tls failed: the connection ended during the handshake (refused)");
    expect(r.status).toBe(1);
  });

  test("a plain HTTP server: its answer is no TLS record, refused without a trap", async () => {
    const script = "import socket\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('10.0.0.1',4433));s.listen(1);print('ready',flush=True)\n" +
      "c,_=s.accept();c.recv(4096);c.sendall(b'HTTP/1.1 400 Bad Request\\r\\nContent-Length: 0\\r\\n\\r\\n');c.close()";
    const r = await fetchFrom(tender, ["python3", "-c", script], "ready", "www.test");
    expect(r.out).toContain("tls failed: the server sent a malformed record header");
    expect(r.out).not.toMatch(/trap|abort/);
    expect(r.status).toBe(1);
  });
});
