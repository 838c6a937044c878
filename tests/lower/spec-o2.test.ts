/**
 * The spec files about traps and memory access again, compiled at -O2 as
 * benchmarks and images are (the spec suite itself uses -O1 to keep gcc
 * fast on its thousands of modules). What gcc may delete, narrow or move
 * depends on the optimisation level, and with guard pages a deleted load
 * is a lost trap: this is where the lowering's keeping of loaded values
 * (c/function.ts, "pending") is checked against the optimiser that matters.
 * -fno-optimize-sibling-calls is one of the flags generated code needs: at
 * -O2 gcc turns endless recursion through a tail call into an endless loop,
 * and assert_exhaustion would hang instead of trapping.
 */
import { describe, expect, test } from "vitest";
import { runSpecFile, specFiles } from "../spec/runner.ts";

const files = ["traps", "memory_trap", "address", "load", "float_memory", "memory", "endianness", "call_indirect", "conversions"];
const present = specFiles();

describe.skipIf(present.length === 0)("spec files at -O2", () => {
  for (const name of files.filter((f) => present.includes(f))) {
    test(name, async () => {
      const r = await runSpecFile(name, { cflags: ["-O2", "-fno-optimize-sibling-calls"], buildDir: "build/spec-o2" });
      const failed = r.verdicts.filter((v) => v.outcome === "failed").map((v) => `line ${v.line} ${v.type}: ${v.why}`);
      expect(failed).toEqual([]);
      expect(r.passed).toBeGreaterThan(0);
    });
  }
});
