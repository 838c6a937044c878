/**
 * Assets: read-only files embedded in the image at build time, outside the
 * Wasm memory (a static website, compiled DNS zones). An app names their
 * folder in app.json (`"assets": { "dir": "site", "option": "site" }`); the
 * build command line may replace it (`--site ./my-site`). Files are taken
 * as they are, or passed through a build-time compiler named in app.json
 * (`"compiler": "dns-zones"`), which may reject them with a located
 * BuildError. The result is one pack in the layout boot/README.md gives.
 *
 * Promises: asset names are the files' paths relative to the folder, with
 * '/' separators, sorted; nothing outside the folder is read (symbolic
 * links are refused); the pack is deterministic for the same files.
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { BuildError } from "../diagnostics.ts";
import { compilers } from "./compilers.ts";

export interface AssetFile {
  /** Path relative to the assets folder, '/'-separated. */
  path: string;
  bytes: Uint8Array;
}

export interface Asset {
  name: string;
  bytes: Uint8Array;
}

export interface AssetSpec {
  /** Folder, relative to the app's folder. */
  dir: string;
  /** The build option that replaces the folder: `--<option> DIR`. */
  option: string;
  /** A build-time compiler from toolchain/assets/compilers.ts. */
  compiler?: string;
}

/** Every regular file under `dir`, recursively, sorted by path. */
export function readAssetFolder(dir: string): AssetFile[] {
  const out: AssetFile[] = [];
  const walk = (rel: string) => {
    const full = path.join(dir, rel);
    for (const name of readdirSync(full).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) {
        throw new BuildError("E_ASSETS", `${path.join(dir, r)} is a symbolic link; assets must be regular files inside the folder`);
      }
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) out.push({ path: r, bytes: readFileSync(path.join(dir, r)) });
    }
  };
  try {
    walk("");
  } catch (e) {
    if (e instanceof BuildError) throw e;
    throw new BuildError("E_ASSETS", `cannot read the assets folder ${dir}: ${(e as Error).message}`);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The assets of an app, from `dir` (already resolved), through its compiler. */
export function collectAssets(spec: AssetSpec, dir: string): Asset[] {
  const files = readAssetFolder(dir);
  if (!spec.compiler) return files.map((f) => ({ name: f.path, bytes: f.bytes }));
  const compile = compilers[spec.compiler];
  if (!compile) {
    throw new BuildError("E_APP_DESCRIPTION", `unknown asset compiler "${spec.compiler}" (known: ${Object.keys(compilers).join(", ") || "none"})`);
  }
  return compile(files, dir);
}

const MAGIC = 0x3141474d; // "MGA1"
const ENTRY = 16;

/** The pack: u32 magic, u32 count, count x {u32 name_off, u32 name_len,
 * u32 data_off, u32 size}, names, data (each datum 8-byte aligned). */
export function packAssets(assets: Asset[]): Uint8Array {
  const enc = new TextEncoder();
  const names = assets.map((a) => enc.encode(a.name));
  const seen = new Set<string>();
  for (const a of assets) {
    if (seen.has(a.name)) throw new BuildError("E_ASSETS", `two assets are named ${a.name}`);
    seen.add(a.name);
  }
  let offset = 8 + ENTRY * assets.length;
  const nameOffsets = names.map((n) => {
    const o = offset;
    offset += n.length;
    return o;
  });
  const dataOffsets = assets.map((a) => {
    offset = (offset + 7) & ~7;
    const o = offset;
    offset += a.bytes.length;
    return o;
  });
  if (offset > 0xffffffff) throw new BuildError("E_ASSETS", `the assets come to ${offset} bytes; at most 4 GiB fit`);
  const pack = new Uint8Array(offset);
  const v = new DataView(pack.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, assets.length, true);
  assets.forEach((a, i) => {
    const e = 8 + i * ENTRY;
    v.setUint32(e, nameOffsets[i], true);
    v.setUint32(e + 4, names[i].length, true);
    v.setUint32(e + 8, dataOffsets[i], true);
    v.setUint32(e + 12, a.bytes.length, true);
    pack.set(names[i], nameOffsets[i]);
    pack.set(a.bytes, dataOffsets[i]);
  });
  return pack;
}
