/**
 * The build cache: an app whose inputs have not changed is not rebuilt.
 *
 * The inputs are the toolchain itself (its sources, boot/, the versions of
 * AssemblyScript and binaryen, the C compiler's name), the build's settings
 * (target, profile, debug), the app's app.json, its asset pack, and every
 * source file the AssemblyScript compiler read for it (the app's and the
 * libos files it imports). That last list is only known after a compile,
 * so an entry records it, with each file's hash (or its absence: a file
 * that appears where an import was looked up changes the build too), as a
 * C compiler's depfile does. An entry lives in build/cache/TARGET/ as
 * NAME-KEY.json beside the image NAME-KEY.EXT, KEY hashing everything but
 * the source list; both are written under private names and renamed.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { copyFile, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { findPackage } from "../project.ts";
import { root } from "../root.ts";

const sha = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
}

let toolchainHash: string | undefined;

/** A hash that changes whenever the toolchain could build differently. */
export function toolchainVersion(): string {
  if (toolchainHash) return toolchainHash;
  const h = createHash("sha256");
  const files: string[] = [];
  walk(path.join(root, "toolchain"), files);
  walk(path.join(root, "boot"), files);
  // The tender and the test helpers do not shape an image.
  const shapesImages = (f: string) => !/^toolchain[\\/](tender|testing)[\\/]/.test(path.relative(root, f));
  for (const f of files.filter(shapesImages).sort()) {
    h.update(path.relative(root, f)).update(readFileSync(f));
  }
  for (const dep of ["assemblyscript", "binaryen"]) {
    const dir = findPackage(root, dep);
    h.update(dep).update(dir ? JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version : "?");
  }
  h.update(process.env.MORGANA_CC ?? "gcc");
  toolchainHash = h.digest("hex");
  return toolchainHash;
}

/** What an entry says: source paths (relative to the project) and their
 * hashes, null for a path that was looked up and did not exist. */
export type SourceHashes = Record<string, string | null>;

export function hashSources(sources: Map<string, string | null>): SourceHashes {
  const out: SourceHashes = {};
  for (const [file, text] of [...sources].sort(([a], [b]) => (a < b ? -1 : 1))) out[file] = text === null ? null : sha(text);
  return out;
}

function unchanged(project: string, recorded: SourceHashes): boolean {
  for (const [file, hash] of Object.entries(recorded)) {
    const full = path.resolve(project, file);
    let now: string | null = null;
    try {
      if (statSync(full).isFile()) now = sha(readFileSync(full));
    } catch {
      now = null;
    }
    if (now !== hash) return false;
  }
  return true;
}

/** Entries kept per app: enough for both profiles, with and without debug. */
const KEEP = 4;

export class CacheSlot {
  readonly entry: string;
  readonly image: string;

  /** `project` holds build/cache/ and is what source paths are relative
   * to; `name` is the app's, `extension` the target's image extension, `key`
   * everything but the sources (see the top of this file). */
  constructor(readonly project: string, target: string, name: string, extension: string, readonly key: string) {
    const base = path.join(project, "build", "cache", target, `${name}-${key.slice(0, 24)}`);
    this.entry = `${base}.json`;
    this.image = `${base}.${extension}`;
  }

  /** The cached image, if its sources are as recorded. */
  lookup(): string | undefined {
    if (!existsSync(this.entry) || !existsSync(this.image)) return undefined;
    try {
      const e = JSON.parse(readFileSync(this.entry, "utf8")) as { key: string; sources: SourceHashes };
      return e.key === this.key && unchanged(this.project, e.sources) ? this.image : undefined;
    } catch {
      return undefined;
    }
  }

  /** Remember `image`, built from `sources`; forget all but the newest
   * KEEP entries of the same app (other profiles, earlier toolchains). */
  async store(image: string, sources: SourceHashes): Promise<void> {
    await mkdir(path.dirname(this.entry), { recursive: true });
    const tmp = `.${process.pid}.partial`;
    await copyFile(image, this.image + tmp);
    await rename(this.image + tmp, this.image);
    await writeFile(this.entry + tmp, JSON.stringify({ key: this.key, sources }, null, 1));
    await rename(this.entry + tmp, this.entry);
    const dir = path.dirname(this.entry);
    const name = path.basename(this.entry).replace(/-[0-9a-f]{24}\.json$/, "");
    const entries = readdirSync(dir)
      .filter((f) => f.startsWith(`${name}-`) && /^-[0-9a-f]{24}\.json$/.test(f.slice(name.length)))
      .map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of entries.slice(KEEP)) {
      const base = path.join(dir, f.replace(/\.json$/, ""));
      for (const g of readdirSync(dir).filter((x) => path.join(dir, x).startsWith(`${base}.`))) rmSync(path.join(dir, g), { force: true });
    }
  }
}

/** Copies `from` to `to` under a private name and renames it into place. */
export async function install(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.partial`;
  await copyFile(from, tmp);
  await rename(tmp, to);
}

export { sha as hashOf };
