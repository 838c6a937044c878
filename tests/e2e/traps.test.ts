/**
 * Every kind of Wasm trap, and an AssemblyScript abort, stops the unikernel
 * with one console line naming the trap and the Wasm function it happened
 * in, then exit status 255. The test app (tests/apps/traps) provokes the
 * trap named on its command line, each in a function of its own. Under
 * every end-to-end tender (tests/support/tender.ts).
 */
import { describe, expect, test } from "vitest";
import { testImage } from "../support/images.ts";
import { runImage, skipReason, tenders } from "../support/tender.ts";

const fn = (name: string) => `tests/apps/traps/main/${name}`;
const cases: [arg: string, line: string][] = [
  ["oob-load", `wasm trap: out of bounds memory access in ${fn("outOfBoundsLoad")}`],
  ["oob-store", `wasm trap: out of bounds memory access in ${fn("outOfBoundsStore")}`],
  ["oob-end", `wasm trap: out of bounds memory access in ${fn("outOfBoundsAtEnd")}`],
  ["divzero", `wasm trap: integer divide by zero in ${fn("divideByZero")}`],
  ["overflow", `wasm trap: integer overflow in ${fn("overflow")}`],
  ["conversion", `wasm trap: invalid conversion to integer in ${fn("badConversion")}`],
  ["unreachable", `wasm trap: unreachable in ${fn("reachUnreachable")}`],
  ["indirect-type", `wasm trap: indirect call type mismatch in ${fn("indirectTypeMismatch")}`],
  ["indirect-null", `wasm trap: uninitialized element in ${fn("indirectNull")}`],
  ["indirect-range", `wasm trap: undefined element in ${fn("indirectOutOfRange")}`],
  ["exhaustion", `wasm trap: call stack exhausted in ${fn("recurse")}`],
  ["abort", `abort: the assertion under test at tests/apps/traps/main.ts:61:3 in ${fn("failAssertion")}`],
];

for (const tender of tenders()) describe.skipIf(!!skipReason("trap end-to-end", tender))(`traps on ${tender.name}`, () => {
  const image = testImage("traps", tender.target);

  test.each(cases)("%s: one line naming the trap and the function, exit 255", async (arg, line) => {
    const r = await runImage(image, { tender: tender.path, args: [arg] });
    expect(r.status).toBe(255);
    const out = r.stdout.trimEnd().split("\n");
    expect(out[0]).toBe(`provoking: ${arg}`);
    // Exactly one more line: the trap's, and nothing after it.
    expect(out.slice(1).filter((l) => !/^\d+$/.test(l))).toEqual([line]);
    // At the end of memory the last byte still reads; only the next traps.
    if (arg === "oob-end") expect(out[1]).toMatch(/^\d+$/);
  });

  test("running out of memory says how much there was and what --mem to boot with", async () => {
    const r = await runImage(testImage("traps"), { args: ["oom"], tenderArgs: ["--mem=64"] });
    expect(r.status).toBe(255);
    const lines = r.stdout.trimEnd().split("\n").slice(1);
    expect(lines).toEqual([
      expect.stringMatching(/^out of memory: heap \d+ MiB of \d+ MiB, in ~lib\/rt\/\S+; boot with --mem=128 \(twice this guest's memory, in MiB\) or keep less$/),
    ]);
    // The heap reached its limit, which is what a 64 MiB guest leaves
    // after the image, its stacks and tables (a few MiB).
    const [, heap, limit] = /heap (\d+) MiB of (\d+) MiB/.exec(lines[0])!.map(Number);
    expect(limit).toBeGreaterThanOrEqual(56);
    expect(limit).toBeLessThan(64);
    expect(heap).toBeGreaterThanOrEqual(limit - 2);
    expect(heap).toBeLessThanOrEqual(limit);
  });

  test("exhausting AssemblyScript's shadow stack says so and names the function", async () => {
    const r = await runImage(testImage("traps"), { args: ["shadow-stack"] });
    expect(r.status).toBe(255);
    expect(r.stdout).not.toContain("abort:");
    expect(r.stdout).toMatch(/^call stack exhausted in \S+ \(AssemblyScript's shadow stack, .*--stackSize/m);
  });

  test("without a trap to provoke, the app finishes normally", async () => {
    const r = await runImage(image, { tender: tender.path, args: ["none"] });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("no trap");
  });
});
