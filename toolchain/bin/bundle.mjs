// Bundling the package's TypeScript for Node, which does not run
// TypeScript from node_modules: `bundled(entry, name)` writes
// build/NAME.mjs with esbuild when a toolchain source is newer than it,
// and returns its URL to import. Bundling takes a fraction of a second and
// needs no install step. Used by morgana.mjs (the command) and testing.mjs
// (morgana/testing).
import { build } from "esbuild";
import { mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function modified(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** How the package's TypeScript is bundled for Node (npm packages stay
 * external and load from node_modules as usual); run-ts.mjs too. */
export const nodeBundle = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
};

/** The URL of build/NAME.mjs, bundled from `entry` (relative to the package) if stale. */
export async function bundled(entry, name) {
  const bundle = path.join(root, "build", `${name}.mjs`);
  if (modified(bundle) < newestSource(path.join(root, "toolchain"))) {
    mkdirSync(path.dirname(bundle), { recursive: true });
    // Under a private name, then renamed: test files may load it in parallel.
    const tmp = `${bundle}.${process.pid}.tmp.mjs`;
    await build({ ...nodeBundle, entryPoints: [path.join(root, entry)], outfile: tmp });
    renameSync(tmp, bundle);
  }
  return pathToFileURL(bundle).href;
}
