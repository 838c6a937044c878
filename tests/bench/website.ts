/**
 * The website suite (issue 5): website.hvt against nginx (Debian's
 * nginx-light) serving the same two pages, both under wrk from a client
 * namespace, in alternating rounds within one run:
 *
 *   website.hvt: client ns [tap0 10.0.0.1] -- tender -- website.hvt 10.0.0.2
 *   nginx:       client ns [veth 10.0.1.1] ==veth== server ns [nginx 10.0.1.2]
 *
 * nginx runs one worker (like our one vCPU), with access logging off,
 * keep-alive without a request limit and sendfile on. Each round measures
 * requests per second and latency for a 612-byte page (nginx's own
 * welcome page is 612 bytes) and a 100 KiB page, with 1 and 100
 * keep-alive connections, `SECONDS` each; website.hvt twice, on a tap of
 * MTU 1500 and of MTU 65000 with a 256 KiB send buffer (each frame costs a
 * hypercall without net rings, and nginx's veth hands 64 KiB packets
 * inside the host), each both ways Morgana's tender moves frames (net
 * rings, and one hypercall per frame) and under the real solo5-hvt 0.12.1
 * (Solo5's ring, and the image's --net-rings=false) and (the spt image)
 * solo5-spt 0.12.1 (netpaths.ts). Exits per request are what the image
 * counted itself (`exits.total` on its --stats line), under every hvt
 * tender.
 *
 * Also reported: the time from starting the tender (or nginx) to the first
 * successful HTTP response, measured by first-answer.c, which starts the
 * server and probes it every 0.5 ms (the client's neighbour entry is set
 * by hand so ARP does not count); the smallest --mem with which website.hvt holds 100
 * connections at once without an error; a run of 200 connections for
 * MORGANA_LOAD_SECONDS (20) in --mem=32 (errors, connections left after,
 * the largest memory); the image sizes. Targets (issue 5): at least half
 * of nginx's rate, a first response within 10 ms, an image under 500 KB.
 * Needs root, KVM, wrk and nginx-light; every request goes to namespaces
 * made here.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { tenderPath, hasKvm } from "../support/tender.ts";
import { parseWrk } from "../website/wrk.ts";
import { median } from "./stats.ts";
import type { Suite, Table } from "./suite.ts";
import { countExits, guestExits, netPaths, nextStatsLine } from "./netpaths.ts";
import { linuxPeer } from "./linux-peer.ts";
import { buildFirstAnswer, startTimed } from "./first-answer.ts";

const SECONDS = Number(process.env.MORGANA_BENCH_SECONDS ?? 8);
const MAC = "02:00:5e:00:80:02";
const PAGES = [{ name: "612 B", path: "/index.html", bytes: 612 }, { name: "100 KiB", path: "/page100k.html", bytes: 102400 }];
const CONNECTIONS = [1, 100];
/** The tap's MTU: Ethernet's, and the largest, which lets a 100 KiB page
 * go in two frames (one netWrite each) instead of seventy. */
const MTUS = [1500, 65000];
/** Guest memory: 64 KiB + 64 KiB of buffers per connection, ~300 of them. */
const MEM = 128;

export interface Run { rps: number; latencyMs: number; errors: number; requests: number }

/** A page of exactly `bytes` bytes of HTML. */
export function page(bytes: number, title: string): string {
  const head = `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<p>`;
  const tail = "</p>\n</body>\n</html>\n";
  let filler = "";
  const words = "Morgana serves this page from a unikernel over its own TCP. ";
  while (head.length + filler.length + tail.length < bytes) filler += words;
  return head + filler.slice(0, bytes - head.length - tail.length) + tail;
}

