/**
 * `morgana build`: every stage in order for one app, with one progress line
 * per stage and its time. compile (AssemblyScript to Wasm), optimise
 * (binaryen), lower (Wasm to C, split into one file per core), link (boot/
 * + manifest + C to the image, the C files compiled in parallel).
 *
 * `prepareApp` first reads and checks everything that can be checked
 * without compiling (app.json, devices, the asset folder, compiled assets),
 * in a fraction of a second; `buildApp` then skips every stage when the
 * build cache (cache.ts) holds an image built from the same inputs.
 *
 * Intermediate files go to a private folder under build/apps/ and are
 * removed afterwards, or kept as build/apps/NAME/ with `keep`. The image is
 * written under a temporary name and renamed into place, so a reader never
 * sees half an image. Any failure is a BuildError, which the CLI prints.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { root } from "../root.ts";
import { loadApp, type App } from "../app/index.ts";
import { collectAssets, packAssets, type Asset } from "../assets/index.ts";
import { trustAnchorAsset } from "../cert/anchors.ts";
import { BuildError } from "../diagnostics.ts";
import { KEY_KIND_ED25519, TLS_KEY_ASSET, loadCredentials, type TlsFiles } from "../tls/credentials.ts";
import { compile } from "../compile/index.ts";
import { lower } from "../lower/index.ts";
import { optimise } from "../optimise/index.ts";
import { CacheSlot, hashOf, hashSources, install, toolchainVersion } from "./cache.ts";
import { profiles, type ProfileName } from "./profiles.ts";
import { targets } from "./targets.ts";
import { imageMemory, minimumMem } from "../link/memory.ts";

export { root };

export interface BuildOptions {
  /** Where images go (default dist/). */
  outDir?: string;
  /** Intermediate files stay in build/apps/NAME/ (the cache is bypassed). */
  keep?: boolean;
  /** Debug information in the image. */
  debug?: boolean;
  /** Progress lines; default: none. */
  log?: (line: string) => void;
  /** Asset folders given on the command line, by option: { site: "./my-site" }. */
  assetDirs?: Record<string, string>;
  /** TLS credentials for an app whose app.json says "tls": true. */
  tls?: TlsFiles;
  /** A PEM bundle of trust anchors for the TLS client (--tls-ca; toolchain/cert/anchors.ts). */
  tlsCa?: string;
  /** "release" (default) or "dev" (profiles.ts). */
  profile?: ProfileName;
  /** "hvt" (default) or "spt" (toolchain/targets). */
  target?: string;
  /** false: build even when the cache holds the image. */
  cache?: boolean;
  /** The project the app belongs to (default: this repository): dist/ and
   * build/ are made there, and compiler messages name files relative to it. */
  projectDir?: string;
}

export interface StageTiming {
  stage: string;
  ms: number;
  detail: string;
}

export interface BuildResult {
  name: string;
  /** The least --mem (MiB) the image boots in (its memory note). */
  minMem: number;
  image: string;
  bytes: number;
  stages: StageTiming[];
  /** The image came from the build cache; no stage ran. */
  cached: boolean;
  /** Where the intermediate files are, if kept. */
  workDir?: string;
}

