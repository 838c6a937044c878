/**
 * The WebAssembly spec suite, run through the lowering.
 *
 * For one converted .wast file (../shared/wasm-spec/NAME/NAME.json, see its
 * README), every module is lowered to C with its own prefix, linked to the
 * modules registered before it (and to the `spectest` module) by generated
 * wrapper functions, and every command becomes a few lines of a generated
 * C driver that calls the exports under WRT_HOST_TRY and prints one verdict
 * line per command. Modules the suite says are invalid or malformed must be
 * refused by the lowering before any C exists.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { lower, RefusedModule } from "../../toolchain/lower/index.ts";
import { importSymbols } from "../../toolchain/lower/c/module.ts";
import { loweredCodeFlags } from "../../toolchain/lower/flags.ts";
import { cType, mangle, returnType } from "../../toolchain/lower/c/names.ts";
import { parseModule, type FuncType, type Limits, type ValType, type WasmModule } from "../../toolchain/lower/wasm/module.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
// docs/solo5-abi.md says how to make it; $MORGANA_WASM_SPEC points elsewhere.
export const specDir = path.resolve(root, process.env.MORGANA_WASM_SPEC ?? "../shared/wasm-spec");
const runtimeDir = path.join(root, "toolchain/lower/runtime");

interface Value {
  type: string;
  value?: string;
}
interface Action {
  type: "invoke" | "get";
  module?: string;
  field: string;
  args?: Value[];
}
interface Command {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  as?: string;
  text?: string;
  module_type?: string;
  action?: Action;
  expected?: Value[];
}

export interface Verdict {
  line: number;
  type: string;
  outcome: "passed" | "failed" | "skipped";
  why?: string;
}

export interface FileResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  verdicts: Verdict[];
}

/** The non-SIMD files of the suite. */
export function specFiles(): string[] {
  if (!fs.existsSync(specDir)) return [];
  return fs
    .readdirSync(specDir)
    .filter((n) => !n.startsWith("simd") && fs.existsSync(path.join(specDir, n, `${n}.json`)))
    .sort();
}

interface Instance {
  prefix: string;
  module: WasmModule;
  /** Set when the module could not be lowered or linked: commands on it fail. */
  broken?: string;
}

const spectestFuncs: Record<string, FuncType> = {
  print: { params: [], results: [] },
  print_i32: { params: ["i32"], results: [] },
  print_i64: { params: ["i64"], results: [] },
  print_f32: { params: ["f32"], results: [] },
  print_f64: { params: ["f64"], results: [] },
  print_i32_f32: { params: ["i32", "f32"], results: [] },
  print_f64_f64: { params: ["f64", "f64"], results: [] },
};
const spectestGlobals: Record<string, ValType> = {
  global_i32: "i32", global_i64: "i64", global_f32: "f32", global_f64: "f64",
};

function sameType(a: FuncType, b: FuncType): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}

/** Import matching of limits (§4.5.2.1): the provider's range lies in the importer's. */
function limitsMatch(have: Limits, want: Limits): boolean {
  if (have.min < want.min) return false;
  if (want.max === undefined) return true;
  return have.max !== undefined && have.max <= want.max;
}

