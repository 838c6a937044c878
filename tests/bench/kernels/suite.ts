/**
 * The lowering benchmark (issue 3): every kernel in list.ts, native, as
 * clang's Wasm lowered by Morgana, as the same Wasm under V8, and as the
 * AssemblyScript version lowered and under V8. Runs are interleaved: each
 * round runs every variant of every kernel once (one process: an untimed
 * call, then 3 timed calls), so load from elsewhere on the machine falls
 * on all variants alike; a variant's time is its best call over all
 * rounds. Every call's checksum is compared with the kernel's: a wrong
 * answer stops the suite.
 */
import path from "node:path";
import { run } from "../exec.ts";
import { geomean, median, minimum, ms, ratio } from "../stats.ts";
import type { Suite, Table } from "../suite.ts";
import { buildKernel, kernelDir, type KernelBuild } from "./build.ts";
import { kernelList, type Kernel } from "./list.ts";

const CALLS = 3;

interface Variant {
  name: string;
  command(b: KernelBuild): [string, string[]];
}

const v8 = (wasm: (b: KernelBuild) => string): Variant["command"] => (b) => [
  process.execPath, ["--no-liftoff", path.join(kernelDir, "v8-run.mjs"), wasm(b), String(CALLS)],
];

const variants: Variant[] = [
  { name: "native", command: (b) => [b.native, [String(CALLS)]] },
  { name: "lowered", command: (b) => [b.lowered, [String(CALLS)]] },
  { name: "V8", command: v8((b) => b.wasm) },
  { name: "AS lowered", command: (b) => [b.asLowered, [String(CALLS)]] },
  { name: "AS V8", command: v8((b) => b.asWasm) },
];

async function measure(k: Kernel, b: KernelBuild, v: Variant): Promise<number[]> {
  const [cmd, args] = v.command(b);
  const { stdout } = await run(cmd, args);
  const lines = stdout.trim().split("\n");
  if (lines.length !== CALLS) throw new Error(`${k.name} ${v.name}: expected ${CALLS} result lines, got:\n${stdout}`);
  return lines.map((l) => {
    const [sum, ns] = l.split(" ").map(Number);
    if (sum !== k.expect) throw new Error(`${k.name} ${v.name}: checksum ${sum}, expected ${k.expect}`);
    return ns;
  });
}

export const kernels: Suite = {
  name: "kernels",
  about: "compute kernels: native vs lowered vs V8, C and AssemblyScript (issue 3)",
  async run(ctx) {
    const rounds = ctx.rounds ?? 5;
    const builds = new Map<string, KernelBuild>();
    for (const k of kernelList) {
      ctx.log(`building ${k.name}`);
      builds.set(k.name, await buildKernel(k.name));
    }
    const times = new Map<string, number[]>(); // "kernel/variant" -> ns of every call
    for (let r = 0; r < rounds; r++) {
      ctx.log(`round ${r + 1} of ${rounds}`);
      for (const k of kernelList) {
        for (const v of variants) {
          const key = `${k.name}/${v.name}`;
          times.set(key, [...(times.get(key) ?? []), ...(await measure(k, builds.get(k.name)!, v))]);
        }
      }
    }
    const best = (k: Kernel, v: string) => minimum(times.get(`${k.name}/${v}`)!);
    const typical = (k: Kernel, v: string) => median(times.get(`${k.name}/${v}`)!);
    const rel = (v: string) => kernelList.map((k) => best(k, v) / best(k, "native"));
    const head = ["kernel", "native ms"];
    for (const v of variants.slice(1)) head.push(`${v.name} ms`, "/native");
    head.push("lowered/V8", "(medians)");
    const rows = kernelList.map((k) => {
      const row = [k.name, ms(best(k, "native"))];
      for (const v of variants.slice(1)) row.push(ms(best(k, v.name)), ratio(best(k, v.name) / best(k, "native")));
      row.push(ratio(best(k, "lowered") / best(k, "V8")), ratio(typical(k, "lowered") / typical(k, "V8")));
      return row;
    });
    const gm = ["geomean", ""];
    for (const v of variants.slice(1)) gm.push("", ratio(geomean(rel(v.name))));
    gm.push(
      ratio(geomean(kernelList.map((k) => best(k, "lowered") / best(k, "V8")))),
      ratio(geomean(kernelList.map((k) => typical(k, "lowered") / typical(k, "V8")))),
    );
    rows.push(gm);
    const loweredGm = geomean(rel("lowered"));
    const slower = kernelList.filter((k) => best(k, "lowered") >= best(k, "V8")).map((k) => k.name);
    const table: Table = {
      title: `Compute kernels: best of ${rounds} interleaved rounds x ${CALLS} calls, every checksum verified`,
      head,
      rows,
      notes: [
        `native: gcc -O2. lowered: clang wasm32 -O2 -> morgana lower -> gcc -O2 (guard pages, memory 0 at a link-time address as in the unikernel). Both not PIE, as a unikernel is built. V8: Node ${process.version} --no-liftoff.`,
        `AS: the same kernels in AssemblyScript (tests/bench/kernels/as/), morgana compile + optimise, then lowered or run by V8.`,
        `(medians): the same ratio from the median call of each instead of the best, to show how much noise there is.`,
        `target lowered/native geomean <= 1.25x: ${loweredGm <= 1.25 ? "met" : "MISSED"} (${ratio(loweredGm)})`,
        `target lowered faster than V8 on every kernel: ${slower.length ? `MISSED on ${slower.join(", ")}` : "met"}`,
      ],
    };
    const about: Table = {
      title: "Kernels",
      head: ["kernel", "work"],
      rows: kernelList.map((k) => [k.name, k.about]),
    };
    return [table, about];
  },
};
