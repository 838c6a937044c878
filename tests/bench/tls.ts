/**
 * `npm run bench -- tls`: website.hvt's HTTPS (libos/tls over BearSSL)
 * against nginx-light with OpenSSL serving the same certificate (the test
 * P-256 one, tests/tls/fixtures) and the same files, side by side in one
 * run:
 *
 *   website.hvt: namespace [tap0 10.0.0.1] --tap-- [website.hvt 10.0.0.2], Morgana's tender
 *   nginx:       client ns [veth 10.0.1.1] ==veth== server ns [nginx 10.0.1.2], 1 worker
 *
 * Measured with OpenSSL's own tools: `openssl s_time -new` (full
 * handshakes a second, each fetching a 612-byte page), `s_time -reuse`
 * (resumed handshakes from a ticket), and curl fetching a 1 MiB file over
 * one connection (MB/s). Timings compare only within this run.
 * Needs root, KVM, openssl, curl and nginx-light; all traffic stays in
 * the namespaces made here.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { hasKvm, tenderPath } from "../support/tender.ts";
import { linuxPeer } from "./linux-peer.ts";
import { median } from "./stats.ts";
import type { Suite, Table } from "./suite.ts";
import { page } from "./website.ts";

const SECONDS = Number(process.env.MORGANA_BENCH_SECONDS ?? 4);
const FIXTURES = path.join(root, "tests", "tls", "fixtures");
const CERT = path.join(FIXTURES, "p256-cert.pem");
const KEY = path.join(FIXTURES, "p256-key.pem");
const MIB = 1 << 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  full: number;
  resumed: number;
  mbps: number;
  aes128: number;
  chacha: number;
}

/** Connections a second from `openssl s_time` ("N connections in T real seconds"). */
async function sTime(ns: Netns, addr: string, mode: "-new" | "-reuse"): Promise<number> {
  const r = await ns.exec(["openssl", "s_time", "-connect", `${addr}:443`, mode, "-time", String(SECONDS), "-www", "/index.html",
    "-CAfile", CERT, "-verify", "1"], { timeoutMs: (SECONDS + 30) * 1000 });
  const m = /(\d+) connections in ([\d.]+) real seconds/.exec(r.stdout);
  if (!m || Number(m[1]) === 0) throw new Error(`s_time ${mode} against ${addr}: ${r.stdout}${r.stderr}`);
  return Number(m[1]) / Number(m[2]);
}

/** MB/s for the 1 MiB file over HTTPS (the median of five fetches), with
 * curl's default TLS 1.3 suites or only `suite`. */
async function throughput(ns: Netns, addr: string, suite?: string): Promise<number> {
  const speeds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await ns.exec(["curl", "-s", "--tlsv1.3", ...(suite ? ["--tls13-ciphers", suite] : []), "--cacert", CERT, "--resolve", `localhost:443:${addr}`, "-o", "/dev/null",
      "-w", "%{size_download} %{speed_download}", "https://localhost/big.bin"], { timeoutMs: 30_000 });
    const [size, speed] = r.stdout.trim().split(" ").map(Number);
    if (size !== MIB) throw new Error(`curl got ${size} bytes from ${addr}: ${r.stderr}`);
    speeds.push(speed / 1e6);
  }
  return median(speeds);
}

async function measure(ns: Netns, addr: string): Promise<Sample> {
  return {
    full: await sTime(ns, addr, "-new"), resumed: await sTime(ns, addr, "-reuse"), mbps: await throughput(ns, addr),
    aes128: await throughput(ns, addr, "TLS_AES_128_GCM_SHA256"), chacha: await throughput(ns, addr, "TLS_CHACHA20_POLY1305_SHA256"),
  };
}

function kill(c: ChildProcess | null): void {
  if (c && c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGTERM");
}

async function waitFor(ns: Netns, addr: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const r = await ns.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", CERT, "--resolve", `localhost:443:${addr}`,
      "https://localhost/index.html"], { timeoutMs: 5000 });
    if (r.stdout === "200") return;
    await sleep(5); // the start-to-first-answer row's resolution: one curl (~10 ms) and this
  }
  throw new Error(`${addr} never answered over HTTPS`);
}

