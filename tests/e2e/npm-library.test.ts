/**
 * An AssemblyScript library from npm in an image: tests/apps/base64 imports
 * as-base64 (a devDependency, so `npm ci` installs it and the test needs no
 * network) and prints its command line in base64; Node's own encoder is the
 * judge. Booted under every end-to-end tender.
 */
import { describe, expect, test } from "vitest";
import { testImage } from "../support/images.ts";
import { runImage, skipReason, tenders } from "../support/tender.ts";

const TEXT = "Morgana on Solo5, with ünïcode";

for (const tender of tenders()) {
  const why = skipReason("npm library (as-base64)", tender);
  describe.skipIf(!!why)(`an AssemblyScript library from npm on ${tender.name}`, () => {
    test("as-base64 encodes and decodes the command line as Node does", async () => {
      const r = await runImage(testImage("base64", tender.target), { tender: tender.path, tenderArgs: ["--mem=16"], args: [TEXT] });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`base64: ${Buffer.from(TEXT).toString("base64")}\n`);
      expect(r.stdout).toContain(`decoded: ${TEXT}\n`);
    });
  });
}
