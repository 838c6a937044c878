/**
 * The pipeline's headline: apps/hello, built by `npm run build` (here by the
 * global setup), boots under every tender of the smoke set (ours, the real
 * solo5-hvt 0.12.1 and 0.9.3), prints a greeting, its command line and the
 * wall-clock time, and exits with 0.
 */
import { describe, expect, test } from "vitest";
import { appImage } from "../support/images.ts";
import { runImage, skipReason, tenders } from "../support/tender.ts";

for (const tender of tenders("smoke")) describe.skipIf(!!skipReason("hello end-to-end", tender))(`hello on ${tender.name}`, () => {
  const image = appImage("hello", tender.target);

  test("greets, echoes its arguments, tells the time and exits with 0", async () => {
    const before = Date.now();
    const r = await runImage(image, { tender: tender.path, args: ["alpha", "beta"] });
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
    const r = await runImage(image, { tender: tender.path });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("command line: \n");
  });
});
