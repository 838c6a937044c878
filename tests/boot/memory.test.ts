/**
 * The guarded Wasm memory and the guarded stack under KVM: out-of-bounds
 * accesses and stack exhaustion are Wasm traps naming the function, and
 * memory grows until the guest is full, never into the stack.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { hasKvm, runImage, hvtTenders, skipReason, warnNoKvm } from "../support/tender.ts";
import { buildApp } from "./build.ts";

warnNoKvm("tests/boot/memory.test.ts");

const images: Record<string, string> = {};
beforeAll(async () => {
  if (!hasKvm) return;
  for (const app of ["oob", "grow", "recursion"]) images[app] = (await buildApp(app)).image;
});

for (const tender of hvtTenders()) describe.skipIf(!!skipReason("tests/boot/memory.test.ts", tender))(`out-of-bounds memory access on ${tender.name}`, () => {
  test("without a fault, bytes up to the end are readable", async () => {
    const r = await runImage(images.oob, { tender: tender.path, args: ["none"] });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("last in-bounds byte: 170\nno trap\n");
  });

  test.each([
    ["load", "oob_load"],
    ["far", "oob_far"],
    ["import", "oob_import"],
  ])("%s past the end traps in %s, exit 255", async (mode, func) => {
    const r = await runImage(images.oob, { tender: tender.path, args: [mode] });
    expect(r.status).toBe(255);
    expect(r.stdout).toContain(`\nwasm trap: out of bounds memory access in ${func}\n`);
    expect(r.stdout).not.toContain("no trap");
  });

  test("a store straddling the end traps and writes nothing", async () => {
    const r = await runImage(images.oob, { tender: tender.path, args: ["store"] });
    expect(r.status).toBe(255);
    expect(r.stdout).toBe(
      "last in-bounds byte: 170\nwasm trap: out of bounds memory access in oob_store\nafter trap: aaaaaaaa\n",
    );
  });
});

for (const tender of hvtTenders()) describe.skipIf(!!skipReason("tests/boot/memory.test.ts", tender))(`memory.grow on ${tender.name}`, () => {
  test("grows until the guest is full, then returns -1; new pages are zero; the stack is untouched", async () => {
    const r = await runImage(images.grow, { tender: tender.path, tenderArgs: ["--mem=32"], timeoutMs: 60_000 });
    expect(r.status).toBe(0);
    const m = r.stdout.match(/^grown (\d+) pages; size (\d+); limit (\d+); again (\d+)\nstack (\d+) memory (\d+) canary (\w+)\n$/);
    expect(m, r.stdout).not.toBeNull();
    const [grown, size, limit, again, stack, memory] = m!.slice(1, 7).map(Number);
    expect(grown).toBeGreaterThan(256); // 16 MiB at least, of 32
    expect(size).toBe((grown + 1) * 65536);
    expect(size).toBe(limit);
    expect(again).toBe(0xffffffff);
    expect(stack).toBeLessThan(memory);
    expect(m![7]).toBe("ok");
  });
});

for (const tender of hvtTenders()) describe.skipIf(!!skipReason("tests/boot/memory.test.ts", tender))(`stack exhaustion on ${tender.name}`, () => {
  test("deep recursion through the stack check is `call stack exhausted`", async () => {
    const r = await runImage(images.recursion, { tender: tender.path, args: ["checked"] });
    expect(r.status).toBe(255);
    expect(r.stdout).toBe("wasm trap: call stack exhausted in recurse\n");
  });

  test("a function that skips the check is caught by the guard page as the same trap", async () => {
    const r = await runImage(images.recursion, { tender: tender.path, args: ["leaf"] });
    expect(r.status).toBe(255);
    expect(r.stdout).toBe("wasm trap: call stack exhausted in unchecked\n");
  });
});
