#!/usr/bin/env node
// The `morgana` command: bundles toolchain/cli.ts with esbuild into
// build/morgana.mjs when a toolchain source is newer than the bundle, then
// runs it (bundle.mjs).
import { bundled } from "./bundle.mjs";

const { main } = await import(await bundled("toolchain/cli.ts", "morgana"));
process.exitCode = await main(process.argv.slice(2));
