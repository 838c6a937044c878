/**
 * Guest memory: every image carries the guest memory it needs (its memory
 * note, boot/morgana_abi.h), the build prints the least --mem from it, and
 * too small a guest is told so in one line naming that --mem: by Morgana's
 * tender before it boots anything, by the image itself where a Solo5
 * tender loads it but its Wasm memory does not fit (tests/apps/bigmem
 * starts with 4 MiB of it). hello, with no net device and so no net-ring
 * pool, boots in --mem=2 under every tender.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { imageMemory, minimumMem } from "../../toolchain/link/memory.ts";
import { appImage, testImage, type Target } from "../support/images.ts";
import { runImage, skipReason, tenders } from "../support/tender.ts";

const minMem = (image: string, target: Target) => minimumMem(imageMemory(readFileSync(image))!, target);

test("hello's images need --mem=2; bigmem's say 6 (4 MiB of Wasm memory above the image)", () => {
  expect(minMem(appImage("hello", "hvt"), "hvt")).toBe(2);
  expect(minMem(appImage("hello", "spt"), "spt")).toBe(2);
  expect(minMem(testImage("bigmem", "hvt"), "hvt")).toBe(6);
});

for (const tender of tenders("smoke")) describe.skipIf(!!skipReason("guest memory end-to-end", tender))(`guest memory on ${tender.name}`, () => {
  test("hello boots in --mem=2", async () => {
    const r = await runImage(appImage("hello", tender.target), { tender: tender.path, tenderArgs: ["--mem=2"], args: ["small"] });
    expect(r.stdout).toContain("command line: small\n");
    expect(r.status).toBe(0);
  });

  const bigmem = testImage("bigmem", tender.target);
  test("an image given less than it needs is told, in one line, the --mem the build printed", async () => {
    const r = await runImage(bigmem, { tender: tender.path, tenderArgs: ["--mem=4"] });
    const want = minMem(bigmem, tender.target);
    expect(r.status).not.toBe(0);
    if (tender.bundled) {
      // Morgana's tender reads the memory note and boots nothing.
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(new RegExp(`^morgana-hvt: \\S*bigmem\\.hvt: needs \\d+ KiB of guest memory, more than --mem=4 gives; run it with --mem=${want} or more\\n$`));
    } else {
      // A Solo5 tender loads the image; its Wasm memory does not fit.
      expect(r.status).toBe(1);
      expect(r.stdout).toBe(`boot: 4 MiB of guest memory is too little for this image: give it --mem=${want} or more\n`);
    }
  });

  test("given that --mem, it boots and reaches its last page", async () => {
    const r = await runImage(bigmem, { tender: tender.path, tenderArgs: [`--mem=${minMem(bigmem, tender.target)}`] });
    expect(r.stdout).toBe("bigmem: 64 pages, last byte 42\n");
    expect(r.status).toBe(0);
  });
});
