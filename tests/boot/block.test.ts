/** The block imports under KVM with a file attached as the device. */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { hasKvm, runImage, hvtTenders, skipReason, warnNoKvm } from "../support/tender.ts";
import { buildApp, root } from "./build.ts";

warnNoKvm("tests/boot/block.test.ts");

let image = "";
beforeAll(async () => {
  if (hasKvm) image = (await buildApp("block", { devices: [{ name: "storage", type: "block" }] })).image;
});

for (const tender of hvtTenders()) describe.skipIf(!!skipReason("tests/boot/block.test.ts", tender))(`block imports on ${tender.name}`, () => {
  test("info, write and read back a block, refuse one past the end; exit(7) halts with 7", async () => {
    const dir = path.join(root, "build/tests/boot/block");
    await mkdir(dir, { recursive: true });
    const disk = path.join(dir, "disk.img");
    await writeFile(disk, new Uint8Array(64 * 1024));
    const r = await runImage(image, { tender: tender.path, tenderArgs: [`--block:storage=${disk}`] });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(7);
    expect(r.stdout).toBe("storage 1 info 0 capacity 65536 block 512\nwrite 0 read 0 same past end 2\n");
    const bytes = await readFile(disk);
    expect([...bytes.subarray(512, 516)]).toEqual([1, 8, 15, 22]);
    expect(bytes.subarray(0, 512).every((b) => b === 0)).toBe(true);
  });
});
