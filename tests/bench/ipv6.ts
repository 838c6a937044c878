/**
 * The IPv6 suite (issue 16): the website and dns rows over IPv6 beside
 * IPv4, in the same run and the same boots, each against its Linux
 * reference on the veth peer (nginx-light, NSD) also reached both ways:
 *
 *   website.hvt / dns.hvt: client ns [tap0 10.0.0.1, fd00::1] -- tender -- image 10.0.0.2, fd00::2
 *   nginx / NSD:           client ns [veth 10.0.1.1, fd00:1::1] ==veth== server ns [10.0.1.2, fd00:1::2]
 *
 * wrk with 100 keep-alive connections on the site's index.html; dnsperf
 * with dns.ts's query mix. Neighbour entries are set by hand on the
 * clients (ARP and ND never count); the images run on Morgana's tender
 * with its net rings. Reported: requests or queries per second, mean
 * latency, errors or losses, and the IPv6 / IPv4 ratio of each server.
 * Needs root, KVM, wrk, nginx-light, dnsperf, nsd.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { hasKvm, tenderPath } from "../support/tender.ts";
import { median } from "./stats.ts";
import type { Suite, Table } from "./suite.ts";
import { linuxPeer } from "./linux-peer.ts";
import { wrk, type Run } from "./website.ts";
import { dnsperf, QUERIES, type Perf } from "./dns.ts";

const MAC = "02:00:5e:00:66:02";
const SITE = path.join(root, "apps", "website", "site");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function kill(c: ChildProcess | null): void {
  if (c?.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGTERM");
}

/** `image` booted on a tap with both families; `measure` run against
 * "10.0.0.2" and "[fd00::2]"-style hosts once its IPv6 address is up. */
async function onImage<T>(tender: string, image: string, measure: (ns: Netns, v4: string, v6: string) => Promise<T>): Promise<T> {
  const a = await createNetns({ hostAddr6: "fd00::1/64" });
  let guest: ChildProcess | null = null;
  let out = "";
  try {
    await a.exec(["ip", "neigh", "replace", "10.0.0.2", "lladdr", MAC, "dev", a.tap, "nud", "permanent"]);
    await a.exec(["ip", "-6", "neigh", "replace", "fd00::2", "lladdr", MAC, "dev", a.tap, "nud", "permanent"]);
    guest = a.spawn([tender, "--mem=128", `--net:service=${a.tap}`, `--net-mac:service=${MAC}`, "--", image,
      "--ipv4=10.0.0.2/24", "--ipv6=fd00::2/64"]);
    guest.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    for (let i = 0; i < 50 && !/ipv6 fd00::2\/64 \(static\)/.test(out); i++) await sleep(100);
    if (!/ipv6 fd00::2\/64 \(static\)/.test(out)) throw new Error(`${image}: no IPv6 address:\n${out}`);
    return await measure(a, "10.0.0.2", "fd00::2");
  } finally {
    kill(guest);
    await a.destroy();
  }
}

/** The Linux peer namespaces with IPv6 too (fd00:1::1 and fd00:1::2). */
async function peerWithV6(): Promise<{ client: Netns; server: Netns }> {
  const p = await linuxPeer();
  const veth = (await p.server.exec(["sh", "-c", "ls /sys/class/net | grep '^v'"])).stdout.trim();
  await p.client.exec(["ip", "-6", "addr", "add", "fd00:1::1/64", "dev", "c0", "nodad"]);
  await p.server.exec(["ip", "-6", "addr", "add", "fd00:1::2/64", "dev", veth, "nodad"]);
  const mac = (await p.server.exec(["cat", `/sys/class/net/${veth}/address`])).stdout.trim();
  await p.client.exec(["ip", "-6", "neigh", "replace", "fd00:1::2", "lladdr", mac, "dev", "c0", "nud", "permanent"]);
  return p;
}

