/**
 * Golden tests of the lowering: a module in the text format (assembled by
 * binaryen), calls of its exports with arguments, and for each call the
 * expected result or trap. `runModule` lowers the module, writes a driver
 * that makes each call under WRT_HOST_TRY and prints one line per call,
 * compiles it all with gcc -O2 and the flags generated code needs, runs it
 * and returns the lines; `expectCalls` compares them with the expectations.
 * Calls run in order in one process, so a later call sees what an earlier
 * one did to memory, tables and globals (and a trap's absence of effects).
 */
import { loweredCodeFlags } from "../../toolchain/lower/flags.ts";
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import binaryen from "binaryen";
import { expect } from "vitest";
import { root } from "../../toolchain/root.ts";
import { lower } from "../../toolchain/lower/index.ts";
import { cType, mangle } from "../../toolchain/lower/c/names.ts";
import { parseModule, type ValType } from "../../toolchain/lower/wasm/module.ts";

const exec = promisify(execFile);
export const runtimeDir = path.join(root, "toolchain/lower/runtime");
/** What generated code needs from gcc (toolchain/lower/README.md). */
export const requiredFlags = loweredCodeFlags;

/** WebAssembly 2.0 without SIMD: what the lowering supports. */
export const supported =
  binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt | binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt | binaryen.Features.SignExt | binaryen.Features.ReferenceTypes |
  binaryen.Features.Multivalue;

