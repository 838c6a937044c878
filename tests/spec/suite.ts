/**
 * The official WebAssembly spec suite (../shared/wasm-spec), every non-SIMD
 * file, through the lowering and gcc, with guard-page bounds checks (the
 * default) and, for the files about memory, with explicit checks too.
 * Text-format assert_malformed modules are out of scope and counted as
 * skipped; every other command must pass.
 *
 * The suite is cut into SHARDS test files (spec-K.test.ts, each calling
 * specShard(K)), every Nth spec file in each, so vitest runs them on
 * several cores at once; spec files differ in size, so taking every Nth
 * rather than a consecutive run keeps the shards about even.
 */
import { afterAll, describe, expect, test } from "vitest";
import { runSpecFile, specDir, specFiles, type FileResult } from "./runner.ts";

export const SHARDS = 4;

export function specShard(shard: number): void {
  const files = specFiles().filter((_, i) => i % SHARDS === shard);
  const results: FileResult[] = [];

  if (files.length === 0) {
    console.warn(`\n*** SKIPPED: the Wasm spec suite is not at ${specDir}; the conformance tests did not run. ***\n`);
  }

  /** Files whose subject is memory access, run again with explicit checks. */
  const explicitToo = ["address", "memory", "memory_trap", "memory_grow", "memory_copy", "memory_fill", "memory_init", "float_memory", "load", "store", "align", "endianness"];

  describe.skipIf(files.length === 0)(`wasm spec suite, shard ${shard + 1} of ${SHARDS}`, () => {
    for (const name of files) {
      test(name, async () => {
        const r = await runSpecFile(name);
        results.push(r);
        const failed = r.verdicts.filter((v) => v.outcome === "failed").map((v) => `line ${v.line} ${v.type}: ${v.why}`);
        expect(failed).toEqual([]);
        const skippedForOtherReasons = r.verdicts.filter((v) => v.outcome === "skipped" && !v.why?.startsWith("text format"));
        expect(skippedForOtherReasons).toEqual([]);
      });
    }
    for (const name of explicitToo.filter((n) => files.includes(n))) {
      test(`${name} (explicit bounds checks)`, async () => {
        const r = await runSpecFile(name, { cflags: ["-DWRT_BOUNDS_EXPLICIT"], buildDir: "build/spec-explicit" });
        const failed = r.verdicts.filter((v) => v.outcome === "failed").map((v) => `line ${v.line} ${v.type}: ${v.why}`);
        expect(failed).toEqual([]);
      });
    }
  });

  afterAll(() => {
    if (results.length === 0) return;
    const rows = results.map((r) => `${r.name.padEnd(26)} ${String(r.passed).padStart(6)} ${String(r.failed).padStart(6)} ${String(r.skipped).padStart(7)}`);
    const total = results.reduce((a, r) => ({ p: a.p + r.passed, f: a.f + r.failed, s: a.s + r.skipped }), { p: 0, f: 0, s: 0 });
    console.log(
      [
        `${"file".padEnd(26)} ${"passed".padStart(6)} ${"failed".padStart(6)} skipped`,
        ...rows,
        `${"total".padEnd(26)} ${String(total.p).padStart(6)} ${String(total.f).padStart(6)} ${String(total.s).padStart(7)}`,
        `skipped: text-format assert_malformed modules (out of scope: the lowering reads binary modules)`,
      ].join("\n"),
    );
  });
}
