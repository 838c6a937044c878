/**
 * Compiling harness entries through the toolchain's compile(), with a
 * cache: in memory for the life of the process, on disk (the project's
 * build/harness-cache/) across processes and runs, keyed by a hash of
 * every AssemblyScript source an entry could import (Morgana's libos/, the
 * project's apps/ and every folder named as/ in it, node_modules, build/
 * and dist/ aside), the compiler version and the options. An edit anywhere
 * there rebuilds.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compile } from "../compile/index.ts";
import { BuildError } from "../diagnostics.ts";
import { findPackage, projectRoot } from "../project.ts";
import { root } from "../root.ts";

/** Morgana's own folder (the repository, or node_modules/morgana). */
export const ROOT = root;

// Top-level code runs from an exported _start rather than the Wasm start
// function, so that the harness holds the instance (and its memory) before
// any import is called; the runtime's helpers are exported for tests.
const FLAGS = ["--exportStart", "_start", "--exportRuntime"];

export interface ModuleSource {
  /** The entry, relative to `project` (or absolute). */
  entry: string;
  /** The project the entry belongs to (default: the nearest package.json). */
  project?: string;
  /** Sources that exist only in memory, keyed by path relative to the project. */
  virtualFiles?: Record<string, string>;
}

const memo = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled module of `entry` (a path relative to the project). */
export function loadModule(entry: string | ModuleSource): Promise<WebAssembly.Module> {
  const src = typeof entry === "string" ? { entry } : entry;
  const project = path.resolve(src.project ?? projectRoot());
  // Hashed once per entry and process: sources do not change under a test run.
  const id = JSON.stringify([project, src.entry, src.virtualFiles ?? {}]);
  let m = memo.get(id);
  if (!m) {
    m = build(project, src, sourceHash(project, src));
    memo.set(id, m);
    m.catch(() => memo.delete(id));
  }
  return m;
}

async function build(project: string, src: ModuleSource, key: string): Promise<WebAssembly.Module> {
  const cacheDir = path.join(project, "build", "harness-cache");
  const cached = path.join(cacheDir, `${key}.wasm`);
  if (existsSync(cached)) return WebAssembly.compile(readFileSync(cached));
  let wasm: Uint8Array;
  try {
    ({ wasm } = await compile({ entry: src.entry, baseDir: project, virtualFiles: src.virtualFiles, extraFlags: FLAGS }));
  } catch (e) {
    // Show where: the test output has only the message otherwise.
    if (e instanceof BuildError) throw new Error(e.format());
    throw e;
  }
  mkdirSync(cacheDir, { recursive: true });
  // Write then rename: test files compile in parallel processes.
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, wasm);
  renameSync(tmp, cached);
  return WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
}

function sourceHash(project: string, src: ModuleSource): string {
  const h = createHash("sha256");
  const asc = findPackage(project, "assemblyscript") ?? findPackage(root, "assemblyscript");
  const version = asc ? JSON.parse(readFileSync(path.join(asc, "package.json"), "utf8")).version : "?";
  h.update(`asc ${version}\0${FLAGS.join(" ")}\0${path.relative(project, path.resolve(project, src.entry))}\0`);
  for (const [file, text] of Object.entries(src.virtualFiles ?? {}).sort()) h.update(`${file}\0${text}\0`);
  const files = [...sources(path.join(root, "libos")), ...sources(path.join(project, "apps")), ...asFolders(project)];
  for (const file of new Set(files)) {
    h.update(path.relative(project, file) + "\0");
    h.update(readFileSync(file));
  }
  return h.digest("hex").slice(0, 32);
}

const SKIP = new Set(["node_modules", "build", "dist", ".git"]);

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(full));
    else if (e.name.endsWith(".ts")) out.push(full);
  }
  return out;
}

// Test entries live in folders named as/ (tests/net/as/stack.ts).
function asFolders(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!e.isDirectory() || SKIP.has(e.name)) continue;
    const full = path.join(dir, e.name);
    out.push(...(e.name === "as" ? sources(full) : asFolders(full)));
  }
  return out;
}
