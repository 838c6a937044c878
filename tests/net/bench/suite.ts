/**
 * The "net" benchmark suite: what libos/net's answer path costs over a
 * hand-written C responder (responder.c), both booted under the tender on
 * a tap in a namespace of their own, asked by Linux: ICMP echo (ping -f, 56
 * and 1472 bytes) and UDP echo (udprtt.c, 64 bytes, one datagram at a
 * time). Each image runs both ways the tender can move frames (net rings,
 * and one hypercall per frame: tests/bench/netpaths.ts). Rounds alternate
 * between the images and paths so that drift on a shared machine hits all
 * alike; the table shows the median of the rounds, and the tender's exit
 * counts (--x-exit-stats) per exchange.
 *
 * Run: node toolchain/bin/run-ts.mjs tests/net/bench/run.ts [--rounds N]
 * (or `npm run bench -- net` once listed in tests/bench/index.ts). Needs
 * root, /dev/kvm, cc, ping.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { buildApp } from "../../../toolchain/build/index.ts";
import { link } from "../../../toolchain/link/index.ts";
import { root } from "../../../toolchain/root.ts";
import { createNetns, type Netns } from "../../support/netns.ts";
import type { Suite, SuiteContext, Table } from "../../bench/suite.ts";
import { netPaths, stopCounting, type NetPath } from "../../bench/netpaths.ts";

const here = path.join(root, "tests/net/bench");
const out = path.join(root, "build/bench/net");

interface Image {
  name: string;
  path: string;
  ready: RegExp;
}

/** Boot `image` in `ns`; resolves once it prints its ready line. Its
 * stderr collects in `stderr` (the exit counts, at the end). */
