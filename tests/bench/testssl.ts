/**
 * `npm run bench -- testssl`: testssl.sh (Debian `testssl.sh`, the
 * `testssl` command) against website.hvt's HTTPS, once with a P-256
 * certificate as a CA would issue it (90 days, naming a CRL and an OCSP
 * responder: testssl rates a certificate without either HIGH, a property
 * of the certificate and not of the server) from a CA made here with
 * openssl, and once with an Ed25519 one fresh from `morgana cert --dev`;
 * each image booted with --hsts as a deployment would be:
 *
 *   namespace [tap0 10.0.0.1, testssl] --tap-- [website.hvt 10.0.0.2], Morgana's tender
 *
 * testssl runs its default checks (protocols, cipher categories, forward
 * secrecy, server preferences and defaults, HTTP headers, vulnerabilities,
 * client simulation) with --fast, each run bounded by RUN_SECONDS, and the
 * certificate as an extra CA (--add-ca) so the chain of trust is judged as
 * a client that knows it would. The tables: how many findings per severity,
 * then every finding rated worse than LOW (the bar) and every LOW
 * one, with testssl's id and words. Slow (minutes), so a bench and not a
 * test. Needs root, KVM and testssl.sh; all traffic stays in the
 * namespace made here.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildApp } from "../../toolchain/build/index.ts";
import { makeDevCertificate, type DevKeyType } from "../../toolchain/cert/dev.ts";
import { root } from "../../toolchain/root.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { hasKvm, tenderPath } from "../support/tender.ts";
import type { Suite, Table } from "./suite.ts";

const RUN_SECONDS = Number(process.env.MORGANA_TESTSSL_SECONDS ?? 600);
const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "WARN", "INFO", "OK"];
const WORSE_THAN_LOW = new Set(["CRITICAL", "HIGH", "MEDIUM"]);
const REPORTED = new Set([...WORSE_THAN_LOW, "LOW", "WARN"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Finding {
  id: string;
  severity: string;
  finding: string;
}

/** testssl's CSV: "id","fqdn/ip","port","severity","finding","cve","cwe", quoted, one a line. */
export function parseTestsslCsv(text: string): Finding[] {
  const out: Finding[] = [];
  for (const line of text.split("\n").slice(1)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"'));
    if (cells.length >= 5) out.push({ id: cells[0], severity: cells[3], finding: cells[4] });
  }
  return out;
}

function kill(c: ChildProcess | null): void {
  if (c && c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGTERM");
}

async function waitFor(ns: Netns, cert: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await ns.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", cert, "--resolve", "localhost:443:10.0.0.2",
      "https://localhost/"], { timeoutMs: 5000 });
    if (r.stdout === "200") return;
    await sleep(50);
  }
  throw new Error("website.hvt never answered over HTTPS");
}

/** A CA and a P-256 leaf for localhost issued by it, as a public CA would
 * issue one (CRL distribution point, OCSP responder, serverAuth), made
 * with openssl in `dir`: the chain's file (the leaf), its key, and the CA
 * to trust. The URIs are never fetched: testssl --fast does not phone out. */
function caIssued(dir: string): { cert: string; key: string; ca: string } {
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f("ca-key.pem"), "-out", f("ca.pem"),
    "-subj", "/CN=Morgana bench CA", "-days", "90", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f("key.pem"), "-out", f("leaf.csr"), "-subj", "/CN=localhost");
  writeFileSync(f("leaf.ext"), [
    "subjectAltName=DNS:localhost", "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=serverAuth",
    "crlDistributionPoints=URI:http://ca.invalid/bench.crl", "authorityInfoAccess=OCSP;URI:http://ocsp.ca.invalid/",
  ].join("\n") + "\n");
  openssl("x509", "-req", "-in", f("leaf.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca-key.pem"), "-CAcreateserial", "-days", "90",
    "-extfile", f("leaf.ext"), "-out", f("cert.pem"));
  return { cert: f("cert.pem"), key: f("key.pem"), ca: f("ca.pem") };
}

