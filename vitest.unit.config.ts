import { defineConfig } from "vitest/config";
import { workers } from "./vitest.config.ts";

// `npm run test:unit`: every test that needs neither gcc nor KVM (wire
// formats, the stack and protocols under the Node harness, the compile and
// optimise stages, the lowering's C shape), so no image is built first.
// A file belongs here when it runs on a machine with Node alone.
export default defineConfig({
  test: {
    include: [
      "tests/wire/**/*.test.ts",
      "tests/net/**/*.test.ts",
      "tests/tcp/**/*.test.ts",
      "tests/http/**/*.test.ts",
      "tests/harness/**/*.test.ts",
      "tests/x509/**/*.test.ts",
      "tests/tlsclient/{hostile,loop}.test.ts",
      "tests/platform/**/*.test.ts",
      "tests/dns/{dhcp-client,dhcp-wire,dns-wire,resolver,server}.test.ts",
      "tests/lower/{codegen,refuse}.test.ts",
      "tests/boot/manifest.test.ts",
      "tests/toolchain/{compile,optimise,typecheck,messages,warnings}.test.ts",
    ],
    // tcpdump.test.ts reads a capture back with tcpdump: a Linux tool, not gcc.
    testTimeout: 120_000,
    pool: "forks",
    // One module graph per worker, not per file: each file would otherwise
    // load the AssemblyScript compiler and binaryen again (measured side by
    // side on the loaded 2-core machine: 61 s of CPU and 117 s against
    // 27 s and 34 s). No unit test mocks modules or keeps state across files.
    isolate: false,
    maxWorkers: workers,
    reporters: ["default"],
  },
});
