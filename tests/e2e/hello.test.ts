/**
 * The pipeline's headline: apps/hello, built by `npm run build` (here by the
 * global setup), boots under the tender ($MORGANA_TENDER or ours), prints a
 * greeting, its command line and the wall-clock time, and exits with 0.
 */
import { describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { hasKvm, runImage, warnNoKvm } from "../support/tender.ts";

warnNoKvm("hello end-to-end");

describe.skipIf(!hasKvm)("hello.hvt", () => {
  test("greets, echoes its arguments, tells the time and exits with 0", async () => {
    const before = Date.now();
    const r = await runImage(appImage("hello"), { args: ["alpha", "beta"] });
    const after = Date.now();
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toContain("Hello from Morgana!");
    expect(lines).toContain("command line: alpha beta");
    const clock = lines.find((l) => l.startsWith("wall clock: "));
    expect(clock).toMatch(/^wall clock: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const t = Date.parse(clock!.slice("wall clock: ".length));
    // The guest's clock is the host's, read during the run (ms resolution).
    expect(t).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(t).toBeLessThanOrEqual(after + 1000);
  });

  test("with no arguments the command line is empty", async () => {
    const r = await runImage(appImage("hello"));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("command line: \n");
  });
});
