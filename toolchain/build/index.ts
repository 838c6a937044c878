/**
 * `morgana build`: every stage in order for one app, with one progress line
 * per stage and its time. compile (AssemblyScript to Wasm), optimise
 * (binaryen), lower (Wasm to C), link (boot/ + manifest + C to the image).
 *
 * Intermediate files go to a private folder under build/apps/ and are
 * removed afterwards, or kept as build/apps/NAME/ with `keep`. The image is
 * written under a temporary name and renamed into place, so a reader never
 * sees half an image. Any failure is a BuildError, which the CLI prints.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { root } from "../root.ts";
import { loadApp } from "../app/index.ts";
import { collectAssets, packAssets } from "../assets/index.ts";
import { compile } from "../compile/index.ts";
import { link } from "../link/index.ts";
import { lower } from "../lower/index.ts";
import { optimise } from "../optimise/index.ts";
import { targets, type TargetName } from "../targets/index.ts";

export { root };

export interface BuildOptions {
  /** Where images go (default dist/). */
  outDir?: string;
  /** Intermediate files stay in build/apps/NAME/. */
  keep?: boolean;
  /** Debug information in the image. */
  debug?: boolean;
  /** Progress lines; default: none. */
  log?: (line: string) => void;
  /** Asset folders given on the command line, by option: { site: "./my-site" }. */
  assetDirs?: Record<string, string>;
  /** The tender interface (toolchain/targets): dist/NAME.hvt or dist/NAME.spt. */
  target?: TargetName;
}

export interface StageTiming {
  stage: string;
  ms: number;
  detail: string;
}

export interface BuildResult {
  name: string;
  image: string;
  bytes: number;
  /** The least --mem (MiB) the image boots in. */
  minMem: number;
  stages: StageTiming[];
  /** Where the intermediate files are, if kept. */
  workDir?: string;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Build the app in `appDir` (a folder with main.ts and app.json). */
export async function buildApp(appDir: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const app = loadApp(path.resolve(appDir));
  const outDir = path.resolve(opts.outDir ?? path.join(root, "dist"));
  // A private work folder, so that two builds of one app at once (two test
  // runs, two terminals) never delete each other's files; --keep moves it
  // to build/apps/NAME/ at the end.
  const keptDir = path.join(root, "build/apps", app.name);
  await mkdir(path.dirname(keptDir), { recursive: true });
  const workDir = await mkdtemp(path.join(path.dirname(keptDir), `.${app.name}-`));
  const stages: StageTiming[] = [];
  const stage = async <T>(name: string, fn: () => Promise<T> | T, detail: (r: T) => string): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    const ms = performance.now() - t0;
    const d = detail(r);
    stages.push({ stage: name, ms, detail: d });
    opts.log?.(`  ${app.name.padEnd(12)} ${name.padEnd(9)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${d}`);
    return r;
  };

  const compiled = await stage("compile", () => compile({ entry: path.relative(root, app.entry), baseDir: root, debug: opts.debug, extraFlags: app.compilerFlags }), (r) => `wasm ${kb(r.wasm.length)}`);
  for (const w of compiled.warnings) opts.log?.(`  warning: ${w}`);
  const wasm = await stage("optimise", () => optimise(compiled.wasm, { goal: app.optimize }), (r) => `wasm ${kb(r.length)}`);
  const lowered = await stage("lower", () => lower(wasm, { prefix: "app", headerName: "app.h", source: `${app.name}.wasm` }), (r) => `C ${kb(r.c.length)}`);
  if (opts.keep) {
    await writeFile(path.join(workDir, `${app.name}.wasm`), compiled.wasm);
    await writeFile(path.join(workDir, `${app.name}.opt.wasm`), wasm);
  }
  const appC = path.join(workDir, "app.c");
  await writeFile(appC, lowered.c);
  await writeFile(path.join(workDir, "app.h"), lowered.h);
  let assets: Uint8Array | undefined;
  if (app.assets) {
    const spec = app.assets;
    const given = opts.assetDirs?.[spec.option];
    const dir = given ? path.resolve(given) : path.join(app.dir, spec.dir);
    assets = await stage("assets", () => packAssets(collectAssets(spec, dir)), (r) => `${path.relative(process.cwd(), dir) || "."} ${kb(r.length)}`);
  }
  const target = targets[opts.target ?? "hvt"];
  const image = path.join(outDir, `${app.name}.${target.ext}`);
  const linked = await stage(
    "link",
    () => link({ appC, devices: app.devices, out: image, buildDir: path.join(workDir, "obj"), debug: opts.debug, assets, optimizeForSize: app.optimize === "size", target: target.name }),
    (r) => `${path.relative(process.cwd(), r.image)} ${kb(r.bytes)}, boots in --mem=${r.minMem} or more`,
  );
  if (opts.keep) {
    await rm(keptDir, { recursive: true, force: true });
    await rename(workDir, keptDir);
  } else {
    await rm(workDir, { recursive: true, force: true });
  }
  return { name: app.name, image: linked.image, bytes: linked.bytes, minMem: linked.minMem, stages, workDir: opts.keep ? keptDir : undefined };
}
