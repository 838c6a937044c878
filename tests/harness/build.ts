/**
 * Compiling test entries through the toolchain's compile(), with a cache:
 * in memory for the life of the test process, on disk (build/harness-cache/)
 * across processes and runs, keyed by a hash of every AssemblyScript source
 * an entry could import (libos/ and the tests' as/ folders), the compiler
 * version and the options. An edit anywhere there rebuilds.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "../../toolchain/compile/index.ts";
import { BuildError } from "../../toolchain/diagnostics.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CACHE = path.join(ROOT, "build", "harness-cache");
// Top-level code runs from an exported _start rather than the Wasm start
// function, so that the harness holds the instance (and its memory) before
// any import is called; the runtime's helpers are exported for tests.
const FLAGS = ["--exportStart", "_start", "--exportRuntime"];

const memo = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled module of `entry` (a path relative to the repository). */
export function loadModule(entry: string): Promise<WebAssembly.Module> {
  let m = memo.get(entry);
  if (!m) {
    m = build(entry);
    memo.set(entry, m);
    m.catch(() => memo.delete(entry));
  }
  return m;
}

async function build(entry: string): Promise<WebAssembly.Module> {
  const key = sourceHash(entry);
  const cached = path.join(CACHE, `${key}.wasm`);
  if (existsSync(cached)) return WebAssembly.compile(readFileSync(cached));
  let wasm: Uint8Array;
  try {
    ({ wasm } = await compile({ entry, baseDir: ROOT, extraFlags: FLAGS }));
  } catch (e) {
    // Show where: the test output has only the message otherwise.
    if (e instanceof BuildError) throw new Error(e.format());
    throw e;
  }
  mkdirSync(CACHE, { recursive: true });
  // Write then rename: test files compile in parallel processes.
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, wasm);
  renameSync(tmp, cached);
  return WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
}

function sourceHash(entry: string): string {
  const h = createHash("sha256");
  const version = JSON.parse(readFileSync(path.join(ROOT, "node_modules/assemblyscript/package.json"), "utf8")).version;
  h.update(`asc ${version}\0${FLAGS.join(" ")}\0${entry}\0`);
  for (const file of [...sources(path.join(ROOT, "libos")), ...testSources(path.join(ROOT, "tests"))]) {
    h.update(path.relative(ROOT, file) + "\0");
    h.update(readFileSync(file));
  }
  return h.digest("hex").slice(0, 32);
}

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (name.endsWith(".ts")) out.push(full);
  }
  return out;
}

// Only the as/ folders under tests/ hold AssemblyScript.
function testSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (!statSync(full).isDirectory()) continue;
    out.push(...(name === "as" ? sources(full) : testSources(full)));
  }
  return out;
}
