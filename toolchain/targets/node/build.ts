/**
 * Building for the node target: the app's AssemblyScript compiled with the
 * toolchain's compile() and nothing after it (no binaryen, no lowering, no
 * gcc: seconds count more than speed here), with libos/hostnet added to
 * the image and a source map for trap locations. The assets are collected
 * as for hvt and handed to the runtime instead of being packed.
 *
 * The entry is a small module in memory beside the app's main.ts: it
 * imports libos/hostnet first (its top level registers the host-socket
 * stack before main's runs) and exports hostTurn for the runtime.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { root } from "../../root.ts";
import { projectRoot } from "../../project.ts";
import { loadApp } from "../../app/index.ts";
import { collectAssets, type Asset } from "../../assets/index.ts";
import { BuildError } from "../../diagnostics.ts";
import { loadCredentials, type TlsFiles } from "../../tls/credentials.ts";
import { compile } from "../../compile/index.ts";
import { trustAnchorAsset } from "../../cert/anchors.ts";

export interface NodeBuild {
  name: string;
  wasm: Uint8Array;
  sourceMap?: string;
  assets: Asset[];
  warnings: string[];
  ms: number;
}

export interface NodeBuildOptions {
  /** Asset folders given on the command line, by option: { site: "./my-site" }. */
  assetDirs?: Record<string, string>;
  /** --tls-ca: trust anchors for the TLS client, beside the assets. */
  tlsCa?: string;
  /** --tls-cert/--tls-key for an app with "tls": true (toolchain/tls). */
  tls?: TlsFiles;
}

/** The entry's name beside main.ts; never written to disk. */
const ENTRY = "__node_target__.ts";

export async function buildNode(appDir: string, opts: NodeBuildOptions = {}): Promise<NodeBuild> {
  const t0 = performance.now();
  const app = loadApp(path.resolve(appDir));
  const project = projectRoot(app.dir);
  const dir = path.relative(project, app.dir);
  // A project of its own imports Morgana by package name, and asc names a
  // module by how it was reached: reach libos/hostnet so too, or the app's
  // stack and the host's would be two different modules.
  const libos = project === root
    ? path.relative(app.dir, path.join(root, "libos/hostnet/index")).split(path.sep).join("/")
    : "morgana/hostnet";
  const entry = path.join(dir, ENTRY);
  const source = `import "${libos}";\nimport "./main";\nexport { hostTurn } from "${libos}";\n`;
  const { wasm, sourceMap, warnings } = await compile({
    entry,
    baseDir: project,
    virtualFiles: { [entry]: source },
    extraFlags: ["--exportStart", "_start", "--sourceMap", ...app.compilerFlags],
  });
  let assets: Asset[] = [];
  if (app.assets) {
    const given = opts.assetDirs?.[app.assets.option];
    assets = collectAssets(app.assets, given ? path.resolve(given) : path.join(app.dir, app.assets.dir));
  }
  if (opts.tlsCa) assets.push(trustAnchorAsset(opts.tlsCa));
  if (opts.tls) {
    if (!app.tls) throw new BuildError("E_USAGE", `${app.name} does not take --tls-cert/--tls-key (its app.json has no "tls": true)`);
    const c = loadCredentials(opts.tls);
    warnings.push(...c.warnings);
    assets = [...assets, ...c.assets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return { name: app.name, wasm, sourceMap, assets, warnings, ms: performance.now() - t0 };
}

/** `morgana build --target node`: dist/NAME.node.wasm and its source map
 * (.wasm.map), for inspecting or running elsewhere; `morgana run` builds
 * in memory and needs neither. The assets stay in the app's folder. */
export async function buildNodeApp(appDir: string, opts: NodeBuildOptions & { outDir?: string; log?: (line: string) => void } = {}): Promise<string> {
  const b = await buildNode(appDir, opts);
  const outDir = path.resolve(opts.outDir ?? path.join(projectRoot(appDir), "dist"));
  await mkdir(outDir, { recursive: true });
  const wasm = path.join(outDir, `${b.name}.node.wasm`);
  await writeFile(wasm, b.wasm);
  if (b.sourceMap) await writeFile(`${wasm}.map`, b.sourceMap);
  opts.log?.(`  ${b.name.padEnd(12)} node      ${(b.ms / 1000).toFixed(2).padStart(6)} s  ${path.relative(process.cwd(), wasm)} ${(b.wasm.length / 1024).toFixed(1)} KB`);
  return wasm;
}
