/**
 * vitest global setup: builds, once per run and before any test file
 * starts, what the end-to-end tests boot: the tender (dist/morgana-hvt),
 every app under apps/ for both targets (dist/NAME.hvt and dist/NAME.spt,
 * as `npm run build -- --target hvt|spt` does), the test-only apps under
 * tests/apps/ (build/test-images/NAME.{hvt,spt}; hvt only for those in
 * hvtOnlyTestApps), and the real Solo5
 * tenders from ../shared/solo5 (tests/support/solo5.ts; cached in
 * build/solo5/, so only the first run pays its ~5 s). Test files then only
 * read these; no two workers race to write an image.
 *
 * Images are built in parallel through the build cache, so an unchanged
 * app costs a fraction of a second; one progress line per image says what
 * was built and what came from the cache.
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { listApps } from "../../toolchain/app/index.ts";
import { buildApp, inParallel } from "../../toolchain/build/index.ts";
import { BuildError } from "../../toolchain/diagnostics.ts";
import { root } from "../../toolchain/root.ts";
import { targetNames } from "../../toolchain/targets/index.ts";
import { buildTender } from "../../toolchain/tender/build.ts";
import { buildAllSolo5 } from "../support/solo5.ts";

export const testImagesDir = path.join(root, "build", "test-images");

/** Test-only apps whose tests boot them on the hvt tenders only: their spt
 * images would be built for nothing (each costs seconds of asc, binaryen
 * and gcc on a cold run). testImage(NAME, "spt") of one is a missing file. */
export const hvtOnlyTestApps = new Set(["assets", "lines", "notes"]);

export default async function setup(): Promise<void> {
  const t0 = performance.now();
  await buildTender();
  // A release that fails to build is reported here and its suites skip
  // with the reason (tests/support/tender.ts); the rest of the run goes on.
  for (const reason of await buildAllSolo5()) console.warn(`global setup: ${reason}`);
  const jobs = targetNames.flatMap((target) => [
    ...listApps(path.join(root, "apps")).map((name) => ({ label: `${name}.${target}`, dir: path.join(root, "apps", name), outDir: undefined, target })),
    ...listApps(path.join(root, "tests", "apps")).filter((name) => target === "hvt" || !hvtOnlyTestApps.has(name))
      .map((name) => ({ label: `tests/apps/${name}.${target}`, dir: path.join(root, "tests", "apps", name), outDir: testImagesDir, target })),
  ]);
  let done = 0;
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`global setup: building the tender and ${jobs.length} images (${jobs.map((j) => j.label).join(", ")})`);
  const results = await inParallel(
    jobs.map((j) => async () => {
      const r = await buildApp(j.dir, { outDir: j.outDir, target: j.target });
      console.log(`global setup: [${++done}/${jobs.length}] ${j.label} ${r.cached ? "from the cache" : "built"} (${seconds()} s)`);
      return r;
    }),
    availableParallelism(),
  );
  const why = (e: unknown) => (e instanceof BuildError ? e.format() : String(e));
  const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${jobs[i].label}: ${why(r.reason)}`] : []));
  if (failed.length) throw new Error(`global setup could not build ${failed.join("; ")}`);
  console.log(`global setup: ${jobs.length} images ready in ${seconds()} s`);
}
