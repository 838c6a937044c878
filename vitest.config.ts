import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Tests that boot images or build C programs are slow and some need root
// (KVM, network namespaces); they run in files of their own, and vitest
// runs files side by side: every network test makes namespaces of its own
// with random names, so no two files share one. vitest's default for a run
// is one worker less than the cores, a single worker on a 2-core machine,
// while these files mostly wait on tenders, peers and timers: one worker
// more than the cores (3 on 2 cores: npm test 694 s with 2 workers on a
// fresh clone here, its files' own times summing to 1,029 s).
// MORGANA_TEST_WORKERS overrides the count.
export const workers = Number(process.env.MORGANA_TEST_WORKERS) || Math.max(3, availableParallelism() + 1);

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Builds the tender and every image the end-to-end tests boot, once
    // (through the build cache: an unchanged image costs nothing).
    globalSetup: ["tests/setup/build-images.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: workers,
    // The JSON report is what .ci/run reads for its summary line.
    reporters: ["default", "json"],
    outputFile: { json: "build/vitest-report.json" },
  },
});
