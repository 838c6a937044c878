/**
 * The "net" benchmark suite: what libos/net's answer path costs over a
 * hand-written C responder (responder.c), both booted under the tender on
 * a tap in a namespace of their own, asked by Linux: ICMP echo (ping -f, 56
 * and 1472 bytes) and UDP echo (udprtt.c, 64 bytes, one datagram at a
 * time). Rounds alternate between the two images so that drift on a shared
 * machine hits both alike; the table shows the median of the rounds.
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
import { tenderPath } from "../../support/tender.ts";
import type { Suite, SuiteContext, Table } from "../../bench/suite.ts";

const here = path.join(root, "tests/net/bench");
const out = path.join(root, "build/bench/net");

interface Image {
  name: string;
  path: string;
  ready: RegExp;
}

/** Boot `image` in `ns`; resolves once it prints its ready line. */
async function boot(ns: Netns, image: Image): Promise<ChildProcess> {
  const tender = await tenderPath();
  const child = ns.spawn([tender, "--mem=64", `--net:service=${ns.tap}`, "--", image.path]);
  let text = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${image.name} not ready: ${text}`)), 10_000);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      text += d;
      if (image.ready.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("close", () => reject(new Error(`${image.name} exited: ${text}`)));
  });
  return child;
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const net: Suite = {
  name: "net",
  about: "libos/net's answer path against a hand-written C responder (ping, UDP echo)",
  async run(ctx: SuiteContext): Promise<Table[]> {
    mkdirSync(out, { recursive: true });
    ctx.log("net: building echo.hvt, the C responder and udprtt");
    const echo = await buildApp(path.join(root, "apps/echo"), { outDir: out });
    const responder = await link({
      appC: path.join(here, "responder.c"),
      devices: [{ name: "service", type: "net" }],
      out: path.join(out, "responder.hvt"),
      buildDir: path.join(out, "responder-obj"),
    });
    const udprtt = path.join(out, "udprtt");
    execFileSync("cc", ["-O2", "-o", udprtt, path.join(here, "udprtt.c")]);
    const images: Image[] = [
      { name: "C responder", path: responder.image, ready: /responder ready/ },
      { name: "echo.hvt (libos/net)", path: echo.image, ready: /echoing UDP/ },
    ];
    const tests = [
      { name: "ICMP echo, 56 bytes", run: (ns: Netns) => ping(ns, 56, 5000) },
      { name: "ICMP echo, 1472 bytes", run: (ns: Netns) => ping(ns, 1472, 5000) },
      { name: "UDP echo, 64 bytes", run: (ns: Netns) => udp(ns, udprtt, 64, 5000) },
    ];
    const rounds = ctx.rounds ?? 5;
    const results = tests.map(() => images.map(() => [] as number[]));
    for (let r = 0; r < rounds; r++) {
      for (const [i, image] of images.entries()) {
        const ns = await createNetns();
        try {
          await boot(ns, image);
          for (const [t, test] of tests.entries()) results[t][i].push(await test.run(ns));
        } finally {
          await ns.destroy();
        }
        ctx.log(`net: round ${r + 1}/${rounds} ${image.name} done`);
      }
    }
    const rows = tests.map((t, k) => {
      const [c, ours] = results[k].map(median);
      return [t.name, c.toFixed(1), ours.toFixed(1), `${(ours - c >= 0 ? "+" : "")}${(ours - c).toFixed(1)}`,
        `${((ours / c - 1) * 100).toFixed(1)}%`];
    });
    return [{
      title: "net: round trip from Linux over a tap, µs (median of rounds)",
      head: ["exchange", "C responder", "echo.hvt", "difference", "relative"],
      rows,
      notes: [`${rounds} rounds, alternating images; each round 5000 exchanges per row, one at a time.`],
    }];
  },
};
