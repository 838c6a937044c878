// A TlsServer refuses to start when keys could only come from timing
// jitter (libos/tls/entropy.ts), unless --tls-weak-entropy accepts the
// risk. In the Node harness, whose entropySource import plays each source
// (HarnessOptions.entropySource: 0 jitter, 1 RDRAND, 4 the harness's own
// seeded generator). Under the real tenders the source is RDRAND:
// tests/platform/entropy.test.ts.
import { beforeAll, describe, expect, test } from "vitest";
import { Harness } from "../harness/index.ts";
import { configInput, makeCert, type TestCert } from "./support.ts";

const ENTRY = "tests/tls/as/server.ts";
const REFUSAL = "tls: refusing to start: the only entropy source is timing jitter (no working RDRAND or RDSEED), not fit for keys; " +
  "run it on a CPU with RDRAND or RDSEED, or boot with --tls-weak-entropy to accept guessable keys (development only)\n";
let cert: TestCert;

beforeAll(() => {
  cert = makeCert(["localhost"]);
});

async function makeServer(entropySource: number, cmdline = ""): Promise<Harness> {
  const h = await Harness.start(ENTRY, { entropySource, cmdline });
  h.input(configInput(cert, ["localhost"]));
  h.call("configure");
  h.call("makeServer");
  return h;
}

describe("TLS and the entropy source", () => {
  test.each([["RDRAND", 1], ["RDSEED found by probing", 0x102], ["the harness's seeded generator", 4]])(
    "starts on %s", async (_name, source) => {
      const h = await makeServer(source);
      expect(h.exitStatus).toBeNull();
      expect(h.console).toBe("");
    });

  test("refuses to start on timing jitter alone, with one line saying what to do (exit status 1)", async () => {
    const h = await makeServer(0);
    expect(h.exitStatus).toBe(1);
    expect(h.console).toBe(REFUSAL);
  });

  test("starts on jitter with --tls-weak-entropy, warning that keys may be guessed", async () => {
    const h = await makeServer(0, "--tls-weak-entropy");
    expect(h.exitStatus).toBeNull();
    expect(h.console).toMatch(/WARN  \[tls\] --tls-weak-entropy: keys come from timing jitter, which an attacker may guess\n$/);
  });
});
