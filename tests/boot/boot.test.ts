/**
 * Boot tests under KVM: each hand-written app is linked by the real link
 * stage and booted by the tender; the test reads its console and exit
 * status.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { hasKvm, runImage, hvtTenders, skipReason, warnNoKvm } from "../support/tender.ts";
import { buildApp } from "./build.ts";

warnNoKvm("tests/boot/boot.test.ts");

const images: Record<string, string> = {};
beforeAll(async () => {
  if (!hasKvm) return;
  for (const app of ["hello", "exception", "abort", "entropy", "clock"]) images[app] = (await buildApp(app)).image;
});

for (const tender of hvtTenders()) describe.skipIf(!!skipReason("tests/boot/boot.test.ts", tender))(`boot on ${tender.name}`, () => {
  test("greets with its command line and a plausible wall-clock time, exit 0", async () => {
    const r = await runImage(images.hello, { tender: tender.path, args: ["--ipv4=10.0.0.2/24", "two words"] });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const m = r.stdout.match(/^hello from morgana: \[(.*)\] walltime (\d+)\n$/);
    expect(m, r.stdout).not.toBeNull();
    expect(m![1]).toBe("--ipv4=10.0.0.2/24 two words");
    expect(Math.abs(Number(m![2]) - Date.now() / 1000)).toBeLessThan(60);
  });

  test("a CPU exception prints its vector, RIP and address, exit 255", async () => {
    const r = await runImage(images.exception, { tender: tender.path });
    expect(r.status).toBe(255);
    expect(r.stdout).toMatch(/^before\nexception 6 at 0x[0-9a-f]+, address 0x0\n$/);
  });

  test("env.trace prints numbers; env.abort prints the message, place and function, exit 255", async () => {
    const r = await runImage(images.abort, { tender: tender.path });
    expect(r.status).toBe(255);
    expect(r.stdout).toBe("trace: tick 1.5, 42\nabort: café closed at main.ts:12:34 in fail_here\n");
  });

  test("entropy gives bytes that differ between draws, and so does the jitter fallback", async () => {
    const r = await runImage(images.entropy, { tender: tender.path });
    expect(r.status).toBe(0);
    const draws = [...r.stdout.matchAll(/^entropy ([0-9a-f]{64})$/gm)].map((m) => m[1]);
    const jitter = [...r.stdout.matchAll(/^jitter ([0-9a-f]{16})$/gm)].map((m) => m[1]);
    expect(draws).toHaveLength(2);
    expect(jitter).toHaveLength(2);
    expect(draws[0]).not.toBe(draws[1]);
    expect(jitter[0]).not.toBe(jitter[1]);
    for (const d of [...draws, ...jitter]) expect(d).not.toMatch(/^0+$/);
  });

  test("the monotonic clock increases and poll returns at or after its deadline", async () => {
    const r = await runImage(images.clock, { tender: tender.path });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("FAILED");
    expect(r.stdout.trim().split("\n")).toEqual([
      "monotonic increases ok",
      "poll returns nothing ready ok",
      "poll returns at or after its deadline ok",
      "poll with a past deadline returns ok",
      "walltime after 2020 ok",
    ]);
  });
});
