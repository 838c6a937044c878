/**
 * Builds every variant of one kernel into build/bench/kernels/NAME/:
 *
 *   native      gcc -O2 of NAME.c with driver.c (not PIE, like a unikernel)
 *   c.wasm      clang --target=wasm32 -O2 of NAME.c (no libc, no SIMD)
 *   lowered     c.wasm lowered by Morgana, gcc -O2 with the host runtime,
 *               memory 0 at a fixed address as in a unikernel
 *   as.wasm     as/NAME.ts through Morgana's compile and optimise stages
 *   as-lowered  as.wasm lowered, gcc -O2 with the host runtime
 *
 * The .wasm files also run under V8 (v8-run.mjs).
 */
import { loweredCodeFlags } from "../../../toolchain/lower/flags.ts";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { root } from "../../../toolchain/root.ts";
import { compile } from "../../../toolchain/compile/index.ts";
import { optimise } from "../../../toolchain/optimise/index.ts";
import { lower } from "../../../toolchain/lower/index.ts";
import { run } from "../exec.ts";

export const kernelDir = path.join(root, "tests/bench/kernels");
const runtimeDir = path.join(root, "toolchain/lower/runtime");

/** What generated code needs from gcc (toolchain/lower/README.md). */
export const loweredCFlags = ["-O2", ...loweredCodeFlags];

/** Code addressed as in a unikernel (toolchain/link): not position
 * independent, for native and lowered builds alike. */
const unikernelLike = ["-fno-pie", "-no-pie"];
/** Where the lowered kernels' memory 0 lives, a link-time constant as in
 * the unikernel (WRT_FIXED_MEMORY0, runtime/host.c): below 2 GiB so it
 * folds into each access's displacement, above the program and its heap. */
const FIXED_MEMORY0 = "0x40000000";

/** Wasm 2.0 without SIMD, as the lowering supports; no libc. */
export const clangWasmFlags = [
  "--target=wasm32", "-O2", "-nostdlib", "-ffreestanding", "-mno-simd128",
  "-mbulk-memory", "-msign-ext", "-mnontrapping-fptoint", "-mmutable-globals",
  "-Wl,--no-entry",
];

export interface KernelBuild {
  dir: string;
  native: string;
  wasm: string;
  lowered: string;
  asWasm: string;
  asLowered: string;
}

async function lowerAndCompile(wasm: string, dir: string, exe: string, extra: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const out = lower(await readFile(wasm), { prefix: "k", headerName: "k.h", source: path.relative(root, wasm) });
  await writeFile(path.join(dir, "k.c"), out.c);
  await writeFile(path.join(dir, "k.h"), out.h);
  await run("gcc", [
    ...loweredCFlags, ...unikernelLike, "-DWRT_FIXED_MEMORY0=wrt_memory0", `-Wl,--defsym=wrt_memory0=${FIXED_MEMORY0}`,
    "-DLOWERED", ...extra, `-I${runtimeDir}`, `-I${dir}`, "-o", exe,
    path.join(kernelDir, "driver.c"), path.join(dir, "k.c"), path.join(runtimeDir, "host.c"),
  ]);
}

export async function buildKernel(name: string): Promise<KernelBuild> {
  const dir = path.join(root, "build/bench/kernels", name);
  await mkdir(dir, { recursive: true });
  const b: KernelBuild = {
    dir,
    native: path.join(dir, "native"),
    wasm: path.join(dir, "c.wasm"),
    lowered: path.join(dir, "lowered"),
    asWasm: path.join(dir, "as.wasm"),
    asLowered: path.join(dir, "as-lowered"),
  };
  const src = path.join(kernelDir, `${name}.c`);
  await run("gcc", ["-O2", ...unikernelLike, "-o", b.native, path.join(kernelDir, "driver.c"), src, "-lm"]);
  await run("clang", [...clangWasmFlags, "-o", b.wasm, src]);
  await lowerAndCompile(b.wasm, path.join(dir, "lowered-c"), b.lowered, []);
  const compiled = await compile({ entry: path.relative(root, path.join(kernelDir, "as", `${name}.ts`)), baseDir: root });
  await writeFile(b.asWasm, optimise(compiled.wasm));
  await lowerAndCompile(b.asWasm, path.join(dir, "as-lowered-c"), b.asLowered, ["-DAS_IMPORTS"]);
  return b;
}
