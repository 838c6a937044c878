/**
 * The dev profile's image is a working image, not only a quicker build: it
 * lowers what asc emits without binaryen (toolchain/build/profiles.ts), so
 * its code is larger and leans on the shadow stack more than the release
 * image every other suite boots. The website built that way serves its
 * pages to curl, on Morgana's tender in a namespace of its own.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { bootInNetns, bootSkipReason } from "../../toolchain/testing/boot.ts";

const out = mkdtempSync(path.join(tmpdir(), "morgana-dev-profile-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const image = path.join(out, "website.hvt");
const why = bootSkipReason(image);
if (why) console.warn(`dev profile end-to-end on morgana-hvt: skipped: ${why}`);

describe.skipIf(!!why)("an image built with --profile dev", () => {
  test("the website serves its pages", { timeout: 300_000 }, async () => {
    const built = await buildApp(path.join(root, "apps/website"), { profile: "dev", outDir: out });
    expect(built.image).toBe(image);
    expect(built.stages.map((s) => s.stage)).not.toContain("optimise");
    const vm = await bootInNetns(image, { ready: /\[website\] serving/ });
    try {
      const index = await vm.exec(["curl", "-s", "-w", "\\n%{http_code}", `http://${vm.address}/`], { timeoutMs: 20_000 });
      expect(index.stdout).toBe(`${readFileSync(path.join(root, "apps/website/site/index.html"), "utf8")}\n200`);
      const missing = await vm.exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://${vm.address}/no-such-page`], { timeoutMs: 20_000 });
      expect(missing.stdout).toBe("404");
    } finally {
      await vm.stop();
    }
  });
});