export async function wrk(ns: Netns, url: string, connections: number): Promise<Run> {
  const threads = connections > 1 ? 2 : 1;
  const r = await ns.exec(["wrk", `-t${threads}`, `-c${connections}`, `-d${SECONDS}s`, "--latency", "--timeout", "5s", url],
    { timeoutMs: (SECONDS + 30) * 1000 });
  const w = parseWrk(r.stdout);
  const lat = /Latency\s+([\d.]+)(us|ms|s)/.exec(r.stdout);
  if (!lat || w.requests === 0) throw new Error(`wrk gave no result:\n${r.stdout}${r.stderr}`);
  const scale = lat[2] === "us" ? 0.001 : lat[2] === "s" ? 1000 : 1;
  return { rps: w.rps, latencyMs: Number(lat[1]) * scale, errors: w.socketErrors + w.non2xx, requests: w.requests };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function kill(c: ChildProcess | null): void {
  if (c?.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGTERM");
}

/** Whether website.hvt in `mem` MiB serves 100 connections at once for
 * 4 s on the 100 KiB page: all 100 open together (its stats lines say
 * so), no SYN turned away, no error, and it stays up. */
async function serves(tender: string, image: string, mem: number): Promise<boolean> {
  const a = await createNetns();
  let guest: ChildProcess | null = null;
  let out = "";
  try {
    await a.exec(["ip", "neigh", "replace", "10.0.0.2", "lladdr", MAC, "dev", a.tap, "nud", "permanent"]);
    guest = a.spawn([tender, `--mem=${mem}`, `--net:service=${a.tap}`, `--net-mac:service=${MAC}`, "--", image,
      "--ipv4=10.0.0.2/24", "--stats=1"]);
    guest.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    await sleep(300);
    const r = await a.exec(["wrk", "-t2", "-c100", "-d4s", "--timeout", "3s", "http://10.0.0.2/page100k.html"], { timeoutMs: 40_000 });
    await sleep(1100);
    const w = parseWrk(r.stdout);
    const stats = out.split("\n").filter((l) => l.startsWith("stats "));
    const field = (l: string, k: string) => Number(new RegExp(` ${k}=(\\d+)`).exec(l)?.[1] ?? -1);
    const allOpen = stats.some((l) => field(l, "http.open") === 100);
    const turnedAway = stats.some((l) => field(l, "tcp.dropNoRoom") > 0);
    return w.requests > 0 && w.socketErrors === 0 && w.non2xx === 0 && allOpen && !turnedAway &&
      guest.exitCode === null && !/trap|abort/.test(out);
  } finally {
    kill(guest);
    await a.destroy();
  }
}

const LOAD_SECONDS = Number(process.env.MORGANA_LOAD_SECONDS ?? 20);

/** wrk with 200 connections for LOAD_SECONDS against website.hvt in
 * --mem=32, its stats every second: what was served, the errors, the
 * connections left a few seconds after, the largest memory seen. */
async function longRun(tender: string, image: string) {
  const a = await createNetns();
  let guest: ChildProcess | null = null;
  let out = "";
  try {
    guest = a.spawn([tender, "--mem=32", `--net:service=${a.tap}`, "--", image, "--ipv4=10.0.0.2/24", "--stats=1"]);
    guest.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    await sleep(300);
    const r = await a.exec(["wrk", "-t2", "-c200", `-d${LOAD_SECONDS}s`, "--timeout", "5s", "http://10.0.0.2/index.html"],
      { timeoutMs: (LOAD_SECONDS + 30) * 1000 });
    await sleep(3000);
    const w = parseWrk(r.stdout);
    const stats = out.split("\n").filter((l) => l.startsWith("stats "));
    const field = (l: string, k: string) => Number(new RegExp(` ${k}=(\\d+)`).exec(l)?.[1] ?? -1);
    if (stats.length === 0 || /trap|abort/.test(out)) throw new Error(`website.hvt under load:\n${out.slice(-2000)}`);
    return {
      requests: w.requests, rps: w.rps, errors: w.socketErrors + w.non2xx,
      activeAfter: field(stats.at(-1)!, "tcpload.active"),
      peak: Math.max(...stats.map((l) => field(l, "memory.heap"))), limit: field(stats[0], "memory.limit"),
    };
  } finally {
    kill(guest);
    await a.destroy();
  }
}

export const website: Suite = {
  name: "website",
  about: "website.hvt against nginx (nginx-light) under wrk: 1 and 100 connections, 612 B and 100 KiB pages; start to first response; smallest --mem; image size",
  async run(ctx) {
    if (!hasKvm) throw new Error("needs /dev/kvm");
    const rounds = ctx.rounds ?? 2;
    const work = mkdtempSync(path.join(tmpdir(), "bench-website-"));
    const site = path.join(work, "site");
    mkdirSync(site);
    writeFileSync(path.join(site, "index.html"), page(612, "612"));
    writeFileSync(path.join(site, "page100k.html"), page(102400, "100k"));
    ctx.log("building website.hvt (the bench site) and dist/website.hvt (apps/website/site)");
    const image = (await buildApp(path.join(root, "apps", "website"), {
      outDir: path.join(root, "build", "bench", "website"), assetDirs: { site },
    })).image;
    const defaultImage = (await buildApp(path.join(root, "apps", "website"))).image;
    const tender = await tenderPath();
    const paths = netPaths();
    // The bench site for solo5-spt too, when it is one of the paths.
    const images = {
      hvt: image,
      spt: paths.some((p) => p.target === "spt") ? (await buildApp(path.join(root, "apps", "website"), {
        outDir: path.join(root, "build", "bench", "website"), assetDirs: { site }, target: "spt",
      })).image : "",
    };
    const firstAnswer = buildFirstAnswer(work);
    writeFileSync(path.join(work, "nginx.conf"), [
      "user root;", "worker_processes 1;", "daemon off;", "master_process off;", `pid ${work}/nginx.pid;`,
      `error_log ${work}/error.log;`, "events { worker_connections 1024; }",
      "http {", "  access_log off;", "  sendfile on;", "  tcp_nopush on;", "  keepalive_requests 1000000;",
      "  keepalive_timeout 60s;", "  types { text/html html; }", `  client_body_temp_path ${work}/body;`,
      "  server {", "    listen 10.0.1.2:80;", `    root ${site};`, "  }", "}", "",
    ].join("\n"));
    const key = (who: string, p: number, c: number) => `${who} ${p} ${c}`;
    const runs = new Map<string, Run[]>();
    const add = (k: string, r: Run) => runs.set(k, [...(runs.get(k) ?? []), r]);
    const oursStart: number[] = [];
    // Exits per request as the image counted them (every hvt path), over
    // the four wrk runs of a boot.
    const exitsPerRequest = new Map<string, number[]>();
    const theirsStart: number[] = [];
    const ways = MTUS.flatMap((mtu) => paths.map((p, i) => ({ mtu, p, who: `ours${mtu}${i ? p.name : ""}` })));
    const label = (w: { mtu: number; p: { name: string } }) => `MTU ${w.mtu}${paths.length > 1 ? `, ${w.p.name}` : ""}`;
    try {
      for (let round = 1; round <= rounds; round++) {
        // ---- website.hvt, on a tap of MTU 1500, then of MTU 65000, each path
        for (const { mtu, p: netPath, who } of ways) {
          const a = await createNetns();
          let guest: ChildProcess | null = null;
          let requests = 0;
          try {
            await a.exec(["ip", "link", "set", a.tap, "mtu", String(mtu)]);
            await a.exec(["ip", "neigh", "replace", "10.0.0.2", "lladdr", MAC, "dev", a.tap, "nud", "permanent"]);
            // With 64 KiB frames a 100 KiB answer must fit the send buffer
            // at once: otherwise its tail waits for the peer's delayed ACK.
            const extra = mtu > 1500 ? ["--tcp-sndbuf=262144"] : [];
            const timed = startTimed(firstAnswer, a, { kind: "http", addr: "10.0.0.2", port: 80, what: "/index.html" },
              [netPath.tender, `--mem=${MEM}`, `--net:service=${a.tap}`,
              `--net-mac:service=${MAC}`, ...netPath.tenderArgs, "--",
              images[netPath.target], "--ipv4=10.0.0.2/24", ...extra, ...netPath.guestArgs, ...countExits(netPath)]);
            guest = timed.child;
            let out = "";
            guest.stdout!.on("data", (d: string) => (out += d));
            const started = await timed.answered;
            if (who === "ours1500") oursStart.push(started);
            ctx.log(`round ${round}: website.hvt (${label({ mtu, p: netPath })}) answered ${started.toFixed(1)} ms after start`);
            for (const [p, pg] of PAGES.entries()) {
              for (const c of CONNECTIONS) {
                const r = await wrk(a, `http://10.0.0.2${pg.path}`, c);
                add(key(who, p, c), r);
                requests += r.requests;
                ctx.log(`round ${round}: website.hvt ${label({ mtu, p: netPath })} ${pg.name} ${c} conn: ${r.rps.toFixed(0)} req/s`);
              }
            }
            await nextStatsLine();
            const exits = countExits(netPath).length ? guestExits(out) : undefined;
            if (exits !== undefined && requests > 0) exitsPerRequest.set(label({ mtu, p: netPath }), [...(exitsPerRequest.get(label({ mtu, p: netPath })) ?? []), exits / requests]);
          } finally {
            kill(guest);
            await a.destroy();
          }
        }
        // ---- nginx
        const { client: c, server: s } = await linuxPeer();
        let nginx: ChildProcess | null = null;
        try {
          const timed = startTimed(firstAnswer, c, { kind: "http", addr: "10.0.1.2", port: 80, what: "/index.html" },
            ["nginx", "-c", path.join(work, "nginx.conf")], s);
          nginx = timed.child;
          theirsStart.push(await timed.answered);
          ctx.log(`round ${round}: nginx answered ${theirsStart.at(-1)!.toFixed(1)} ms after start`);
          for (const [p, pg] of PAGES.entries()) {
            for (const n of CONNECTIONS) {
              const r = await wrk(c, `http://10.0.1.2${pg.path}`, n);
              add(key("nginx", p, n), r);
              ctx.log(`round ${round}: nginx ${pg.name} ${n} conn: ${r.rps.toFixed(0)} req/s`);
            }
          }
        } finally {
          kill(nginx);
          await sleep(200);
          await c.destroy();
          await s.destroy();
        }
      }
      // ---- 200 connections for LOAD_SECONDS in --mem=32: errors, the
      // table afterwards, the memory all along
      ctx.log(`website.hvt --mem=32: wrk, 200 connections, ${LOAD_SECONDS} s`);
      const load = await longRun(tender, image);
      // ---- the smallest memory that serves 100 connections
      let smallest = "above 64";
      for (const mem of [8, 10, 12, 16, 20, 24, 32, 48, 64]) {
        ctx.log(`--mem=${mem}: 100 connections on the 100 KiB page`);
        if (await serves(tender, image, mem)) {
          smallest = String(mem);
          break;
        }
      }
      const med = (k: string, f: (r: Run) => number) => median((runs.get(k) ?? []).map(f));
      const rows: string[][] = [];
      let worst = Infinity;
      for (const [p, pg] of PAGES.entries()) {
        for (const n of CONNECTIONS) {
          const t = med(key("nginx", p, n), (r) => r.rps);
          for (const w of ways) {
            const who = w.who;
            const o = med(key(who, p, n), (r) => r.rps);
            const errs = (runs.get(key(who, p, n)) ?? []).reduce((x, r) => x + r.errors, 0);
            if (who === "ours1500") worst = Math.min(worst, o / t);
            rows.push([`${pg.name}, ${n} conn, ${label(w)}`, o.toFixed(0), med(key(who, p, n), (r) => r.latencyMs).toFixed(2),
              t.toFixed(0), med(key("nginx", p, n), (r) => r.latencyMs).toFixed(2), `${(o / t).toFixed(2)}x`, String(errs)]);
          }
        }
      }
      const kb = statSync(defaultImage).size / 1024;
      const startMs = median(oursStart);
      return [{
        title: `Website: wrk, ${SECONDS} s a run, ${rounds} rounds (medians); website.hvt (--mem=${MEM}) vs nginx-light, 1 worker`,
        head: ["page, connections", "website req/s", "latency ms", "nginx req/s", "latency ms", "ratio", "errors"],
        rows,
        notes: [
          `start to first response: website.hvt ${startMs.toFixed(1)} ms (tender start; ${oursStart.map((x) => x.toFixed(1)).join(", ")}), nginx ${median(theirsStart).toFixed(1)} ms`,
          `smallest --mem serving 100 connections at once on the 100 KiB page without error: ${smallest} MiB`,
          `exits per request, all four runs of a boot, as the image counted them (exits.total on its --stats line): ${[...exitsPerRequest].map(([k, v]) => `${k} ${median(v).toFixed(2)}`).join("; ") || "-"}`,
          `200 connections, ${LOAD_SECONDS} s, --mem=32, 612 B page: ${load.requests} requests (${load.rps.toFixed(0)}/s), ${load.errors} errors; ` +
            `connections left after: ${load.activeAfter}; memory at most ${(load.peak / 1048576).toFixed(1)} MiB of ${(load.limit / 1048576).toFixed(1)} MiB`,
          `image: dist/website.hvt ${kb.toFixed(1)} KB (apps/website/site), bench image ${(statSync(image).size / 1024).toFixed(1)} KB`,
          `target: at least half of nginx in every row (MTU 1500${paths.length > 1 ? `, ${paths[0].name}` : ""}): ${worst >= 0.5 ? "met" : "missed"} (worst ${(worst * 100).toFixed(0)}%)`,
          `nginx runs over veth with MTU 1500 and the kernel's segmentation offloads (64 KiB per packet inside the host); website.hvt pays an exit per frame without net rings (hypercalls), far fewer with them`,
          `target: first response within 10 ms of start: ${startMs <= 10 ? "met" : "missed"} (${startMs.toFixed(1)} ms)`,
          `target: image under 500 KB: ${kb < 500 ? "met" : "missed"} (${kb.toFixed(1)} KB)`,
        ],
      }];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