export const ipv6: Suite = {
  name: "ipv6",
  about: "website.hvt and dns.hvt over IPv6 beside IPv4, against nginx and NSD over both on the veth peer",
  async run(ctx) {
    if (!hasKvm) throw new Error("needs /dev/kvm");
    const rounds = ctx.rounds ?? 2;
    const tender = await tenderPath();
    ctx.log("building website.hvt and dns.hvt");
    const web = (await buildApp(path.join(root, "apps", "website"))).image;
    const dns = (await buildApp(path.join(root, "apps", "dns"))).image;
    const work = mkdtempSync(path.join(tmpdir(), "bench-ipv6-"));
    const queries = path.join(work, "queries.txt");
    writeFileSync(queries, QUERIES.join("\n") + "\n", { mode: 0o644 });
    copyFileSync(path.join(root, "apps", "dns", "zones", "morgana.test.zone"), path.join(work, "morgana.test.zone"));
    writeFileSync(path.join(work, "nginx.conf"), [
      "user root;", "worker_processes 1;", "daemon off;", "master_process off;", `pid ${work}/nginx.pid;`,
      `error_log ${work}/error.log;`, "events { worker_connections 1024; }",
      "http {", "  access_log off;", "  sendfile on;", "  tcp_nopush on;", "  keepalive_requests 1000000;",
      "  keepalive_timeout 60s;", "  types { text/html html; }", `  client_body_temp_path ${work}/body;`,
      "  server {", "    listen 10.0.1.2:80;", "    listen [fd00:1::2]:80;", `    root ${SITE};`, "  }", "}", "",
    ].join("\n"));
    writeFileSync(path.join(work, "nsd.conf"), [
      "server:", "  ip-address: 10.0.1.2", "  ip-address: fd00:1::2", "  port: 53", '  username: ""', '  chroot: ""',
      `  zonesdir: "${work}"`, '  database: ""', `  pidfile: "${work}/nsd.pid"`, `  xfrdfile: "${work}/xfrd.state"`,
      `  zonelistfile: "${work}/zone.list"`, `  logfile: "${work}/nsd.log"`, "  server-count: 1", "  verbosity: 0",
      "  minimal-responses: yes", "  rrl-ratelimit: 0", "remote-control:", "  control-enable: no",
      "zone:", "  name: morgana.test", "  zonefile: morgana.test.zone", "",
    ].join("\n"));
    const http = new Map<string, Run[]>();
    const dnsRuns = new Map<string, Perf[]>();
    const add = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
    const page = (host: string) => `http://${host}/index.html`;
    try {
      for (let round = 1; round <= rounds; round++) {
        ctx.log(`round ${round}: website.hvt over IPv4 and IPv6`);
        // Which family goes first alternates from round to round.
        const order = round % 2 === 1 ? ["v4", "v6"] : ["v6", "v4"];
        await onImage(tender, web, async (ns, v4, v6) => {
          for (const f of order) add(http, `website.hvt ${f}`, await wrk(ns, page(f === "v4" ? v4 : `[${v6}]`), 100));
        });
        ctx.log(`round ${round}: dns.hvt over IPv4 and IPv6`);
        await onImage(tender, dns, async (ns, v4, v6) => {
          for (const f of order) add(dnsRuns, `dns.hvt ${f}`, await dnsperf(ns, f === "v4" ? v4 : v6, queries));
        });
        ctx.log(`round ${round}: nginx and NSD over IPv4 and IPv6`);
        const { client, server } = await peerWithV6();
        let nginx: ChildProcess | null = null;
        let nsd: ChildProcess | null = null;
        try {
          nginx = server.spawn(["nginx", "-c", path.join(work, "nginx.conf")]);
          nsd = server.spawn(["nsd", "-d", "-c", path.join(work, "nsd.conf")]);
          await sleep(700);
          for (const f of order) add(http, `nginx ${f}`, await wrk(client, page(f === "v4" ? "10.0.1.2" : "[fd00:1::2]"), 100));
          for (const f of order) add(dnsRuns, `NSD ${f}`, await dnsperf(client, f === "v4" ? "10.0.1.2" : "fd00:1::2", queries));
        } finally {
          kill(nginx);
          kill(nsd);
          await sleep(200);
          await client.destroy();
          await server.destroy();
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const rps = (k: string) => median(http.get(k)!.map((r) => r.rps));
    const qps = (k: string) => median(dnsRuns.get(k)!.map((r) => r.qps));
    const webRows = ["website.hvt", "nginx"].flatMap((who) => [
      ...["v4", "v6"].map((f) => {
        const runs = http.get(`${who} ${f}`)!;
        return [`${who} ${f === "v4" ? "IPv4" : "IPv6"}`, rps(`${who} ${f}`).toFixed(0),
          median(runs.map((r) => r.latencyMs)).toFixed(3), String(runs.reduce((n, r) => n + r.errors, 0))];
      }),
      [`${who} IPv6 / IPv4`, `${(rps(`${who} v6`) / rps(`${who} v4`)).toFixed(2)}x`, "", ""],
    ]);
    const dnsRows = ["dns.hvt", "NSD"].flatMap((who) => [
      ...["v4", "v6"].map((f) => {
        const runs = dnsRuns.get(`${who} ${f}`)!;
        return [`${who} ${f === "v4" ? "IPv4" : "IPv6"}`, qps(`${who} ${f}`).toFixed(0),
          median(runs.map((r) => r.latencyMs)).toFixed(3), String(runs.reduce((n, r) => n + r.lost, 0))];
      }),
      [`${who} IPv6 / IPv4`, `${(qps(`${who} v6`) / qps(`${who} v4`)).toFixed(2)}x`, "", ""],
    ]);
    return [
      { title: `website over IPv4 and IPv6: wrk, 100 connections, index.html, ${rounds} rounds (medians)`,
        head: ["server", "requests/s", "latency ms", "errors"], rows: webRows },
      { title: `dns over IPv4 and IPv6: dnsperf, dns.ts's query mix, ${rounds} rounds (medians)`,
        head: ["server", "queries/s", "latency ms", "lost"], rows: dnsRows },
    ] satisfies Table[];
  },
};
