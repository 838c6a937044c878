// Runs the net benchmark suite alone and prints its table:
//   node toolchain/bin/run-ts.mjs tests/net/bench/run.ts [--rounds N]
import { net } from "./suite.ts";

const i = process.argv.indexOf("--rounds");
const rounds = i > 0 ? Number(process.argv[i + 1]) : undefined;
for (const t of await net.run({ log: (l) => console.error(l), rounds })) {
  const widths = t.head.map((h, c) => Math.max(h.length, ...t.rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join("  ");
  console.log([t.title, line(t.head), widths.map((w) => "-".repeat(w)).join("  "), ...t.rows.map(line), ...(t.notes ?? [])].join("\n"));
}
