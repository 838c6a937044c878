// The website built with --tls-cert/--tls-key (a test-only P-256
// certificate, tests/tls/fixtures) serving HTTPS in a real image, on every
// end-to-end tender, against real clients in a namespace: openssl s_client
// for each suite with each group, HelloRetryRequest, KeyUpdate and
// resumption from a ticket (-sess_out/-sess_in), curl
// --tlsv1.3, gnutls-cli, Python's ssl; a TLS 1.2-only client refused with
// protocol_version; plaintext HTTP and garbage on 443, after which the
// server still serves; the HTTP side's redirect and HSTS options; and
// RSA and Ed25519 certificates (Ed25519 under every tender: libsodium).
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { createNetns, hasNetns, warnNoNetns, type Netns } from "../support/netns.ts";
import { skipReason, tenders } from "../support/tender.ts";
import { Unikernel } from "../website/unikernel.ts";

const FIXTURES = path.join(root, "tests", "tls", "fixtures");
const CERT = path.join(FIXTURES, "p256-cert.pem");
const OUT = path.join(root, "build", "test-images", "https");
if (!hasNetns) warnNoNetns("tests/tls/website.test.ts");

const SITE = path.join(OUT, "site");
const BIG = 1 << 20;

/** apps/website/site plus big.bin, 1 MiB of deterministic noise, all with
 * one fixed mtime, so the image's inputs (and so the build cache's key)
 * are the same from run to run. */
function makeSite(): Buffer {
  const big = Buffer.alloc(BIG);
  let x = 0x12345678;
  for (let i = 0; i < BIG; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    big[i] = x >>> 24;
  }
  cpSync(path.join(root, "apps", "website", "site"), SITE, { recursive: true });
  const file = path.join(SITE, "big.bin");
  if (!existsSync(file) || !readFileSync(file).equals(big)) writeFileSync(file, big);
  const stamp = (dir: string) => {
    for (const n of readdirSync(dir)) {
      const p = path.join(dir, n);
      if (statSync(p).isDirectory()) stamp(p);
      else utimesSync(p, 1_700_000_000, 1_700_000_000);
    }
  };
  stamp(SITE);
  return big;
}
const bigSha = createHash("sha256").update(makeSite()).digest("hex");

/** website.hvt / website.spt with a fixture's credentials (cached after the first build). */
async function httpsImage(target: "hvt" | "spt", kind = "p256"): Promise<string> {
  const tls = { cert: path.join(FIXTURES, `${kind}-cert.pem`), key: path.join(FIXTURES, `${kind}-key.pem`) };
  return (await buildApp(path.join(root, "apps", "website"), { outDir: path.join(OUT, kind), target, tls, assetDirs: { site: SITE } })).image;
}

const SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"];
const GROUPS: [string, RegExp][] = [["X25519", /Server Temp Key: X25519/], ["P-256", /Server Temp Key: ECDH, prime256v1/]];
const sClient = `openssl s_client -connect 10.0.0.2:443 -servername localhost -CAfile ${CERT}`;