/** An app checked and ready to build: what prepareApp found. */
export interface PreparedApp {
  app: App;
  /** The asset pack, if the app embeds files, and the folder it came from. */
  assets?: { pack: Uint8Array; dir: string; ms: number };
  image: string;
  /** See BuildOptions.projectDir. */
  project: string;
  slot: CacheSlot;
  /** With --tls-key: whether that key is Ed25519 (link: libsodium then). */
  ed25519Key?: boolean;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Reads and checks the app in `appDir` (a folder with main.ts and
 * app.json) and its assets; throws a BuildError for the first mistake. */
export function prepareApp(appDir: string, opts: BuildOptions = {}): PreparedApp {
  const app = loadApp(path.resolve(appDir));
  const target = targets[opts.target ?? "hvt"];
  if (!target) throw new Error(`unknown target ${opts.target}`);
  const profile = profiles[opts.profile ?? "release"];
  let assets: PreparedApp["assets"];
  // TLS credentials are checked first and travel as reserved assets; so
  // do the TLS client's trust anchors (--tls-ca).
  const tls: Asset[] = opts.tls ? tlsAssets(app.name, app.tls === true, opts.tls, opts.log) : [];
  if (opts.tlsCa) tls.push(trustAnchorAsset(opts.tlsCa));
  if (app.assets || tls.length) {
    const given = app.assets ? opts.assetDirs?.[app.assets.option] : undefined;
    const dir = !app.assets ? app.dir : given ? path.resolve(given) : path.join(app.dir, app.assets.dir);
    const t0 = performance.now();
    const all = [...(app.assets ? collectAssets(app.assets, dir) : []), ...tls].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    assets = { pack: packAssets(all), dir, ms: 0 };
    assets.ms = performance.now() - t0;
  }
  const project = path.resolve(opts.projectDir ?? root);
  const cacheKey = hashOf(JSON.stringify({
    toolchain: toolchainVersion(), target: target.name, profile: profile.name, optimise: profile.optimise,
    cOpt: profile.cOptLevel(app.optimize), units: profile.units, debug: !!opts.debug,
    dir: path.relative(project, app.dir), app: { ...app, dir: undefined, entry: path.relative(project, app.entry) },
    assets: assets ? hashOf(assets.pack) : null,
  }));
  const outDir = path.resolve(opts.outDir ?? path.join(project, "dist"));
  // The key's kind is its asset's first byte (toolchain/tls/credentials.ts).
  const tlsKey = tls.find((a) => a.name === TLS_KEY_ASSET);
  return { app, assets, project, image: path.join(outDir, `${app.name}.${target.extension}`),
    slot: new CacheSlot(project, target.name, app.name, target.extension, cacheKey), ed25519Key: tlsKey ? tlsKey.bytes[0] === KEY_KIND_ED25519 : undefined };
}

/** The reserved assets of --tls-cert/--tls-key, warnings logged. */
function tlsAssets(name: string, takesTls: boolean, files: TlsFiles, log?: (line: string) => void): Asset[] {
  if (!takesTls) throw new BuildError("E_USAGE", `${name} does not take --tls-cert/--tls-key (its app.json has no "tls": true)`);
  const c = loadCredentials(files);
  for (const w of c.warnings) (log ?? console.warn)(`  ${name.padEnd(12)} warning: ${w}`);
  return c.assets;
}

/**
 * Compiling, optimising and lowering run on Node's one thread, so builds
 * in flight together take turns at them, whole, in the order the builds
 * started (the caller's order: build/order.ts puts the heaviest first);
 * gcc, in child processes, overlaps with the next app's turn. Interleaved
 * instead, every app would reach gcc only near the end.
 */
let frontEnds: Promise<void> = Promise.resolve();
function frontEndTurn(): { turn: Promise<void>; release: () => void } {
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const turn = frontEnds;
  // Released before its turn (a cache hit, an error), it holds no one up.
  frontEnds = frontEnds.then(() => mine);
  return { turn, release };
}

/** Build the app in `appDir`, or one prepareApp already checked. */
export async function buildApp(appDir: string | PreparedApp, opts: BuildOptions = {}): Promise<BuildResult> {
  const { turn, release } = frontEndTurn();
  try {
    return await buildTurn(appDir, opts, turn, release);
  } finally {
    release();
  }
}

async function buildTurn(appDir: string | PreparedApp, opts: BuildOptions, frontEnd: Promise<void>, done: () => void): Promise<BuildResult> {
  const prepared = typeof appDir === "string" ? prepareApp(appDir, opts) : appDir;
  const { app, slot, project } = prepared;
  const profile = profiles[opts.profile ?? "release"];
  const target = targets[opts.target ?? "hvt"];
  const line = (stage: string, ms: number, detail: string) =>
    opts.log?.(`  ${app.name.padEnd(12)} ${stage.padEnd(9)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${detail}`);

  const t0 = performance.now();
  const hit = opts.keep || opts.cache === false ? undefined : slot.lookup();
  if (hit) {
    await install(hit, prepared.image);
    const elf = new Uint8Array(await readFile(prepared.image));
    const minMem = minimumMem(imageMemory(elf) ?? 0, target.name);
    const ms = performance.now() - t0;
    line("cached", ms, `${path.relative(process.cwd(), prepared.image)} ${kb(elf.length)}, boots in --mem=${minMem} or more (inputs unchanged)`);
    return { name: app.name, image: prepared.image, bytes: elf.length, minMem, stages: [{ stage: "cached", ms, detail: "" }], cached: true };
  }

  // A private work folder, so that two builds of one app at once (two test
  // runs, two terminals) never delete each other's files; --keep moves it
  // to build/apps/NAME/ at the end.
  const keptDir = path.join(project, "build/apps", app.name);
  await mkdir(path.dirname(keptDir), { recursive: true });
  const workDir = await mkdtemp(path.join(path.dirname(keptDir), `.${app.name}-`));
  const stages: StageTiming[] = [];
  const stage = async <T>(name: string, fn: () => Promise<T> | T, detail: (r: T) => string): Promise<T> => {
    const s0 = performance.now();
    const r = await fn();
    const ms = performance.now() - s0;
    const d = detail(r);
    stages.push({ stage: name, ms, detail: d });
    line(name, ms, d);
    return r;
  };
  try {
    await frontEnd;
    const compiled = await stage("compile", () => compile({ entry: path.relative(project, app.entry), baseDir: project, debug: opts.debug, extraFlags: app.compilerFlags }), (r) => `wasm ${kb(r.wasm.length)}`);
    for (const w of compiled.warnings) opts.log?.(`  warning: ${w}`);
    const effort = profile.optimise;
    const wasm = effort === "none" ? compiled.wasm
      : await stage("optimise", () => optimise(compiled.wasm, { goal: app.optimize, effort }), (r) => `wasm ${kb(r.length)}`);
    const lowered = await stage("lower", () => lower(wasm, { prefix: "app", headerName: "app.h", source: `${app.name}.wasm`, units: profile.units }),
      (r) => `C ${kb(r.c.length + r.units.reduce((n, u) => n + u.length, 0))} in ${1 + r.units.length} file${r.units.length ? "s" : ""}`);
    if (opts.keep) {
      await writeFile(path.join(workDir, `${app.name}.wasm`), compiled.wasm);
      await writeFile(path.join(workDir, `${app.name}.opt.wasm`), wasm);
    }
    const appC = path.join(workDir, "app.c");
    await writeFile(appC, lowered.c);
    const appUnits = lowered.units.map((_, i) => path.join(workDir, `app${i + 1}.c`));
    await Promise.all(lowered.units.map((u, i) => writeFile(appUnits[i], u)));
    await writeFile(path.join(workDir, "app.h"), lowered.h);
    done();
    if (prepared.assets) {
      const a = prepared.assets;
      stages.push({ stage: "assets", ms: a.ms, detail: "" });
      line("assets", a.ms, `${path.relative(process.cwd(), a.dir) || "."} ${kb(a.pack.length)}`);
    }
    const linked = await stage(
      "link",
      () => target.link({ appC, appUnits, devices: app.devices, out: prepared.image, buildDir: path.join(workDir, "obj"), debug: opts.debug,
        assets: prepared.assets?.pack, ed25519Key: prepared.ed25519Key, appOptLevel: profile.cOptLevel(app.optimize), bootCacheDir: path.join(project, "build", "boot-objects") }),
      (r) => `${path.relative(process.cwd(), r.image)} ${kb(r.bytes)}, boots in --mem=${r.minMem} or more`,
    );
    await slot.store(linked.image, hashSources(compiled.files));
    if (opts.keep) {
      await rm(keptDir, { recursive: true, force: true });
      await rename(workDir, keptDir);
    }
    return { name: app.name, image: linked.image, bytes: linked.bytes, minMem: linked.minMem, stages, cached: false, workDir: opts.keep ? keptDir : undefined };
  } finally {
    if (!opts.keep) await rm(workDir, { recursive: true, force: true });
  }
}

/** Runs `jobs` with at most `limit` at once; results in order. Every job
 * runs even when one fails; the failures are returned, not thrown. */
export async function inParallel<T>(jobs: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await jobs[i]() };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
