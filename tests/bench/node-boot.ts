/**
 * Runs a node-target image built beforehand (dist/NAME.node.wasm, `npm run
 * build -- --target node`) with its app's assets, as `morgana run` does
 * once its build is done: the boot suite's node row times this process
 * from its start to the first answer, without the compile.
 *
 *   node toolchain/bin/run-ts.mjs tests/bench/node-boot.ts WASM APPDIR [-- BOOT ARGS]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadApp } from "../../toolchain/app/index.ts";
import { collectAssets } from "../../toolchain/assets/index.ts";
import { NodeImage } from "../../toolchain/targets/node/image.ts";

const [wasmPath, appDir, dash, ...bootArgs] = process.argv.slice(2);
if (!wasmPath || !appDir || (dash !== undefined && dash !== "--")) {
  console.error("usage: node-boot.ts WASM APPDIR [-- BOOT ARGS]");
  process.exit(2);
}
const app = loadApp(path.resolve(appDir));
const assets = app.assets ? collectAssets(app.assets, path.join(app.dir, app.assets.dir)) : [];
const module = await WebAssembly.compile(readFileSync(wasmPath));
const image = new NodeImage(module, { cmdline: bootArgs.join(" "), assets });
process.exitCode = await image.exited;