/** Assemble a module written in the text format. */
export function wat(text: string, features = supported): Uint8Array {
  const m = binaryen.parseText(text);
  try {
    m.setFeatures(features);
    if (!m.validate()) throw new Error("binaryen says the test module is invalid");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

// ---- values -----------------------------------------------------------------

/** A value as the driver prints it: "i32:5", "f64:0x3ff0000000000000", "ref:null". */
export type Printed = string;

export interface Arg {
  type: ValType;
  c: string; // a C expression of the value
}

const f32Bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0];
const f64Bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
const hex = (v: number | bigint, digits: number) => "0x" + v.toString(16).padStart(digits, "0");

export const i32 = (n: number): Arg & { p: Printed } => ({ type: "i32", c: `${n >>> 0}u`, p: `i32:${n >>> 0}` });
export const i64 = (n: bigint): Arg & { p: Printed } => {
  const u = BigInt.asUintN(64, n);
  return { type: "i64", c: `${u}ull`, p: `i64:${u}` };
};
export const f32 = (x: number): Arg & { p: Printed } => f32b(f32Bits(x));
export const f64 = (x: number): Arg & { p: Printed } => f64b(f64Bits(x));
/** By their bits, for NaN payloads and -0. */
export const f32b = (bits: number): Arg & { p: Printed } => ({ type: "f32", c: `wrt_f32_from(${hex(bits >>> 0, 8)}u)`, p: `f32:${hex(bits >>> 0, 8)}` });
export const f64b = (bits: bigint): Arg & { p: Printed } => ({ type: "f64", c: `wrt_f64_from(${hex(bits, 16)}ull)`, p: `f64:${hex(bits, 16)}` });
export const nullRef = (type: "funcref" | "externref"): Arg => ({ type, c: "((wrt_ref)0)" });
/** A non-null externref the driver makes up. */
export const someExtern: Arg = { type: "externref", c: "((wrt_ref)&golden_token)" };

/** Any NaN whose quiet bit is set ("canonical or arithmetic"). */
export const NAN32 = "f32:nan";
export const NAN64 = "f64:nan";

export const trap = (message: string): Printed => `trap:${message}`;

export interface Call {
  /** The export's name. */
  fn: string;
  args?: Arg[];
  /** Printed results in order ("" for none), or a trap. */
  expect: Printed | Printed[];
}

// ---- running ------------------------------------------------------------------

let unique = 0;

export interface RunOptions {
  /** Extra gcc flags, e.g. -DWRT_BOUNDS_EXPLICIT. */
  cflags?: string[];
  /** Folder name under build/test/lower (default: made up). */
  name?: string;
  /** Lower into this many C files (default 1), compiled together. */
  units?: number;
}

function printer(t: ValType, v: string): string {
  switch (t) {
    case "i32": return `printf("i32:%u", ${v});`;
    case "i64": return `printf("i64:%llu", (unsigned long long)${v});`;
    case "f32": return `printf("f32:0x%08x", wrt_f32_bits(${v}));`;
    case "f64": return `printf("f64:0x%016llx", (unsigned long long)wrt_f64_bits(${v}));`;
    default: return `printf("ref:%s", ${v} ? "nonnull" : "null");`;
  }
}

/** Lower, compile and run; the printed line of every call, in order. */
export async function runModule(wasm: Uint8Array, calls: Call[], opts: RunOptions = {}): Promise<string[]> {
  const dir = path.join(root, "build/test/lower", opts.name ?? `m${process.pid}_${unique++}`);
  mkdirSync(dir, { recursive: true });
  const out = lower(wasm, { prefix: "t", headerName: "t.h", source: "golden.wasm", units: opts.units });
  writeFileSync(path.join(dir, "t.c"), out.c);
  const units = out.units.map((u, i) => {
    writeFileSync(path.join(dir, `t${i + 1}.c`), u);
    return path.join(dir, `t${i + 1}.c`);
  });
  writeFileSync(path.join(dir, "t.h"), out.h);
  const m = parseModule(wasm);
  const body: string[] = [];
  calls.forEach((c, n) => {
    const e = m.exports.find((x) => x.name === c.fn && x.kind === "func");
    if (!e) throw new Error(`the test module exports no function ${c.fn}`);
    const t = m.types[m.funcs[e.index]];
    const args = (c.args ?? []).map((a) => a.c).join(", ");
    const callee = `t_export_${mangle(c.fn)}(${args})`;
    const results = t.results.length === 0 ? "" : t.results.length === 1 ? `r${n} = ${callee}` : `r${n} = ${callee}`;
    const rtype = t.results.length === 1 ? cType(t.results[0]) : `struct wrt_tuple_${t.results.map((r) => ({ i32: "i", i64: "I", f32: "f", f64: "F", funcref: "r", externref: "e" })[r]).join("")}`;
    body.push(`  {`);
    if (t.results.length) body.push(`    static ${rtype} r${n};`);
    body.push(`    int k = WRT_HOST_TRY(${results || callee});`);
    body.push(`    if (k) printf("trap:%s", wrt_trap_message(k)); else {`);
    if (t.results.length === 1) body.push(`      ${printer(t.results[0], `r${n}`)}`);
    else t.results.forEach((r, i) => body.push(`      ${i ? 'printf(" ");' : ""}${printer(r, `r${n}.v${i}`)}`));
    body.push(`    }`, `    printf("\\n");`, `  }`);
  });
  const driver = [
    `#include <stdio.h>`,
    `#include "host.h"`,
    `#include "t.h"`,
    `static int golden_token;`,
    `int main(void) {`,
    `  wrt_host_init();`,
    `  int k = WRT_HOST_TRY(t_instantiate());`,
    `  if (k) { printf("instantiate trap:%s\\n", wrt_trap_message(k)); return 1; }`,
    ...body,
    `  return 0;`,
    `}`,
  ].join("\n");
  writeFileSync(path.join(dir, "driver.c"), driver);
  const exe = path.join(dir, "driver");
  await exec("gcc", [
    "-O2", ...requiredFlags, ...(opts.cflags ?? []), "-Wall", "-Wno-unused-but-set-variable", "-Wno-unused-variable",
    "-Wno-unused-label", "-Wno-unused-function", `-I${runtimeDir}`, `-I${dir}`, "-o", exe,
    path.join(dir, "driver.c"), path.join(dir, "t.c"), ...units, path.join(runtimeDir, "host.c"),
  ]);
  const { stdout } = await exec(exe, [], { timeout: 60_000 });
  return stdout.split("\n").slice(0, calls.length);
}

function matches(got: string, want: string): boolean {
  if (want === NAN32) return /^f32:0x(7f|ff)[c-f][0-9a-f]{5}$/.test(got);
  if (want === NAN64) return /^f64:0x(7f|ff)f[8-9a-f][0-9a-f]{12}$/.test(got);
  return got === want;
}

/** Run the calls and check every line; a mismatch names the call. */
export async function expectCalls(wasm: Uint8Array, calls: Call[], opts: RunOptions = {}): Promise<void> {
  const lines = await runModule(wasm, calls, opts);
  const report = (got: string[]) =>
    calls.map((c, i) => `${c.fn}(${(c.args ?? []).map((a) => a.c).join(", ")}) -> ${got[i]}`);
  const want = calls.map((c) => (Array.isArray(c.expect) ? c.expect.join(" ") : c.expect));
  const got = lines.map((l, i) => {
    const parts = l.split(" ");
    const w = want[i].split(" ");
    return parts.length === w.length && parts.every((p, k) => matches(p, w[k])) ? want[i] : l;
  });
  expect(report(got)).toEqual(report(want));
}