class Driver {
  readonly instances: Instance[] = [];
  readonly named = new Map<string, Instance>();
  readonly registered = new Map<string, Instance>();
  readonly verdicts: Verdict[] = [];
  readonly main: string[] = [];
  readonly wrappers: string[] = [];
  readonly cFiles: string[] = [];
  readonly headers: string[] = [];
  private last?: Instance;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly outDir: string,
  ) {}

  private verdict(c: Command, outcome: Verdict["outcome"], why?: string): number {
    this.verdicts.push({ line: c.line, type: c.type, outcome, why });
    return this.verdicts.length - 1;
  }

  /** A verdict the C driver decides; it prints "<index> ok" or "<index> fail why". */
  private pending(c: Command): number {
    return this.verdict(c, "failed", "the driver did not report");
  }

  command(c: Command): void {
    switch (c.type) {
      case "module":
        return this.module(c);
      case "register": {
        const inst = c.name ? this.named.get(c.name) : this.last;
        if (inst) this.registered.set(c.as!, inst);
        return;
      }
      case "assert_invalid":
      case "assert_malformed": {
        if (c.module_type === "text") {
          this.verdict(c, "skipped", "text format (out of scope)");
          return;
        }
        try {
          this.lowerFile(c.filename!, `x${this.verdicts.length}`, false);
          this.verdict(c, "failed", `accepted a module the suite calls ${c.type.slice(7)}: ${c.text}`);
        } catch (e) {
          if (e instanceof RefusedModule) this.verdict(c, "passed");
          else throw e;
        }
        return;
      }
      case "assert_unlinkable": {
        let m: WasmModule;
        try {
          m = parseModule(fs.readFileSync(path.join(this.dir, c.filename!)));
        } catch (e) {
          this.verdict(c, "failed", `refused before linking: ${(e as Error).message}`);
          return;
        }
        const err = this.linkError(m);
        const runtime = err ? "" : this.runtimeLinkCheck(m);
        if (err || !runtime) {
          this.verdict(c, err ? "passed" : "failed", err ? undefined : `linked, but the suite expects: ${c.text}`);
          return;
        }
        const v = this.pending(c);
        this.main.push(`if (${runtime}) fail(${v}, "linked, but the suite expects: %s", ${JSON.stringify(c.text ?? "")}); else ok(${v});`);
        return;
      }
      case "assert_uninstantiable":
        return this.module(c, true);
      case "action":
      case "assert_return":
      case "assert_trap":
      case "assert_exhaustion":
        return this.action(c);
      default:
        this.verdict(c, "skipped", `unknown command ${c.type}`);
    }
  }

  private lowerFile(filename: string, prefix: string, write: boolean): WasmModule {
    const bytes = fs.readFileSync(path.join(this.dir, filename));
    const out = lower(bytes, { prefix, headerName: `${prefix}.h`, source: filename });
    const m = parseModule(bytes);
    if (write) {
      fs.writeFileSync(path.join(this.outDir, `${prefix}.c`), out.c);
      fs.writeFileSync(path.join(this.outDir, `${prefix}.h`), out.h);
    }
    return m;
  }

  /** Why the module's imports cannot be satisfied, or undefined. */
  private linkError(m: WasmModule): string | undefined {
    for (const imp of m.imports) {
      if (imp.module === "spectest") {
        const ok =
          imp.kind === "func" ? spectestFuncs[imp.field] && sameType(spectestFuncs[imp.field], m.types[m.funcs[imp.index]])
          : imp.kind === "global" ? spectestGlobals[imp.field] === m.globals[imp.index].type.type && !m.globals[imp.index].type.mutable
          : imp.kind === "table" ? imp.field === "table" && m.tables[imp.index].elem === "funcref" && limitsMatch({ min: 10, max: 20 }, m.tables[imp.index].limits)
          : imp.field === "memory" && limitsMatch({ min: 1, max: 2 }, m.memories[imp.index]);
        if (!ok) return `unknown import spectest.${imp.field}`;
        continue;
      }
      const from = this.registered.get(imp.module);
      if (from?.broken) return `${imp.module} is broken: ${from.broken}`;
      const exp = from?.module.exports.find((e) => e.name === imp.field);
      if (!from || !exp) return `unknown import ${imp.module}.${imp.field}`;
      if (exp.kind !== imp.kind) return "incompatible import type";
      const fm = from.module;
      if (imp.kind === "func" && !sameType(fm.types[fm.funcs[exp.index]], m.types[m.funcs[imp.index]])) return "incompatible import type";
      if (imp.kind === "global") {
        const a = fm.globals[exp.index].type;
        const b = m.globals[imp.index].type;
        if (a.type !== b.type || a.mutable !== b.mutable) return "incompatible import type";
      }
      if (imp.kind === "table" && fm.tables[exp.index].elem !== m.tables[imp.index].elem) return "incompatible import type";
    }
    return undefined;
  }

  /** Limits of imported memories and tables depend on their current size,
   * which only the running program knows: a C condition that is true when
   * they match (§4.5.2.1), or "" when there is nothing to check. */
  private runtimeLinkCheck(m: WasmModule): string {
    const conds: string[] = [];
    for (const imp of m.imports) {
      if (imp.kind !== "memory" && imp.kind !== "table") continue;
      const want = imp.kind === "memory" ? m.memories[imp.index] : m.tables[imp.index].limits;
      const obj =
        imp.module === "spectest"
          ? `(&spectest_${imp.kind})`
          : `${this.registered.get(imp.module)!.prefix}_export_${mangle(imp.field)}()`;
      const [size, max] = imp.kind === "memory" ? ["pages", "max_pages"] : ["size", "max"];
      let cond = `${obj}->${size} >= ${want.min}u`;
      if (want.max !== undefined) cond += ` && ${obj}->${max} != WRT_NO_MAX && ${obj}->${max} <= ${want.max}u`;
      conds.push(`(${cond})`);
    }
    return conds.join(" && ");
  }

  private importWrappers(inst: Instance): void {
    const m = inst.module;
    const symbols = importSymbols(m, inst.prefix);
    const done = new Set<string>();
    for (const imp of m.imports) {
      const name = symbols.get(`${imp.kind}:${imp.index}`)!;
      if (done.has(name)) continue;
      done.add(name);
      if (imp.kind === "func") {
        const t = m.types[m.funcs[imp.index]];
        const params = t.params.map((p, k) => `${cType(p)} a${k}`).join(", ") || "void";
        const args = t.params.map((_, k) => `a${k}`).join(", ");
        let target: string;
        if (imp.module === "spectest") target = `spectest_print`;
        else {
          const from = this.registered.get(imp.module)!;
          target = `${from.prefix}_export_${mangle(imp.field)}`;
        }
        const call = imp.module === "spectest" ? `(void)0` : `${target}(${args})`;
        this.wrappers.push(`${returnType(t.results)} ${name}(${params}) { ${t.results.length ? "return " : ""}${call}; }`);
        continue;
      }
      const type = imp.kind === "memory" ? "wrt_memory *" : imp.kind === "table" ? "wrt_table *" : `${cType(m.globals[imp.index].type.type)} *`;
      let target: string;
      if (imp.module === "spectest") {
        target = imp.kind === "global" ? `&spectest_${imp.field}` : `&spectest_${imp.kind}`;
      } else {
        target = `${this.registered.get(imp.module)!.prefix}_export_${mangle(imp.field)}()`;
      }
      this.wrappers.push(`${type}${name}(void) { return ${target}; }`);
    }
  }

  private module(c: Command, expectTrap = false): void {
    const prefix = `m${this.instances.length}`;
    let inst: Instance;
    try {
      inst = { prefix, module: this.lowerFile(c.filename!, prefix, true) };
    } catch (e) {
      inst = { prefix, module: undefined as never, broken: `module refused: ${(e as Error).message}` };
    }
    this.instances.push(inst);
    if (!expectTrap) {
      this.last = inst;
      if (c.name) this.named.set(c.name, inst);
    }
    if (!inst.broken) {
      const err = this.linkError(inst.module);
      if (err) inst.broken = `link error: ${err}`;
    }
    if (inst.broken) {
      this.verdict(c, "failed", inst.broken);
      return;
    }
    this.cFiles.push(`${prefix}.c`);
    this.headers.push(`${prefix}.h`);
    this.importWrappers(inst);
    const v = this.pending(c);
    const check = this.runtimeLinkCheck(inst.module);
    if (check) {
      // A module that fails this check is not instantiated; later commands on it then fail.
      this.main.push(`if (!(${check})) { fail(${v}, "link error: incompatible import type"); return; }`);
    }
    if (expectTrap) {
      this.main.push(`{ int k = WRT_HOST_TRY(${prefix}_instantiate()); if (k) ok(${v}); else fail(${v}, "instantiated, but the suite expects a trap: %s", ${JSON.stringify(c.text ?? "")}); }`);
    } else {
      this.main.push(`{ int k = WRT_HOST_TRY(${prefix}_instantiate()); if (k) fail(${v}, "instantiation trapped: %s", wrt_trap_message(k)); else ok(${v}); }`);
    }
  }

  private action(c: Command): void {
    const a = c.action!;
    const inst = a.module ? this.named.get(a.module) : this.last;
    if (!inst) {
      this.verdict(c, "failed", "no module");
      return;
    }
    if (inst.broken) {
      this.verdict(c, "failed", inst.broken);
      return;
    }
    const exp = inst.module.exports.find((e) => e.name === a.field);
    if (!exp) {
      this.verdict(c, "failed", `no export ${a.field}`);
      return;
    }
    const fn = `${inst.prefix}_export_${mangle(a.field)}`;
    let results: ValType[];
    let call: string;
    if (a.type === "get") {
      results = [inst.module.globals[exp.index].type.type];
      call = `(*${fn}())`;
    } else {
      const t = inst.module.types[inst.module.funcs[exp.index]];
      results = t.results;
      call = `${fn}(${(a.args ?? []).map(literal).join(", ")})`;
    }
    const v = this.pending(c);
    const decl = results.length ? `${returnType(results)} r;` : "";
    const assign = results.length ? `r = ${call}` : call;
    const lines = [`{ ${decl} int k = WRT_HOST_TRY(${assign});`];
    if (c.type === "assert_trap" || c.type === "assert_exhaustion") {
      const text = c.type === "assert_exhaustion" ? "call stack exhausted" : c.text!;
      lines.push(
        `  if (!k) fail(${v}, "returned, but the suite expects a trap: %s", ${JSON.stringify(text)});`,
        `  else if (!trap_matches(k, ${JSON.stringify(text)})) fail(${v}, "trapped with \\"%s\\", the suite expects \\"%s\\"", wrt_trap_message(k), ${JSON.stringify(text)});`,
        `  else ok(${v});`,
      );
    } else {
      lines.push(`  if (k) fail(${v}, "trapped: %s in %s", wrt_trap_message(k), wrt_host_trap_func);`);
      const checks = c.type === "assert_return" ? (c.expected ?? []).map((e, i) => check(results.length > 1 ? `r.v${i}` : "r", e)) : [];
      if (checks.length) {
        lines.push(`  else if (!(${checks.map((x) => x.test).join(" && ")})) fail(${v}, "got ${checks.map((x) => x.fmt).join(" ")}"${checks.flatMap((x) => x.args).map((s) => ", " + s).join("")});`);
      }
      lines.push(`  else ok(${v});`);
    }
    lines.push("}");
    this.main.push(lines.join("\n"));
  }

  driverSource(): string {
    return [
      `#include <stdio.h>`,
      `#include <string.h>`,
      `#include "host.h"`,
      ...this.headers.map((h) => `#include "${h}"`),
      ``,
      `static void ok(int v) { printf("%d ok\\n", v); }`,
      `__attribute__((format(printf, 2, 3))) static void fail(int v, const char *f, ...) {`,
      `  __builtin_va_list ap; __builtin_va_start(ap, f); printf("%d fail ", v); vprintf(f, ap); printf("\\n"); __builtin_va_end(ap);`,
      `}`,
      `static int trap_matches(int k, const char *want) {`,
      `  const char *have = wrt_trap_message(k);`,
      `  return strncmp(have, want, strlen(have)) == 0 || strncmp(have, want, strlen(want)) == 0;`,
      `}`,
      `static void spectest_print(void) {}`,
      `static u32 spectest_global_i32 = 666;`,
      `static u64 spectest_global_i64 = 666;`,
      `static f32 spectest_global_f32 = 666.6f;`,
      `static f64 spectest_global_f64 = 666.6;`,
      `static wrt_memory spectest_memory;`,
      `static wrt_table spectest_table;`,
      ``,
      ...this.wrappers,
      ``,
      // One small function per command: gcc is slow on one huge function
      // full of sigsetjmp calls.
      ...this.main.map((l, i) => `static void cmd${i}(void) {\n  ${l.replace(/\n/g, "\n  ")}\n}`),
      ``,
      `int main(void) {`,
      `  wrt_host_init();`,
      `  wrt_memory_init(&spectest_memory, 1, 2);`,
      `  wrt_table_init(&spectest_table, 10, 20);`,
      `  setvbuf(stdout, 0, _IOLBF, 0);`,
      ...this.main.map((_, i) => `  cmd${i}();`),
      `  return 0;`,
      `}`,
      ``,
    ].join("\n");
  }
}

