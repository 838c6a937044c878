/**
 * The differential run against NSD: the corpus's zones compiled into a
 * dns.hvt of their own and served, on Morgana's tender, beside Debian's
 * NSD serving the very same files; the corpus's queries asked of both by
 * ask-client.mjs; every pair of answers compared field by field (RCODE,
 * opcode, flags, question, EDNS, and each section as a set) with the
 * strict reader of message.ts. A difference that a policy of
 * apps/dns/README.md explains is counted under that policy; any other is
 * unexplained, and the test fails on it.
 *
 *   client ns: tap0 10.0.0.1 -- tender -- dns.hvt 10.0.0.2
 *              c0 10.0.1.1 ==veth== server ns: NSD 10.0.1.2
 *
 * NSD runs as the benchmark runs it (one process, minimal responses, no
 * rate limit). Every query goes to addresses in namespaces made here,
 * which are removed at the end; the run is bounded by `deadlineMs`.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { linuxPeer, SERVER_ADDR } from "../bench/linux-peer.ts";
import { tenders } from "../support/tender.ts";
import { bootImage } from "./boot.ts";
import { type Corpus, type Query } from "./corpus.ts";
import { buildQuery, describe, parseMessage, type Message } from "./message.ts";
import { explain } from "./nsd-policies.ts";

const OURS = "10.0.0.2";
/** Queries per client run: each one's index is its 16-bit id. */
const CHUNK = 60_000;

export interface Difference {
  query: Query;
  field: string;
  ours: string;
  nsd: string;
  /** Both answers, read, when both parsed (for the policies). */
  messages?: { ours: Message; nsd: Message };
}
export interface DiffSummary {
  queries: number;
  /** Policy name -> how many differences it explains. */
  explained: Record<string, number>;
  unexplained: Difference[];
  seconds: number;
}

