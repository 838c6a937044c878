/**
 * The DNS suite: dns.hvt against NSD serving the same zone
 * (apps/dns/zones/morgana.test.zone), both measured by dnsperf from a
 * client namespace, in alternating rounds within one run:
 *
 *   dns.hvt: client ns [tap0 10.0.0.1] -- tender -- dns.hvt 10.0.0.2
 *   NSD:     client ns [veth 10.0.1.1] ==veth== server ns [NSD 10.0.1.2]
 *
 * NSD runs one server process (server-count 1, like our one vCPU), with
 * minimal responses and its rate limit off, so both do the same work per
 * query. dns.hvt runs both ways Morgana's tender moves frames (net rings,
 * and one hypercall per frame), and under the real solo5-hvt and (as
 * dns.spt) solo5-spt 0.12.1 (netpaths.ts), in the same rounds.
 * Reported: queries per second and mean latency under dnsperf
 * (bounded: `SECONDS` a round, at most `OUTSTANDING` queries in flight),
 * the exits per query the image counted itself (`exits.total` on its
 * --stats line, under every hvt tender),
 * the ratio, the time from start to the first answer (first-answer.c
 * starts the tender or `nsd` and queries every 0.5 ms; the client's neighbour entry
 * is set by hand so ARP does not count), and the image size. Targets: an
 * image under 300 KB, at least half of NSD's rate. Needs root, KVM,
 * dnsperf and nsd (Debian packages dnsperf, nsd); the namespaces are
 * removed afterwards. Every query goes to addresses in namespaces made here.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { createNetns, type Netns } from "../support/netns.ts";
import { hasKvm } from "../support/tender.ts";
import { median } from "./stats.ts";
import type { Suite, Table } from "./suite.ts";
import { countExits, guestExits, netPaths, nextStatsLine, ringPairs } from "./netpaths.ts";
import { linuxPeer } from "./linux-peer.ts";
import { buildFirstAnswer, startTimed } from "./first-answer.ts";

const SECONDS = Number(process.env.MORGANA_BENCH_SECONDS ?? 8);
const OUTSTANDING = 64;
const MAC = "02:00:5e:00:53:02";
/** A mix of what an authoritative server answers: positive, CNAME chain,
 * MX with additional, TXT, NXDOMAIN, NODATA, a referral. */
export const QUERIES = [
  "www.morgana.test A", "web.morgana.test A", "morgana.test SOA", "morgana.test MX", "ns1.morgana.test A",
  "txt.morgana.test TXT", "nothing.morgana.test A", "mail.morgana.test AAAA", "host.sub.morgana.test A",
  "morgana.test NS",
];

export interface Perf { qps: number; latencyMs: number; lost: number; completed: number }

function parseDnsperf(out: string): Perf {
  const qps = /Queries per second:\s+([\d.]+)/.exec(out);
  const lat = /Average Latency \(s\):\s+([\d.]+)/.exec(out);
  const lost = /Queries lost:\s+(\d+)/.exec(out);
  const completed = /Queries completed:\s+(\d+)/.exec(out);
  if (!qps || !lat || !lost || !completed || Number(completed[1]) === 0) throw new Error(`dnsperf gave no result:\n${out}`);
  return { qps: Number(qps[1]), latencyMs: Number(lat[1]) * 1000, lost: Number(lost[1]), completed: Number(completed[1]) };
}