for (const tender of tenders()) describe.skipIf(!hasNetns || !!skipReason("tests/tls/website.test.ts", tender))(`website over HTTPS on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;

  beforeAll(async () => {
    const image = await httpsImage(tender.target);
    ns = await createNetns();
    web = await Unikernel.start(ns, tender, image, { args: ["--ipv4=10.0.0.2/24", "--hsts=31536000"], ready: /serving https/ });
  }, 120_000);
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
  });

  const sh = async (cmd: string) => {
    const r = await ns.exec(["sh", "-c", cmd], { timeoutMs: 15_000 });
    return r.stdout + r.stderr;
  };

  for (const suite of SUITES) {
    for (const [group, temp] of GROUPS) {
      test(`openssl s_client: ${suite} with ${group}, the certificate verifies`, async () => {
        const out = await sh(`${sClient} -tls1_3 -ciphersuites ${suite} -groups ${group} -brief </dev/null 2>&1`);
        expect(out).toMatch(/Protocol version: TLSv1.3/);
        expect(out).toContain(`Ciphersuite: ${suite}`);
        expect(out).toMatch(temp);
        expect(out).toMatch(/Signature type: ECDSA/);
        expect(out).toMatch(/Verification: OK/);
      });
    }
  }

  test("HelloRetryRequest: a client whose first share is P-384 is asked for P-256, then completes", async () => {
    const out = await sh(`${sClient} -tls1_3 -groups P-384:P-256 -msg </dev/null 2>&1`);
    expect(out.match(/>>> TLS 1.3, Handshake \[length [0-9a-f]+\], ClientHello/g)?.length).toBe(2);
    expect(out).toMatch(/Server Temp Key: ECDH, prime256v1/);
    expect(out).toMatch(/Verify return code: 0 \(ok\)/);
  });

  test("KeyUpdate: the client's update_requested is answered, and the connection goes on to serve a page", async () => {
    const out = await sh(`(sleep 0.3; printf 'K\\n'; sleep 0.3; printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n'; sleep 0.7) | ${sClient} -tls1_3 -msg 2>&1`);
    expect(out).toMatch(/>>> TLS 1.3, Handshake \[length 0005\], KeyUpdate/);
    expect(out).toMatch(/<<< TLS 1.3, Handshake \[length 0005\], KeyUpdate/);
    expect(out).toMatch(/HTTP\/1.1 200 OK/);
  });

  test("resumption: s_client saves the ticket (-sess_out) and resumes with it (-sess_in)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "morgana-tls-"));
    try {
      const sess = path.join(dir, "session.pem");
      const first = await sh(`sleep 0.5 | ${sClient} -tls1_3 -sess_out ${sess} 2>&1`);
      expect(first).toMatch(/^New, TLSv1.3/m);
      const second = await sh(`sleep 0.5 | ${sClient} -tls1_3 -sess_in ${sess} 2>&1`);
      expect(second).toMatch(/^Reused, TLSv1.3/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("curl --tlsv1.3 gets the site's index with HSTS, ALPN http/1.1", async () => {
    const out = await sh(`curl -sv --tlsv1.3 --cacert ${CERT} --resolve localhost:443:10.0.0.2 https://localhost/ 2>&1`);
    expect(out).toMatch(/SSL connection using TLSv1.3/);
    expect(out).toMatch(/ALPN: server accepted http\/1.1/);
    expect(out).toMatch(/< HTTP\/1.1 200 OK/);
    expect(out).toMatch(/< Strict-Transport-Security: max-age=31536000/);
    expect(out).toMatch(/< X-Content-Type-Options: nosniff/);
    expect(out).toMatch(/<html/i);
  });

  test("no gzip over HTTPS unless --https-gzip (BREACH), while plain HTTP still sends the gzip variant", async () => {
    const https = await sh(`curl -sv --compressed --tlsv1.3 --cacert ${CERT} --resolve localhost:443:10.0.0.2 https://localhost/ -o /dev/null 2>&1`);
    expect(https).toMatch(/< HTTP\/1.1 200 OK/);
    expect(https).not.toMatch(/< Content-Encoding/i);
    const http = await sh(`curl -sv --compressed http://10.0.0.2/ -o /dev/null 2>&1`);
    expect(http).toMatch(/< Content-Encoding: gzip/);
  });

  test("a 1 MiB file arrives byte for byte (backpressure through TLS and TCP)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "morgana-tls-"));
    try {
      const out = path.join(dir, "big.bin");
      const r = await ns.exec(["curl", "-s", "-m", "20", "--tlsv1.3", "--cacert", CERT, "--resolve", "localhost:443:10.0.0.2", "-o", out,
        "https://localhost/big.bin"], { timeoutMs: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(createHash("sha256").update(readFileSync(out)).digest("hex")).toBe(bigSha);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("gnutls-cli completes and trusts the certificate", async () => {
    const out = await sh(`gnutls-cli --x509cafile ${CERT} --port 443 --sni-hostname localhost --verify-hostname localhost 10.0.0.2 </dev/null 2>&1`);
    expect(out).toMatch(/The certificate is trusted/);
    expect(out).toMatch(/\(TLS1.3-X.509\)-\(ECDHE-X25519\)-\(ECDSA-SECP256R1-SHA256\)-\((AES-128-GCM|CHACHA20-POLY1305)\)/);
    expect(out).toMatch(/Handshake was completed/);
  });

  test("Python's ssl module fetches a page", async () => {
    const py = `import ssl,socket
c=ssl.create_default_context(cafile='${CERT}')
s=c.wrap_socket(socket.create_connection(('10.0.0.2',443),timeout=5),server_hostname='localhost')
s.sendall(b'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n')
print(s.version(), s.cipher()[0], s.recv(15).decode())`;
    const out = await sh(`python3 -c "${py.replaceAll('"', '\\"')}" 2>&1`);
    // AES-128-GCM, or ChaCha20 on a CPU whose CPUID shows no AES-NI (libos/tls/server.ts).
    expect(out.trim()).toMatch(/^TLSv1.3 (TLS_AES_128_GCM_SHA256|TLS_CHACHA20_POLY1305_SHA256) HTTP\/1.1 200 OK$/);
  });

  test("a TLS 1.2-only client is refused with protocol_version (alert 70)", async () => {
    const out = await sh(`${sClient} -tls1_2 </dev/null 2>&1`);
    expect(out).toMatch(/alert protocol version.*SSL alert number 70/);
  });

  test("plaintext HTTP and garbage on 443 are refused, and HTTPS still works after", async () => {
    const plain = await sh("curl -s -m 5 -o /dev/null -w '%{http_code}' http://10.0.0.2:443/ ; echo \" exit $?\"");
    expect(plain).not.toMatch(/^200/);
    const garbage = await sh("head -c 3000 /dev/urandom | timeout 5 nc -N 10.0.0.2 443 | head -c 7 | od -An -tx1");
    // Nothing, or one plaintext alert record; never a page.
    expect(garbage.trim()).toMatch(/^$|^15 03 03 00 02 02/);
    const out = await sh(`${sClient} -tls1_3 -brief </dev/null 2>&1`);
    expect(out).toMatch(/Verification: OK/);
    expect(web.running).toBe(true);
  });
});

for (const tender of tenders().slice(0, 1)) describe.skipIf(!hasNetns || !!skipReason("tests/tls/website.test.ts", tender))(`website --https-redirect on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;
  beforeAll(async () => {
    const image = await httpsImage(tender.target);
    ns = await createNetns();
    web = await Unikernel.start(ns, tender, image, { args: ["--ipv4=10.0.0.2/24", "--https-redirect"], ready: /serving https/ });
  }, 120_000);
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
  });

  test("port 80 answers with a 301 to the same path over https; 443 serves it", async () => {
    const r = await ns.exec(["curl", "-s", "-D", "-", "-o", "/dev/null", "--resolve", "localhost:80:10.0.0.2", "http://localhost/a/b?c=1"]);
    expect(r.stdout).toMatch(/^HTTP\/1.1 301/);
    expect(r.stdout).toMatch(/Location: https:\/\/localhost\/a\/b\?c=1\r\n/);
    const bad = await ns.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: evil\"host", "http://10.0.0.2/"]);
    expect(bad.stdout).toBe("400");
    const s = await ns.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", CERT, "--resolve", "localhost:443:10.0.0.2", "https://localhost/"]);
    expect(s.stdout).toBe("200");
  });
});

for (const tender of tenders().slice(0, 1)) describe.skipIf(!hasNetns || !!skipReason("tests/tls/website.test.ts", tender))(`website with an RSA-2048 certificate on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;
  const rsaCert = path.join(FIXTURES, "rsa-cert.pem");
  beforeAll(async () => {
    const image = await httpsImage(tender.target, "rsa");
    ns = await createNetns();
    web = await Unikernel.start(ns, tender, image, { args: ["--ipv4=10.0.0.2/24", "--https-gzip"], ready: /serving https/ });
  }, 120_000);
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
  });

  test("with --https-gzip the gzip variant goes over HTTPS too", async () => {
    const c = await ns.exec(["sh", "-c", `curl -sv --compressed --tlsv1.3 --cacert ${rsaCert} --resolve localhost:443:10.0.0.2 https://localhost/ -o /dev/null 2>&1`]);
    expect(c.stdout).toMatch(/< Content-Encoding: gzip/);
  });

  test("openssl s_client verifies an rsa_pss_rsae_sha256 CertificateVerify; curl gets the page", async () => {
    const s = await ns.exec(["sh", "-c", `openssl s_client -connect 10.0.0.2:443 -servername localhost -CAfile ${rsaCert} -tls1_3 -brief </dev/null 2>&1`]);
    expect(s.stdout).toMatch(/Signature type: RSA-PSS/);
    expect(s.stdout).toMatch(/Verification: OK/);
    const c = await ns.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--tlsv1.3", "--cacert", rsaCert, "--resolve", "localhost:443:10.0.0.2", "https://localhost/"]);
    expect(c.stdout).toBe("200");
  });
});

// Ed25519 through libsodium (boot/crypto/ed25519.c).
// On Morgana's tender only, as the RSA case: each certificate kind is an
// image of its own to build, and the binding itself is checked under every
// tender by tests/tls/known-answers.test.ts and ed25519-bounds.test.ts.
for (const tender of tenders().slice(0, 1)) describe.skipIf(!hasNetns || !!skipReason("tests/tls/website.test.ts", tender))(`website with an Ed25519 certificate on ${tender.name}`, () => {
  let ns: Netns;
  let web: Unikernel;
  const edCert = path.join(FIXTURES, "ed25519-cert.pem");
  beforeAll(async () => {
    const image = await httpsImage(tender.target, "ed25519");
    ns = await createNetns();
    web = await Unikernel.start(ns, tender, image, { args: ["--ipv4=10.0.0.2/24"], ready: /serving https/ });
  }, 120_000);
  afterAll(async () => {
    await web?.stop();
    await ns?.destroy();
  });
  const sh = async (cmd: string) => {
    const r = await ns.exec(["sh", "-c", cmd], { timeoutMs: 15_000 });
    return r.stdout + r.stderr;
  };

  test("openssl s_client -sigalgs ed25519 verifies an ed25519 CertificateVerify", async () => {
    const out = await sh(`openssl s_client -connect 10.0.0.2:443 -servername localhost -CAfile ${edCert} -tls1_3 -sigalgs ed25519 -brief </dev/null 2>&1`);
    expect(out).toMatch(/Protocol version: TLSv1.3/);
    expect(out).toMatch(/Signature type: ed25519/);
    expect(out).toMatch(/Verification: OK/);
  });

  test("a client offering only ecdsa_secp256r1_sha256 is refused with handshake_failure", async () => {
    const out = await sh(`openssl s_client -connect 10.0.0.2:443 -servername localhost -CAfile ${edCert} -tls1_3 -sigalgs ecdsa_secp256r1_sha256 -brief </dev/null 2>&1`);
    expect(out).toMatch(/alert handshake failure/);
    expect(out).not.toMatch(/Verification: OK/);
  });

  test("curl --tlsv1.3 gets the page; gnutls-cli trusts the certificate and signs with EdDSA", async () => {
    const c = await sh(`curl -s -o /dev/null -w '%{http_code}' --tlsv1.3 --cacert ${edCert} --resolve localhost:443:10.0.0.2 https://localhost/`);
    expect(c).toBe("200");
    const g = await sh(`gnutls-cli --x509cafile ${edCert} --port 443 --sni-hostname localhost --verify-hostname localhost 10.0.0.2 </dev/null 2>&1`);
    expect(g).toMatch(/The certificate is trusted/);
    expect(g).toMatch(/\(TLS1.3-X.509\)-\(ECDHE-X25519\)-\(EdDSA-Ed25519\)/);
    expect(g).toMatch(/Handshake was completed/);
  });
});
