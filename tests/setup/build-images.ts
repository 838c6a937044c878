/**
 * vitest global setup: builds, once per run and before any test file
 * starts, what the end-to-end tests boot: the tender (dist/morgana-hvt),
 * every app under apps/ (dist/NAME.hvt, as `npm run build` does) and the
 * test-only apps under tests/apps/ (build/test-images/NAME.hvt). Test files
 * then only read these; no two workers race to write an image.
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
import { buildTender } from "../../toolchain/tender/build.ts";

export const testImagesDir = path.join(root, "build", "test-images");

export default async function setup(): Promise<void> {
  const t0 = performance.now();
  await buildTender();
  const jobs = [
    ...listApps(path.join(root, "apps")).map((name) => ({ label: name, dir: path.join(root, "apps", name), outDir: undefined })),
    ...listApps(path.join(root, "tests", "apps")).map((name) => ({ label: `tests/apps/${name}`, dir: path.join(root, "tests", "apps", name), outDir: testImagesDir })),
  ];
  let done = 0;
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`global setup: building the tender and ${jobs.length} images (${jobs.map((j) => j.label).join(", ")})`);
  const results = await inParallel(
    jobs.map((j) => async () => {
      const r = await buildApp(j.dir, { outDir: j.outDir });
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
