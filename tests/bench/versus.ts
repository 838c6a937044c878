/**
 * `npm run bench -- versus`: website.hvt and dns.hvt as committed (HEAD)
 * against the same apps built from other commits (MORGANA_VERSUS_REF,
 * comma separated; default 00f6df8, the last commit before the libos API
 * was reshaped), all serving the same generated site (a 612-byte and a
 * 100 KiB page), booted one after the other in alternating rounds on the
 * same tender, tap and namespace, under the same load: wrk on both pages
 * with 100 connections, dnsperf with 64 queries in flight. The question it
 * answers: did a change to the libos cost anything per request? Ratios
 * are to the first commit named, within one run.
 *
 * Each commit is taken with `git archive` into a temporary folder that
 * shares this tree's node_modules, and built with its own toolchain, so
 * nothing in dist/ is touched.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createNetns, type Netns } from "../support/netns.ts";
import { tenderPath } from "../support/tender.ts";
import { root } from "../../toolchain/root.ts";
import { parseWrk } from "../website/wrk.ts";
import { median } from "./stats.ts";
import { page } from "./website.ts";
import type { Suite, Table } from "./suite.ts";

/** The commits HEAD is compared with, comma separated. */
const REFS = (process.env.MORGANA_VERSUS_REF ?? "00f6df8").split(",").map((r) => r.trim()).filter((r) => r);
const REF = REFS[0];
const SECONDS = Number(process.env.MORGANA_BENCH_SECONDS ?? 5);
const QUERIES = ["www.morgana.test A", "morgana.test SOA", "morgana.test MX", "txt.morgana.test TXT", "nothing.morgana.test A"];

interface Image { label: string; website: string; dns: string }

/** Build website (over `site`) and dns at `ref` with that commit's toolchain. */
function buildAt(ref: string, label: string, site: string, log: (l: string) => void): { dir: string; image: Image } {
  const dir = mkdtempSync(path.join(tmpdir(), "morgana-versus-"));
  execFileSync("sh", ["-c", `git -C ${root} archive ${ref} | tar -x -C ${dir}`]);
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  for (const [app, extra] of [["website", ["--site", site]], ["dns", []]] as [string, string[]][]) {
    log(`building ${app} at ${ref}`);
    execFileSync("node", ["toolchain/bin/morgana.mjs", "build", "--target", "hvt", "--app", app, ...extra], { cwd: dir, stdio: "ignore" });
  }
  return { dir, image: { label, website: path.join(dir, "dist", "website.hvt"), dns: path.join(dir, "dist", "dns.hvt") } };
}

async function boot(ns: Netns, image: string, ready: RegExp): Promise<ChildProcess> {
  const tender = await tenderPath();
  const child = ns.spawn([tender, "--mem=128", `--net:service=${ns.tap}`, "--", image, "--ipv4=10.0.0.2/24"]);
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  for (let i = 0; i < 400 && !ready.test(out); i++) await new Promise((r) => setTimeout(r, 25));
  if (!ready.test(out)) throw new Error(`${image} did not start:\n${out}`);
  return child;
}

async function stop(c: ChildProcess): Promise<void> {
  if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGTERM");
  await new Promise((r) => setTimeout(r, 200));
}

async function wrk(ns: Netns, page: string): Promise<number> {
  const r = await ns.exec(["wrk", "-t2", "-c100", `-d${SECONDS}s`, "--timeout", "5s", `http://10.0.0.2${page}`], { timeoutMs: (SECONDS + 30) * 1000 });
  const w = parseWrk(r.stdout);
  if (w.requests === 0 || w.socketErrors + w.non2xx > 0) throw new Error(`wrk: ${r.stdout}${r.stderr}`);
  return w.rps;
}

async function dnsperf(ns: Netns, queries: string): Promise<number> {
  const r = await ns.exec(["dnsperf", "-s", "10.0.0.2", "-d", queries, "-l", String(SECONDS), "-c", "1", "-q", "64", "-t", "1"],
    { timeoutMs: (SECONDS + 20) * 1000 });
  const m = /Queries per second:\s+([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`dnsperf: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

export const versus: Suite = {
  name: "versus",
  about: `website and dns of this tree against ${REF} (MORGANA_VERSUS_REF), alternating on one tender: req/s, q/s`,
  async run(ctx) {
    const rounds = ctx.rounds ?? 3;
    const site = mkdtempSync(path.join(tmpdir(), "morgana-versus-site-"));
    writeFileSync(path.join(site, "index.html"), page(612, "index"));
    writeFileSync(path.join(site, "page100k.html"), page(102400, "100 KiB"));
    const builds = [...REFS, "HEAD"].map((r) => buildAt(r, r, site, ctx.log));
    const size = (p: string) => `${(statSync(p).size / 1024).toFixed(1)} KB`;
    const sizes = `image sizes: ${builds.map((b) => `${b.image.label} website ${size(b.image.website)}, dns ${size(b.image.dns)}`).join("; ")}`;
    const ns = await createNetns();
    const queries = path.join(site, "queries.txt");
    writeFileSync(queries, QUERIES.join("\n") + "\n");
    const results = new Map<string, number[]>();
    const add = (k: string, v: number) => results.set(k, [...(results.get(k) ?? []), v]);
    try {
      for (let round = 1; round <= rounds; round++) {
        // Alternate which goes first, so a drift in the machine's load
        // does not always favour the same side.
        const images = builds.map((b) => b.image);
        const order = round % 2 === 1 ? images : [...images].reverse();
        for (const img of order) {
          ctx.log(`round ${round}: ${img.label} website`);
          const w = await boot(ns, img.website, /\[website\] serving/);
          add(`${img.label}|612 B`, await wrk(ns, "/index.html"));
          add(`${img.label}|100 KiB`, await wrk(ns, "/page100k.html"));
          await stop(w);
          ctx.log(`round ${round}: ${img.label} dns`);
          const d = await boot(ns, img.dns, /\[dns\] serving/);
          add(`${img.label}|dns`, await dnsperf(ns, queries));
          await stop(d);
        }
      }
    } finally {
      await ns.destroy();
      for (const d of [...builds.map((b) => b.dir), site]) rmSync(d, { recursive: true, force: true });
    }
    const rows: string[][] = [];
    const labels = builds.map((b) => b.image.label);
    const range = (xs: number[]) => `${Math.round(Math.min(...xs)).toLocaleString("en")}-${Math.round(Math.max(...xs)).toLocaleString("en")}`;
    for (const [what, unit] of [["612 B", "req/s"], ["100 KiB", "req/s"], ["dns", "q/s"]]) {
      const base = median(results.get(`${REF}|${what}`) ?? []);
      const row = [what === "dns" ? "dns.hvt, dnsperf 64 in flight" : `website.hvt ${what} x 100 conn`, unit];
      for (const l of labels) {
        const xs = results.get(`${l}|${what}`) ?? [];
        row.push(`${Math.round(median(xs)).toLocaleString("en")} (${range(xs)})`);
        if (l !== REF) row.push(`${(median(xs) / base).toFixed(2)}x`);
      }
      rows.push(row);
    }
    const head = ["what", "unit", ...labels.flatMap((l) => (l === REF ? [`${l} median (range)`] : [`${l} median (range)`, `/ ${REF}`]))];
    const table: Table = {
      title: `${labels.slice(1).join(", ")} against ${REF}, ${rounds} alternating rounds of ${SECONDS} s (Morgana's tender, net rings, MTU 1500)`,
      head,
      rows,
      notes: [sizes],
    };
    return [table];
  },
};
