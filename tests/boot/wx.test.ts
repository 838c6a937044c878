/**
 * The image's own pages have only the rights they need (boot/paging.c):
 * writing code, writing constants, running data or constants, or writing
 * ring 0's tables from ring 3 is a page fault reported at the address
 * tried, exit 255, never silently done.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { hasKvm, runImage, hvtTenders, skipReason, warnNoKvm } from "../support/tender.ts";
import { buildApp } from "./build.ts";

warnNoKvm("tests/boot/wx.test.ts");

let image = "";
beforeAll(async () => {
  if (hasKvm) image = (await buildApp("wx")).image;
});

for (const tender of hvtTenders()) describe.skipIf(!!skipReason("tests/boot/wx.test.ts", tender))(`W^X on ${tender.name}`, () => {
  test.each(["write-text", "write-rodata", "run-data", "run-rodata", "write-cpu", "write-kernel"])("%s is a page fault at that address", async (what) => {
    const r = await runImage(image, { tender: tender.path, args: [what] });
    expect(r.status).toBe(255);
    const m = r.stdout.match(/^trying\n[\w ]+ at (\d+)\nexception 14 at 0x([0-9a-f]+), address 0x([0-9a-f]+)\n$/);
    expect(m, r.stdout).not.toBeNull();
    expect(BigInt("0x" + m![3])).toBe(BigInt(m![1]));
    if (what.startsWith("run")) expect(BigInt("0x" + m![2])).toBe(BigInt(m![1]));
  });
});
