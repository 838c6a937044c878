import { defineConfig } from "vitest/config";

// Tests that boot images or build C programs are slow and some need root
// (KVM, network namespaces); they run in files of their own so that vitest
// can spread them over the machine's cores.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Builds the tender and every image the end-to-end tests boot, once.
    globalSetup: ["tests/setup/build-images.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    // The JSON report is what .ci/run reads for its summary line.
    reporters: ["default", "json"],
    outputFile: { json: "build/vitest-report.json" },
  },
});