/** Boots website.hvt with a fresh `kind` certificate and runs testssl against it. */
async function scan(kind: DevKeyType, tender: string, log: (l: string) => void): Promise<{ findings: Finding[]; seconds: number }> {
  const work = mkdtempSync(path.join(tmpdir(), "bench-testssl-"));
  let ns: Netns | null = null;
  let guest: ChildProcess | null = null;
  try {
    let cert = path.join(work, "cert.pem"), key = path.join(work, "key.pem"), ca = cert;
    if (kind === "p256") ({ cert, key, ca } = caIssued(work));
    else {
      const dev = makeDevCertificate("localhost", kind, 90);
      writeFileSync(cert, dev.certificate);
      writeFileSync(key, dev.key, { mode: 0o600 });
    }
    const built = await buildApp(path.join(root, "apps", "website"), { outDir: path.join(root, "build", "bench", `testssl-${kind}`), tls: { cert, key } });
    ns = await createNetns();
    guest = ns.spawn([tender, "--mem=64", `--net:service=${ns.tap}`, "--", built.image, "--ipv4=10.0.0.2/24", "--hsts=31536000"]);
    await waitFor(ns, ca);
    const csv = path.join(work, "findings.csv");
    const t0 = performance.now();
    log(`${kind}: testssl --fast against 10.0.0.2 (at most ${RUN_SECONDS} s)`);
    const r = await ns.exec(["timeout", String(RUN_SECONDS), "testssl", "--quiet", "--color", "0", "--warnings", "off", "--fast",
      "--connect-timeout", "5", "--openssl-timeout", "10", "--ip", "10.0.0.2", "--add-ca", ca, "--csvfile", csv,
      "https://localhost/"], { timeoutMs: (RUN_SECONDS + 30) * 1000 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status === 124) throw new Error(`testssl did not finish within ${RUN_SECONDS} s (MORGANA_TESTSSL_SECONDS)`);
    const findings = parseTestsslCsv(readFileSync(csv, "utf8"));
    if (findings.length === 0) throw new Error(`testssl wrote no findings: ${r.stdout.slice(-2000)}${r.stderr}`);
    return { findings, seconds };
  } finally {
    kill(guest);
    await sleep(200);
    await ns?.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

export const testssl: Suite = {
  name: "testssl",
  about: "testssl.sh --fast against website.hvt's HTTPS (P-256 and Ed25519 certificates): findings by severity, and each one worse than LOW",
  async run(ctx) {
    if (!hasKvm) throw new Error("needs /dev/kvm");
    const tender = await tenderPath();
    const kinds: DevKeyType[] = ["p256", "ed25519"];
    const scans = [];
    for (const kind of kinds) scans.push(await scan(kind, tender, ctx.log));
    const count = (fs: Finding[], sev: string) => String(fs.filter((f) => f.severity === sev).length);
    const summary: Table = {
      title: "testssl.sh --fast against website.hvt (Morgana's tender, --hsts=31536000): findings per severity",
      head: ["certificate", ...SEVERITIES, "seconds"],
      rows: scans.map((s, i) => [kinds[i], ...SEVERITIES.map((sev) => count(s.findings, sev)), s.seconds.toFixed(0)]),
      notes: [`the issue's bar, nothing worse than LOW: ${scans.every((s) => !s.findings.some((f) => WORSE_THAN_LOW.has(f.severity))) ? "met" : "missed"}`],
    };
    const rows: string[][] = [];
    scans.forEach((s, i) => {
      for (const f of s.findings) if (REPORTED.has(f.severity)) rows.push([kinds[i], f.severity, f.id, f.finding]);
    });
    const detail: Table = {
      title: "testssl.sh findings rated LOW or worse, and checks it could not make (WARN)", head: ["certificate", "severity", "id", "finding"], rows,
      notes: [
        "the P-256 certificate is CA-issued with a CRL and an OCSP URI, as a deployment's would be; the Ed25519 one is self-signed (testssl 3.0 cannot read Ed25519 certificates anyway)",
        "BREACH: over HTTPS the website sends no compressed answers unless booted with --https-gzip",
      ],
    };
    return [summary, detail];
  },
};
