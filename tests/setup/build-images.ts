/**
 * vitest global setup: builds, once per run and before any test file
 * starts, what the end-to-end tests boot: the tender (dist/morgana-hvt),
 * every app under apps/ for both targets (dist/NAME.hvt and dist/NAME.spt,
 * as `npm run build -- --target hvt|spt` does) and the test-only apps under
 * tests/apps/ (build/test-images/NAME.{hvt,spt}), and the
 * real Solo5 tenders from ../shared/solo5 (tests/support/solo5.ts; cached
 * in build/solo5/, so only the first run pays its ~5 s). Test files then
 * only read these; no two workers race to write an image.
 */
import path from "node:path";
import { listApps } from "../../toolchain/app/index.ts";
import { buildApp } from "../../toolchain/build/index.ts";
import { root } from "../../toolchain/root.ts";
import { targetNames } from "../../toolchain/targets/index.ts";
import { buildTender } from "../../toolchain/tender/build.ts";
import { buildAllSolo5 } from "../support/solo5.ts";

export const testImagesDir = path.join(root, "build", "test-images");

export default async function setup(): Promise<void> {
  const t0 = performance.now();
  await buildTender();
  // A release that fails to build is reported here and its suites skip
  // with the reason (tests/support/tender.ts); the rest of the run goes on.
  for (const reason of await buildAllSolo5()) console.warn(`global setup: ${reason}`);
  const built: string[] = [];
  for (const target of targetNames) {
    for (const name of listApps(path.join(root, "apps"))) {
      await buildApp(path.join(root, "apps", name), { target });
      built.push(`${name}.${target}`);
    }
    for (const name of listApps(path.join(root, "tests", "apps"))) {
      await buildApp(path.join(root, "tests", "apps", name), { outDir: testImagesDir, target });
      built.push(`tests/apps/${name}.${target}`);
    }
  }
  console.log(`global setup: built the tender and ${built.join(", ")} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
