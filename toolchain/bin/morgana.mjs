#!/usr/bin/env node
// The `morgana` command: bundles toolchain/cli.ts with esbuild into
// build/morgana.mjs when a toolchain source is newer than the bundle, then
// runs it. Bundling takes a fraction of a second and needs no install step.
import { build } from "esbuild";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "build", "morgana.mjs");

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function bundleTime() {
  try {
    return statSync(bundle).mtimeMs;
  } catch {
    return 0;
  }
}

if (bundleTime() < newestSource(path.join(root, "toolchain"))) {
  mkdirSync(path.dirname(bundle), { recursive: true });
  await build({
    entryPoints: [path.join(root, "toolchain", "cli.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
}

const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