async function boot(ns: Netns, image: Image, path: NetPath): Promise<{ child: ChildProcess; stderr: () => string }> {
  const stats = path.bundled ? ["--x-exit-stats"] : [];
  const child = ns.spawn([path.tender, "--mem=64", `--net:service=${ns.tap}`, ...stats, ...path.tenderArgs, "--", image.path, ...path.guestArgs]);
  let text = "";
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${image.name} not ready: ${text}`)), 10_000);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      text += d;
      if (image.ready.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("close", () => reject(new Error(`${image.name} exited: ${text}${err}`)));
  });
  return { child, stderr: () => err };
}

/** Average round trip in µs of a flood ping, checking every reply came. */
async function ping(ns: Netns, size: number, count: number): Promise<number> {
  const r = await ns.exec(["ping", "-q", "-f", "-c", String(count), "-s", String(size), "10.0.0.2"], { timeoutMs: 60_000 });
  if (!r.stdout.includes(`${count} packets transmitted, ${count} received`)) throw new Error(`ping -s ${size}: ${r.stdout}`);
  const m = /= [\d.]+\/([\d.]+)\//.exec(r.stdout);
  if (!m) throw new Error(`ping: no rtt in ${r.stdout}`);
  return Number(m[1]) * 1000;
}

async function udp(ns: Netns, tool: string, size: number, count: number): Promise<number> {
  const r = await ns.exec([tool, "10.0.0.2", "7", String(size), String(count)], { timeoutMs: 60_000 });
  const m = /sent (\d+) received (\d+) avg_us ([\d.]+)/.exec(r.stdout);
  if (!m || m[1] !== m[2]) throw new Error(`udprtt: ${r.stdout}${r.stderr}`);
  return Number(m[3]);
}

/** Echoes a second with WINDOW datagrams in flight; throws if many were lost. */
async function udpRate(ns: Netns, tool: string, size: number, count: number, window: number): Promise<number> {
  const r = await ns.exec([tool, "10.0.0.2", "7", String(size), String(count), String(window)], { timeoutMs: 120_000 });
  const m = /sent (\d+) received (\d+) lost (\d+) seconds [\d.]+ rate (\d+)/.exec(r.stdout);
  if (!m || Number(m[2]) < 0.99 * Number(m[1])) throw new Error(`udprate: ${r.stdout}${r.stderr}`);
  return Number(m[4]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const net: Suite = {
  name: "net",
  about: "libos/net's answer path against a hand-written C responder (ping, UDP echo)",
  async run(ctx: SuiteContext): Promise<Table[]> {
    mkdirSync(out, { recursive: true });
    ctx.log("net: building echo.hvt, the C responder, udprtt and udprate");
    const echo = await buildApp(path.join(root, "apps/echo"), { outDir: out });
    const responder = await link({
      appC: path.join(here, "responder.c"),
      devices: [{ name: "service", type: "net" }],
      out: path.join(out, "responder.hvt"),
      buildDir: path.join(out, "responder-obj"),
    });
    const udprtt = path.join(out, "udprtt");
    execFileSync("cc", ["-O2", "-o", udprtt, path.join(here, "udprtt.c")]);
    const udprate = path.join(out, "udprate");
    execFileSync("cc", ["-O2", "-o", udprate, path.join(here, "udprate.c")]);
    const images: Image[] = [
      { name: "C responder", path: responder.image, ready: /responder ready/ },
      { name: "echo.hvt", path: echo.image, ready: /echoing UDP/ },
    ];
    // The issue asks for the mean of a flood of at least 10,000 pings.
    const COUNT = 10_000;
    const RATE_COUNT = 50_000;
    const tests = [
      { name: "ICMP echo 56 B, mean µs (ping -f)", run: (ns: Netns) => ping(ns, 56, COUNT), exchanges: COUNT },
      { name: "ICMP echo 1472 B, mean µs (ping -f)", run: (ns: Netns) => ping(ns, 1472, COUNT), exchanges: COUNT },
      { name: "UDP echo 64 B, mean µs (one at a time)", run: (ns: Netns) => udp(ns, udprtt, 64, COUNT), exchanges: COUNT },
      { name: "UDP echo 64 B, echoes/s (32 in flight)", run: (ns: Netns) => udpRate(ns, udprate, 64, RATE_COUNT, 32), exchanges: RATE_COUNT },
    ];
    // The hand-written responders are hvt guests: the hvt tenders only.
    const paths = netPaths().filter((p) => p.target === "hvt");
    const configs = paths.flatMap((p) => images.map((image) => ({ image, path: p, name: `${image.name}, ${p.name}` })));
    const rounds = ctx.rounds ?? 5;
    const results = tests.map(() => configs.map(() => [] as number[]));
    const exitCounts = configs.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) {
      for (const [i, config] of configs.entries()) {
        const ns = await createNetns();
        try {
          const { child, stderr } = await boot(ns, config.image, config.path);
          for (const [t, test] of tests.entries()) results[t][i].push(await test.run(ns));
          const n = await stopCounting(child, stderr);
          if (n !== undefined) exitCounts[i].push(n / tests.reduce((a, t) => a + t.exchanges, 0));
        } finally {
          await ns.destroy();
        }
        ctx.log(`net: round ${r + 1}/${rounds} ${config.name} done`);
      }
    }
    const rows = tests.map((t, k) => [t.name, ...results[k].map((xs) => median(xs).toFixed(1))]);
    if (exitCounts.every((xs) => xs.length > 0))
      rows.push(["exits per exchange (all rows)", ...exitCounts.map((xs) => median(xs).toFixed(2))]);
    const notes = [
      `${rounds} rounds, alternating images and paths; medians of the rounds. Each round: ${COUNT} pings per ping row, ${COUNT} UDP round trips, ${RATE_COUNT} datagrams with 32 in flight.`,
      `images: echo.hvt ${echo.bytes} bytes, the C responder ${responder.bytes} bytes.`,
    ];
    if (paths.length > 1)
      notes.push("net rings: frames through rings in guest memory, moved by the tender in the poll hypercall; hypercalls: --x-no-net-rings, one exit per frame as on solo5-hvt.");
    for (const [k, t] of tests.entries()) {
      const cells = configs.map((c, i) => ({ c, v: median(results[k][i]) }));
      for (const image of images) {
        const [a, b] = cells.filter((x) => x.c.image === image);
        if (a && b) notes.push(`${t.name}: ${image.name} ${a.c.path.name} / ${b.c.path.name}: ${(a.v / b.v).toFixed(2)}x`);
      }
    }
    return [{
      title: "net: echo.hvt against a C responder, asked by Linux over a tap (median of rounds)",
      head: ["exchange", ...configs.map((c) => c.name)],
      rows,
      notes,
    }];
  },
};