function literal(v: Value): string {
  switch (v.type) {
    case "i32": return `${v.value}u`;
    case "i64": return `${v.value}ull`;
    case "f32": return `wrt_f32_from(${v.value}u)`;
    case "f64": return `wrt_f64_from(${v.value}ull)`;
    case "externref":
    case "funcref":
      return v.value === "null" ? "((wrt_ref)0)" : `((wrt_ref)(uintptr_t)${BigInt(v.value!) + 1n}ull)`;
  }
  throw new Error(`unsupported value type ${v.type}`);
}

/** A C test of one result against the suite's expectation, and how to print it. */
function check(r: string, e: Value): { test: string; fmt: string; args: string[] } {
  switch (e.type) {
    case "i32":
      return { test: `${r} == ${e.value}u`, fmt: "0x%x", args: [r] };
    case "i64":
      return { test: `${r} == ${e.value}ull`, fmt: "0x%llx", args: [`(unsigned long long)${r}`] };
    case "f32": {
      const bits = `wrt_f32_bits(${r})`;
      const test =
        e.value === "nan:canonical" ? `(${bits} & 0x7fffffffu) == 0x7fc00000u`
        : e.value === "nan:arithmetic" ? `(${bits} & 0x7fc00000u) == 0x7fc00000u`
        : `${bits} == ${e.value}u`;
      return { test, fmt: "f32:0x%x", args: [bits] };
    }
    case "f64": {
      const bits = `wrt_f64_bits(${r})`;
      const test =
        e.value === "nan:canonical" ? `(${bits} & 0x7fffffffffffffffull) == 0x7ff8000000000000ull`
        : e.value === "nan:arithmetic" ? `(${bits} & 0x7ff8000000000000ull) == 0x7ff8000000000000ull`
        : `${bits} == ${e.value}ull`;
      return { test, fmt: "f64:0x%llx", args: [`(unsigned long long)${bits}`] };
    }
    case "externref":
    case "funcref": {
      const test = e.value === "null" ? `${r} == 0` : e.value === undefined ? `${r} != 0` : `${r} == ${literal(e)}`;
      return { test, fmt: "ref:%p", args: [`(void *)${r}`] };
    }
  }
  throw new Error(`unsupported value type ${e.type}`);
}

