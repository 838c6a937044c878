/**
 * Issue 2's benchmark: apps/hello's image size, its build time, and the
 * wall time of a boot, from the tender's start to its exit, over many
 * boots. A boot is compared with a trivial guest that halts at once
 * (tests/tender/guests, command "exit 0"), booted by the same tender,
 * interleaved with it: the difference is what hello itself costs.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { appImage } from "../support/images.ts";
import { hasKvm, runImage, tenders } from "../support/tender.ts";
import { buildGuest } from "../tender/guests/build.ts";
import { root } from "../../toolchain/root.ts";
import { run } from "./exec.ts";
import { median, minimum, us } from "./stats.ts";
import type { Suite, Table } from "./suite.ts";

const tender = path.join(root, "dist/morgana-hvt");
const image = path.join(root, "dist/hello.hvt");

async function timedBuild(): Promise<{ ms: number; out: string }> {
  const t0 = performance.now();
  const { stdout } = await run(process.execPath, [path.join(root, "toolchain/bin/morgana.mjs"), "build", "--target", "hvt", "--app", "hello", "--no-cache"]);
  return { ms: performance.now() - t0, out: stdout };
}

/** One boot through spawn-time: [exit status, ns]. */
async function boot(timer: string, kernel: string, args: string[], by = tender): Promise<number> {
  const { stdout } = await run(timer, [by, "--", kernel, ...args]);
  const [status, ns] = stdout.trim().split(" ").map(Number);
  if (status !== 0) throw new Error(`${kernel} ${args.join(" ")}: exit status ${status}`);
  return ns;
}

export const hello: Suite = {
  name: "hello",
  about: "apps/hello: image size, build time, boot time against a trivial guest (issue 2)",
  async run(ctx) {
    const builds = ctx.rounds ? Math.min(ctx.rounds, 5) : 3;
    const boots = Math.max(ctx.rounds ?? 0, 30);
    const buildMs: number[] = [];
    let stages = "";
    for (let i = 0; i < builds; i++) {
      ctx.log(`build ${i + 1} of ${builds}`);
      const b = await timedBuild();
      buildMs.push(b.ms);
      stages = b.out;
    }
    const bytes = statSync(image).size;
    const tables: Table[] = [{
      title: "apps/hello: image and build",
      head: ["what", "value"],
      rows: [
        ["dist/hello.hvt bytes", String(bytes)],
        [`build time, median of ${builds} (ms)`, (median(buildMs)).toFixed(0)],
        ["build time, fastest (ms)", minimum(buildMs).toFixed(0)],
      ],
      notes: [
        `target: image under 100 KB (102400 bytes): ${bytes < 102400 ? "met" : "MISSED"}`,
        `build = \`morgana build --target hvt --app hello --no-cache\` as a whole (node start, tender up to date, all stages); its last stage lines:`,
        ...stages.trimEnd().split("\n").filter((l) => /compile|optimise|lower|link/.test(l)).map((l) => `  ${l.trim()}`),
      ],
    }];
    if (!hasKvm) {
      tables[0].notes!.push("boot times: skipped, /dev/kvm is not available on this machine");
      return tables;
    }
    const check = await runImage(image, { tender, args: ["alpha"] });
    if (check.status !== 0 || !check.stdout.includes("Hello from Morgana!")) {
      throw new Error(`hello did not greet and exit 0: status ${check.status}\n${check.stdout}${check.stderr}`);
    }
    const timer = path.join(root, "build/bench/spawn-time");
    await run("gcc", ["-O2", "-o", timer, path.join(root, "tests/bench/spawn-time.c")]);
    const trivial = await buildGuest("bench-trivial");
    const h: number[] = [];
    const t: number[] = [];
    ctx.log(`${boots} boots of each, interleaved`);
    for (let i = 0; i < boots; i++) {
      h.push(await boot(timer, image, []));
      t.push(await boot(timer, trivial, ["exit", "0"]));
    }
    tables.push({
      title: `Boot: tender start to exit, ${boots} boots each, interleaved (µs)`,
      head: ["guest", "median", "fastest", "slowest"],
      rows: [
        ["hello.hvt", us(median(h)), us(minimum(h)), us(Math.max(...h))],
        ["trivial guest (halts at once)", us(median(t)), us(minimum(t)), us(Math.max(...t))],
        ["hello - trivial", us(median(h) - median(t)), us(minimum(h) - minimum(t)), ""],
      ],
      notes: [
        `tender: dist/morgana-hvt; timed by tests/bench/spawn-time.c (fork, exec, wait), output discarded.`,
        // boot() gives nanoseconds; "well under a millisecond" read as at most half of one.
        `what hello itself costs: ${us(median(h) - median(t))} µs (median difference); target well under 1000 µs (here: at most 500): ${median(h) - median(t) <= 500_000 ? "met" : "MISSED"}`,
      ],
    });
    // The same boot on every target and tender the suite runs under.
    const rows: string[][] = [];
    for (const t of tenders("smoke").filter((x) => !x.missing)) {
      const n: number[] = [];
      for (let i = 0; i < boots; i++) n.push(await boot(timer, appImage("hello", t.target), [], t.path));
      rows.push([`hello.${t.target} on ${t.name}`, us(median(n)), us(minimum(n)), us(Math.max(...n))]);
    }
    tables.push({
      title: `Boot on each tender: start to exit, ${boots} boots each, default --mem (µs)`,
      head: ["image on tender", "median", "fastest", "slowest"],
      rows,
      notes: ["solo5-hvt and solo5-spt built from ../shared/solo5 (tests/support/solo5.ts); hello prints three lines and exits"],
    });
    return tables;
  },
};