export async function dnsperf(ns: Netns, server: string, queries: string): Promise<Perf> {
  const r = await ns.exec(["dnsperf", "-s", server, "-d", queries, "-l", String(SECONDS), "-c", "1",
    "-q", String(OUTSTANDING), "-t", "1"], { timeoutMs: (SECONDS + 20) * 1000 });
  return parseDnsperf(r.stdout);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function kill(c: ChildProcess | null): void {
  if (c?.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGTERM");
}


export const dns: Suite = {
  name: "dns",
  about: "dns.hvt against NSD on the same zone under dnsperf; start to first answer; image size",
  async run(ctx) {
    if (!hasKvm) throw new Error("needs /dev/kvm");
    const rounds = ctx.rounds ?? 2;
    ctx.log("building dns.hvt");
    const built = await buildApp(path.join(root, "apps", "dns"));
    const image = built.image;
    const size = statSync(image).size;
    const paths = netPaths();
    const images = { hvt: image, spt: paths.some((p) => p.target === "spt") ? (await buildApp(path.join(root, "apps", "dns"), { target: "spt" })).image : "" };
    const work = mkdtempSync(path.join(tmpdir(), "bench-dns-"));
    const firstAnswer = buildFirstAnswer(work);
    const queries = path.join(work, "queries.txt");
    writeFileSync(queries, QUERIES.join("\n") + "\n", { mode: 0o644 });
    copyFileSync(path.join(root, "apps", "dns", "zones", "morgana.test.zone"), path.join(work, "morgana.test.zone"));
    writeFileSync(path.join(work, "nsd.conf"), [
      "server:", "  ip-address: 10.0.1.2", "  port: 53", '  username: ""', '  chroot: ""', `  zonesdir: "${work}"`,
      '  database: ""', `  pidfile: "${work}/nsd.pid"`, `  xfrdfile: "${work}/xfrd.state"`, `  zonelistfile: "${work}/zone.list"`,
      `  logfile: "${work}/nsd.log"`, "  server-count: 1", "  verbosity: 0", "  minimal-responses: yes", "  rrl-ratelimit: 0",
      "remote-control:", "  control-enable: no", "zone:", "  name: morgana.test", "  zonefile: morgana.test.zone", "",
    ].join("\n"));
    const ours: Perf[][] = paths.map(() => []);
    const oursStart: number[][] = paths.map(() => []);
    const oursExits: number[][] = paths.map(() => []);
    const theirs: Perf[] = [];
    const theirsStart: number[] = [];
    try {
      for (let round = 1; round <= rounds; round++) {
        // ---- dns.hvt, each way the tender moves frames
        for (const [i, p] of paths.entries()) {
          const a = await createNetns();
          let guest: ChildProcess | null = null;
          try {
            await a.exec(["ip", "neigh", "replace", "10.0.0.2", "lladdr", MAC, "dev", a.tap, "nud", "permanent"]);
            const timed = startTimed(firstAnswer, a, { kind: "dns", addr: "10.0.0.2", port: 53, what: "morgana.test" },
              [p.tender, "--mem=64", `--net:service=${a.tap}`, `--net-mac:service=${MAC}`, ...p.tenderArgs, "--", images[p.target], "--ipv4=10.0.0.2/24", ...p.guestArgs, ...countExits(p)]);
            guest = timed.child;
            let out = "";
            guest.stdout!.on("data", (d: string) => (out += d));
            oursStart[i].push(await timed.answered);
            ctx.log(`round ${round}: dns.hvt (${p.name}) answered ${(oursStart[i].at(-1)!).toFixed(1)} ms after start; dnsperf ${SECONDS} s`);
            const before = guestExits(out);
            const perf = await dnsperf(a, "10.0.0.2", queries);
            ours[i].push(perf);
            await nextStatsLine();
            // An idle second's few exits (timers) are a rounding error next to dnsperf's.
            if (countExits(p).length) oursExits[i].push((guestExits(out) - before) / perf.completed);
          } finally {
            kill(guest);
            await a.destroy();
          }
        }
        // ---- NSD
        const { client: c, server: s } = await linuxPeer();
        let nsd: ChildProcess | null = null;
        try {
          const timed = startTimed(firstAnswer, c, { kind: "dns", addr: "10.0.1.2", port: 53, what: "morgana.test" },
            ["nsd", "-d", "-c", path.join(work, "nsd.conf")], s);
          nsd = timed.child;
          theirsStart.push(await timed.answered);
          ctx.log(`round ${round}: NSD answered ${(theirsStart.at(-1)!).toFixed(1)} ms after start; dnsperf ${SECONDS} s`);
          theirs.push(await dnsperf(c, "10.0.1.2", queries));
        } finally {
          kill(nsd);
          await sleep(200);
          await c.destroy();
          await s.destroy();
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const q = (ps: Perf[]) => median(ps.map((p) => p.qps));
    const l = (ps: Perf[]) => median(ps.map((p) => p.latencyMs));
    const lost = (ps: Perf[]) => ps.reduce((n, p) => n + p.lost, 0);
    const ratio = q(ours[0]) / q(theirs);
    const kb = size / 1024;
    const rows = paths.map((p, i) => [paths.length > 1 ? `dns.hvt, ${p.name}` : "dns.hvt", q(ours[i]).toFixed(0),
      l(ours[i]).toFixed(3), String(lost(ours[i])), median(oursStart[i]).toFixed(1),
      oursExits[i].length ? median(oursExits[i]).toFixed(2) : "-", kb.toFixed(1)]);
    rows.push(["NSD 1 process", q(theirs).toFixed(0), l(theirs).toFixed(3), String(lost(theirs)), median(theirsStart).toFixed(1), "-", "-"]);
    for (const [i, p] of paths.entries())
      rows.push([`dns.hvt${paths.length > 1 ? `, ${p.name}` : ""} / NSD`, `${(q(ours[i]) / q(theirs)).toFixed(2)}x`, "", "", "", "", ""]);
    if (paths.length > 1) rows.push([`net rings / hypercalls`, `${(q(ours[0]) / q(ours[1])).toFixed(2)}x`, "", "", "", "", ""]);
    for (const [r, h] of ringPairs(paths))
      rows.push([`${paths[r].name} / hypercalls`, `${(q(ours[r]) / q(ours[h])).toFixed(2)}x`, "", "", "", "", ""]);
    const table: Table = {
      title: `DNS: dnsperf, ${SECONDS} s a round, ${OUTSTANDING} queries in flight, ${rounds} rounds (medians)`,
      head: ["server", "queries/s", "latency ms", "lost", "start to first answer ms", "exits/query", "image KB"],
      rows,
      notes: [
        `target: image under 300 KB: ${kb < 300 ? "met" : "missed"} (${kb.toFixed(1)} KB)`,
        `target: at least half of NSD's rate: ${ratio >= 0.5 ? "met" : "missed"} (${(ratio * 100).toFixed(0)}%${paths.length > 1 ? `, ${paths[0].name}` : ""})`,
        ...(paths.length > 1 ? ["net rings: frames through rings in guest memory, moved by the tender in the poll hypercall; hypercalls: --x-no-net-rings, one exit per frame; solo5-hvt 0.12.1, ring: Solo5's ring I/O, hypercalls: the same image with --net-rings=false; solo5-spt: dns.spt, system calls rather than exits (not counted)"] : []),
      ],
    };
    return [table];
  },
};