/** Whether NSD is installed (Debian package nsd). */
export function hasNsd(): boolean {
  try {
    execFileSync("nsd", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function nsdConf(work: string, zones: string[]): string {
  return [
    "server:", `  ip-address: ${SERVER_ADDR}`, "  port: 53", '  username: ""', '  chroot: ""', `  zonesdir: "${work}/zones"`,
    '  database: ""', `  pidfile: "${work}/nsd.pid"`, `  xfrdfile: "${work}/xfrd.state"`, `  zonelistfile: "${work}/zone.list"`,
    `  logfile: "${work}/nsd.log"`, "  server-count: 1", "  verbosity: 1", "  minimal-responses: yes", "  rrl-ratelimit: 0",
    "  hide-version: yes", "  hide-identity: yes",
    "remote-control:", "  control-enable: no",
    ...zones.flatMap((z) => ["zone:", `  name: ${z}`, `  zonefile: ${z}.zone`]), "",
  ].join("\n");
}

/** The field-by-field differences between two answers to `q`. */
export function compareAnswers(q: Query, oursHex: string, nsdHex: string): Difference[] {
  if (!oursHex || !nsdHex) {
    return oursHex === nsdHex ? [] : [{ query: q, field: "presence", ours: oursHex ? "answer" : "none", nsd: nsdHex ? "answer" : "none" }];
  }
  let ours: Message;
  try { ours = parseMessage(Buffer.from(oursHex, "hex")); } catch (e) {
    return [{ query: q, field: "malformed", ours: (e as Error).message, nsd: "" }];
  }
  const nsd = parseMessage(Buffer.from(nsdHex, "hex"));
  const a = describe(ours), b = describe(nsd);
  const out: Difference[] = [];
  for (const f of ["header", "answer", "authority", "additional"] as const) {
    const x = JSON.stringify(a[f]), y = JSON.stringify(b[f]);
    if (x !== y) out.push({ query: q, field: f, ours: Array.isArray(a[f]) ? (a[f] as string[]).join(" | ") : a[f] as string, nsd: Array.isArray(b[f]) ? (b[f] as string[]).join(" | ") : b[f] as string });
  }
  if (ours.edns?.udp !== nsd.edns?.udp) out.push({ query: q, field: "edns size", ours: String(ours.edns?.udp), nsd: String(nsd.edns?.udp) });
  return out.map((d) => ({ ...d, messages: { ours, nsd } }));
}

export async function runDiff(corpus: Corpus, opts: { deadlineMs: number; log: (s: string) => void }): Promise<DiffSummary> {
  const t0 = performance.now();
  const work = mkdtempSync(path.join(tmpdir(), "nsd-diff-"));
  let nsdChild: ChildProcess | null = null;
  const peer = await linuxPeer();
  try {
    execFileSync("mkdir", ["-p", `${work}/zones`]);
    for (const [name, text] of Object.entries(corpus.files)) writeFileSync(path.join(work, "zones", name), text, "latin1");
    // NSD must take every zone, or the comparison means nothing.
    for (const z of corpus.zones) execFileSync("nsd-checkzone", [z, path.join(work, "zones", `${z}.zone`)], { stdio: "pipe" });
    writeFileSync(path.join(work, "nsd.conf"), nsdConf(work, corpus.zones));
    opts.log(`building dns.hvt with the corpus's ${corpus.zones.length} zones`);
    const built = await buildApp(path.join(root, "apps", "dns"), { outDir: path.join(work, "dist"), assetDirs: { zones: path.join(work, "zones") } });
    const nsd = peer.server.spawn(["nsd", "-d", "-c", path.join(work, "nsd.conf")]);
    nsdChild = nsd;
    let nsdOut = "";
    nsd.stdout?.setEncoding("utf8").on("data", (d: string) => (nsdOut += d));
    nsd.stderr?.setEncoding("utf8").on("data", (d: string) => (nsdOut += d));
    // On the first tender of the suite (Morgana's, unless MORGANA_TENDER names one).
    await bootImage(tenders()[0], peer.client, built.image, [`--ipv4=${OURS}/24`], /\[dns\] serving/);
    // NSD is up once it answers a query; it has 20 s, and failing to start
    // ends the run at once with what it said.
    const nsdDeadline = Date.now() + 20_000;
    for (;;) {
      const log = () => `${nsdOut}${readFileSync(path.join(work, "nsd.log"), { encoding: "utf8", flag: "a+" })}`;
      if (nsd.exitCode !== null) throw new Error(`NSD exited with ${nsd.exitCode}:\n${log()}`);
      const r = await peer.client.exec(["dig", `@${SERVER_ADDR}`, "+tries=1", "+time=1", "+short", corpus.zones[0], "SOA"], { timeoutMs: 5000 });
      if (r.stdout.trim()) break;
      if (Date.now() > nsdDeadline) throw new Error(`NSD does not answer after 20 s:\n${log()}`);
    }
    const explained: Record<string, number> = {};
    const unexplained: Difference[] = [];
    const deadline = Date.now() + opts.deadlineMs;
    // In chunks whose indexes fit the 16-bit id.
    const ask = async (qs: Query[], what: string): Promise<Record<string, string[]>> => {
      const input = path.join(work, "in.json"), output = path.join(work, "out.json");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the run passed its deadline of ${opts.deadlineMs} ms before ${what}`);
      writeFileSync(input, JSON.stringify({
        servers: [OURS, SERVER_ADDR], deadlineMs: left,
        queries: qs.map((q) => ({ hex: Buffer.from(buildQuery(q.name, q.type, { klass: q.klass, edns: q.edns, flags: ((q.opcode ?? 0) << 11) | (q.flags ?? 0) })).toString("hex"), tcp: q.tcp })),
      }));
      opts.log(`asking both servers ${what}`);
      const r = await peer.client.exec([process.execPath, path.join(root, "tests/dns/ask-client.mjs"), input, output], { timeoutMs: left + 30_000 });
      if (r.status !== 0) throw new Error(`ask-client failed: ${r.stderr}`);
      return JSON.parse(readFileSync(output, "utf8")) as Record<string, string[]>;
    };
    for (let from = 0; from < corpus.queries.length; from += CHUNK) {
      const chunk = corpus.queries.slice(from, from + CHUNK);
      const answers = await ask(chunk, `queries ${from + 1}-${from + chunk.length} of ${corpus.queries.length}`);
      // A datagram lost on a busy host (after the client's one resend) is
      // no difference between the servers: those queries are asked again,
      // once; a server that stopped answering stays silent then too.
      const lost = chunk.map((_, i) => i).filter((i) => !answers[OURS][i] || !answers[SERVER_ADDR][i]);
      if (lost.length) {
        const again = await ask(lost.map((i) => chunk[i]), `again the ${lost.length} queries one of them did not answer`);
        lost.forEach((i, k) => {
          answers[OURS][i] = answers[OURS][i] || again[OURS][k];
          answers[SERVER_ADDR][i] = answers[SERVER_ADDR][i] || again[SERVER_ADDR][k];
        });
      }
      chunk.forEach((q, i) => {
        for (const d of compareAnswers(q, answers[OURS][i], answers[SERVER_ADDR][i])) {
          const policy = explain(d);
          if (policy) explained[policy] = (explained[policy] ?? 0) + 1;
          else unexplained.push(d);
        }
      });
    }
    return { queries: corpus.queries.length, explained, unexplained, seconds: (performance.now() - t0) / 1000 };
  } finally {
    if (nsdChild?.pid !== undefined && nsdChild.exitCode === null) process.kill(nsdChild.pid, "SIGTERM");
    await peer.client.destroy();
    await peer.server.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

/** One line per difference, for a failing test's message. */
export function formatDifference(d: Difference): string {
  const q = d.query;
  return `${q.name} ${q.type}${q.klass ? ` class ${q.klass}` : ""}${q.opcode ? ` opcode ${q.opcode}` : ""}${q.flags ? ` flags 0x${q.flags.toString(16)}` : ""}${q.edns ? ` edns ${q.edns.udp}${q.edns.do ? " do" : ""}` : ""}${q.tcp ? " tcp" : ""}: ${d.field}\n    ours: ${d.ours}\n    nsd:  ${d.nsd}`;
}