export const tls: Suite = {
  name: "tls",
  about: "website.hvt's HTTPS against nginx-light (OpenSSL), same certificate: full and resumed handshakes/s (s_time), 1 MiB over one connection",
  async run(ctx) {
    if (!hasKvm) throw new Error("needs /dev/kvm");
    const rounds = ctx.rounds ?? 2;
    const work = mkdtempSync(path.join(tmpdir(), "bench-tls-"));
    const site = path.join(work, "site");
    mkdirSync(site);
    writeFileSync(path.join(site, "index.html"), page(612, "612"));
    // Incompressible, so neither side serves a gzip variant.
    writeFileSync(path.join(site, "big.bin"), execFileSync("head", ["-c", String(MIB), "/dev/urandom"]));
    ctx.log("building website.hvt with the test certificate");
    const built = await buildApp(path.join(root, "apps", "website"), {
      outDir: path.join(root, "build", "bench", "tls"), assetDirs: { site }, tls: { cert: CERT, key: KEY },
    });
    // The size that matters is the image with the default site, not the 1 MiB bench file.
    const sized = await buildApp(path.join(root, "apps", "website"), { outDir: path.join(root, "build", "bench", "tls-size"), tls: { cert: CERT, key: KEY } });
    const tender = await tenderPath();
    writeFileSync(path.join(work, "nginx.conf"), [
      "user root;", "worker_processes 1;", "daemon off;", "master_process off;", `pid ${work}/nginx.pid;`,
      `error_log ${work}/error.log;`, "events { worker_connections 1024; }",
      "http {", "  access_log off;", "  sendfile on;", "  keepalive_timeout 60s;", "  types { text/html html; }",
      `  client_body_temp_path ${work}/body;`,
      "  server {", "    listen 10.0.1.2:443 ssl;", `    ssl_certificate ${CERT};`, `    ssl_certificate_key ${KEY};`,
      "    ssl_protocols TLSv1.3;", "    ssl_session_tickets on;", `    root ${site};`, "  }", "}", "",
    ].join("\n"));
    const ours: Sample[] = [];
    const theirs: Sample[] = [];
    // Start to first HTTPS answer, ms: from spawning the tender (or nginx)
    // to the first 200 over TLS 1.3, curl asking again every 5 ms.
    const firstOurs: number[] = [];
    const firstTheirs: number[] = [];
    try {
      for (let round = 1; round <= rounds; round++) {
        const ns = await createNetns();
        let guest: ChildProcess | null = null;
        try {
          const t0 = performance.now();
          guest = ns.spawn([tender, "--mem=128", `--net:service=${ns.tap}`, "--", built.image, "--ipv4=10.0.0.2/24"]);
          await waitFor(ns, "10.0.0.2");
          firstOurs.push(performance.now() - t0);
          ours.push(await measure(ns, "10.0.0.2"));
          ctx.log(`round ${round}: website.hvt ${JSON.stringify(ours.at(-1))}`);
        } finally {
          kill(guest);
          await sleep(200);
          await ns.destroy();
        }
        const { client, server } = await linuxPeer();
        let nginx: ChildProcess | null = null;
        try {
          const t0 = performance.now();
          nginx = server.spawn(["nginx", "-c", path.join(work, "nginx.conf")]);
          await waitFor(client, "10.0.1.2");
          firstTheirs.push(performance.now() - t0);
          theirs.push(await measure(client, "10.0.1.2"));
          ctx.log(`round ${round}: nginx ${JSON.stringify(theirs.at(-1))}`);
        } finally {
          kill(nginx);
          await sleep(200);
          await client.destroy();
          await server.destroy();
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const med = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
    const row = (name: string, k: keyof Sample, digits: number): string[] => {
      const o = med(ours, k), t = med(theirs, k);
      return [name, o.toFixed(digits), t.toFixed(digits), `${(o / t).toFixed(2)}x`];
    };
    const rows = [row("full handshakes/s (s_time -new)", "full", 0), row("resumed handshakes/s (s_time -reuse)", "resumed", 0),
      row("1 MiB over HTTPS, MB/s (curl)", "mbps", 1), row("  with TLS_AES_128_GCM_SHA256 only", "aes128", 1),
      row("  with TLS_CHACHA20_POLY1305_SHA256 only", "chacha", 1)];
    const firstO = median(firstOurs), firstT = median(firstTheirs);
    // A time: the ratio is nginx's over ours, so above 1 is faster, as in the other rows.
    rows.push(["start to first HTTPS answer, ms", firstO.toFixed(0), firstT.toFixed(0), `${(firstT / firstO).toFixed(2)}x`]);
    const worst = Math.min(...rows.map((r) => Number(r[3].slice(0, -1))));
    const table: Table = {
      title: `TLS: ${SECONDS} s a run, ${rounds} rounds (medians); website.hvt (${path.basename(tender)}, --mem=128) vs nginx-light (OpenSSL), TLS 1.3, P-256 certificate`,
      head: ["measure", "website.hvt", "nginx", "ratio"],
      rows,
      notes: [
        `image: website.hvt with TLS and apps/website/site ${(sized.bytes / 1024).toFixed(1)} KB (goal under 800 KB: ${sized.bytes < 800 * 1024 ? "met" : "missed"})`,
        `target: at least half of nginx in every row: ${worst >= 0.5 ? "met" : "missed"} (worst ${(worst * 100).toFixed(0)}%)`,
      ],
    };
    return [table];
  },
};
