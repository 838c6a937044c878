/**
 * `morgana lower` on a module AssemblyScript did not produce: the CRC-32
 * benchmark kernel compiled by clang to wasm32, lowered by the command
 * line, linked with the example embedder (toolchain/lower/examples/embed.c)
 * and the host runtime, and run: it must print the kernel's checksum, also
 * when built as in a unikernel (memory 0 at a link-time address).
 * Also the command's refusals and their exit status.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { root } from "../../toolchain/root.ts";
import { clangWasmFlags } from "../bench/kernels/build.ts";
import { kernelList } from "../bench/kernels/list.ts";
import { requiredFlags, runtimeDir } from "./golden.ts";

const exec = promisify(execFile);
const dir = path.join(root, "build/test/lower/cli");
const morgana = path.join(root, "toolchain/bin/morgana.mjs");

test("a clang-built kernel, lowered by the CLI, runs under the example embedder", async () => {
  mkdirSync(dir, { recursive: true });
  const wasm = path.join(dir, "crc32.wasm");
  await exec("clang", [...clangWasmFlags, "-o", wasm, path.join(root, "tests/bench/kernels/crc32.c")]).catch((e) => {
    throw new Error(`clang could not build a wasm32 module (Debian packages clang and lld are needed): ${e.message}`);
  });
  const lowered = await exec(process.execPath, [morgana, "lower", wasm, "-o", path.join(dir, "kernel.c"), "--prefix", "kernel"]);
  expect(lowered.stdout).toContain("(prefix kernel)");
  expect(readFileSync(path.join(dir, "kernel.h"), "utf8")).toContain("u32 kernel_export_run(void);");
  const exe = path.join(dir, "kernel");
  await exec("gcc", [
    "-O2", ...requiredFlags, `-I${runtimeDir}`, `-I${dir}`, "-o", exe,
    path.join(root, "toolchain/lower/examples/embed.c"), path.join(dir, "kernel.c"), path.join(runtimeDir, "host.c"),
  ]);
  const { stdout } = await exec(exe);
  const expected = kernelList.find((k) => k.name === "crc32")!.expect;
  expect(stdout).toMatch(/^memory: \d+ pages$/m);
  expect(stdout).toContain(`checksum: ${expected}\n`);

  // The same C built as in a unikernel: memory 0 at a link-time address.
  const fixed = path.join(dir, "kernel-fixed");
  await exec("gcc", [
    "-O2", ...requiredFlags, "-fno-pie", "-no-pie", "-DWRT_FIXED_MEMORY0=wrt_memory0", "-Wl,--defsym=wrt_memory0=0x40000000",
    `-I${runtimeDir}`, `-I${dir}`, "-o", fixed,
    path.join(root, "toolchain/lower/examples/embed.c"), path.join(dir, "kernel.c"), path.join(runtimeDir, "host.c"),
  ]);
  expect((await exec(fixed)).stdout).toContain(`checksum: ${expected}\n`);
  // Nothing else may take the address: an occupied one is said, not used.
  const taken = path.join(dir, "kernel-taken");
  await exec("gcc", [
    "-O2", ...requiredFlags, "-fno-pie", "-no-pie", "-DWRT_FIXED_MEMORY0=wrt_memory0", "-Wl,--defsym=wrt_memory0=0x400000",
    `-I${runtimeDir}`, `-I${dir}`, "-o", taken,
    path.join(root, "toolchain/lower/examples/embed.c"), path.join(dir, "kernel.c"), path.join(runtimeDir, "host.c"),
  ]);
  const r = await exec(taken).catch((e) => e);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^host: cannot reserve \d+ bytes for a memory at 0x400000: /m);
});

test("the CLI refuses an invalid module with E_WASM_INVALID and exit status 1", async () => {
  mkdirSync(dir, { recursive: true });
  const bad = path.join(dir, "bad.wasm");
  writeFileSync(bad, new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x0a]));
  const r = await exec(process.execPath, [morgana, "lower", bad, "-o", path.join(dir, "bad.c")]).catch((e) => e);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("error E_WASM_INVALID");
  expect(existsSync(path.join(dir, "bad.c"))).toBe(false);
});