export interface RunOptions {
  /** Extra C compiler flags, e.g. ["-DWRT_BOUNDS_EXPLICIT"]. */
  cflags?: string[];
  /** Where the C and the program go. */
  buildDir?: string;
}

/** The C compiler flags lowered code needs for exact float semantics. */
export const requiredCFlags = loweredCodeFlags;

export async function runSpecFile(name: string, opts: RunOptions = {}): Promise<FileResult> {
  const dir = path.join(specDir, name);
  const json = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), "utf8")) as { commands: Command[] };
  const outDir = path.join(opts.buildDir ?? path.join(root, "build/spec"), name);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const d = new Driver(name, dir, outDir);
  for (const c of json.commands) d.command(c);

  if (d.main.length > 0) {
    fs.writeFileSync(path.join(outDir, "driver.c"), d.driverSource());
    const exe = path.join(outDir, "driver");
    const flags = ["-O1", "-w", ...requiredCFlags, ...(opts.cflags ?? []), `-I${runtimeDir}`, `-I${outDir}`];
    try {
      await run("gcc", [...flags, "-o", exe, path.join(outDir, "driver.c"), ...d.cFiles.map((f) => path.join(outDir, f)), path.join(runtimeDir, "host.c")], { maxBuffer: 64 << 20 });
    } catch (e) {
      const msg = String((e as { stderr?: string }).stderr ?? e).split("\n").slice(0, 20).join("\n");
      for (const v of d.verdicts) if (v.why === "the driver did not report") v.why = `C compilation failed: ${msg}`;
      return summarise(name, d.verdicts);
    }
    let stdout = "";
    try {
      ({ stdout } = await run(exe, [], { maxBuffer: 64 << 20, timeout: 120_000 }));
    } catch (e) {
      stdout = String((e as { stdout?: string }).stdout ?? "");
      const why = `driver crashed: ${String((e as Error).message).split("\n")[0]}`;
      for (const v of d.verdicts) if (v.why === "the driver did not report") v.why = why;
    }
    for (const line of stdout.split("\n")) {
      const m = /^(\d+) (ok|fail)(?: (.*))?$/.exec(line);
      if (!m) continue;
      const v = d.verdicts[Number(m[1])];
      if (m[2] === "ok") {
        v.outcome = "passed";
        v.why = undefined;
      } else v.why = m[3];
    }
  }
  return summarise(name, d.verdicts);
}

function summarise(name: string, verdicts: Verdict[]): FileResult {
  const count = (o: Verdict["outcome"]) => verdicts.filter((v) => v.outcome === o).length;
  return { name, passed: count("passed"), failed: count("failed"), skipped: count("skipped"), verdicts };
}
