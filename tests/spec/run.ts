/**
 * The spec suite from the command line, outside vitest, for working on the
 * lowering: `node toolchain/bin/run-ts.mjs tests/spec/run.ts [FILE...]`
 * runs the named files of ../shared/wasm-spec (all without names) and
 * prints a line per file and the first failures (SHOW=N for more).
 */
import { runSpecFile, specFiles } from "./runner.ts";
const names = process.argv.slice(2).length ? process.argv.slice(2) : specFiles();
let tp = 0, tf = 0, ts = 0;
for (const n of names) {
  const t0 = Date.now();
  const r = await runSpecFile(n);
  tp += r.passed; tf += r.failed; ts += r.skipped;
  console.log(`${n.padEnd(28)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${String(r.skipped).padStart(4)} skipped  ${Date.now() - t0}ms`);
  const fails = r.verdicts.filter((v) => v.outcome === "failed");
  for (const v of fails.slice(0, Number(process.env.SHOW ?? 5))) console.log(`    line ${v.line} ${v.type}: ${v.why?.slice(0, 300)}`);
}
console.log(`TOTAL ${tp} passed ${tf} failed ${ts} skipped`);
