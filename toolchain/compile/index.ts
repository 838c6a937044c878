/**
 * Stage 1, compile: AssemblyScript sources to a WebAssembly module, through
 * the AssemblyScript compiler's API, with the incremental GC runtime.
 *
 * Promises: on success the module's bytes, with its name section (function
 * names survive to trap messages); on failure a BuildError located at the
 * first error as `file:line:column`, every further error in its details.
 * Nothing is written to disk here.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import asc from "assemblyscript/dist/asc.js";
import { BuildError, type SourceLocation } from "../diagnostics.ts";
import { root } from "../root.ts";
import { parseModule } from "../lower/wasm/module.ts";
import { explainDiagnostic, findUse, hostApiMessage, hostImports } from "./host-apis.ts";

export interface CompileOptions {
  /** The entry file, e.g. apps/hello/main.ts. */
  entry: string;
  /** Extra sources the entry imports by path but that exist only in memory
   * (generated asset modules), keyed by path relative to baseDir. */
  virtualFiles?: Record<string, string>;
  /** Directory paths in diagnostics are relative to (default: cwd). */
  baseDir?: string;
  /** Keep assertions and emit debug info. */
  debug?: boolean;
  /** Extra asc flags, e.g. ["--exportStart", "_start"] for tests. */
  extraFlags?: string[];
}

export interface CompileResult {
  wasm: Uint8Array;
  /** The source map, when extraFlags asked for one (--sourceMap). */
  sourceMap?: string;
  /** Non-fatal diagnostics, formatted. */
  warnings: string[];
  /** Every file the compiler looked for, relative to baseDir, with its
   * text, or null if it did not exist (what the build cache checks). */
  files: Map<string, string | null>;
}

interface Diagnostic {
  category: number;
  message: string;
  code: number;
  range: { start: number; source: { normalizedPath: string } | null } | null;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const ERROR = 3; // asc's DiagnosticCategory: Pedantic, Info, Warning, Error

/**
 * Morgana's libraries as a package: `import { println } from
 * "morgana/platform"` makes asc look for node_modules/morgana/platform.ts
 * and then node_modules/morgana/platform/index.ts (asc resolves package
 * imports through node_modules folders, not package.json); both mean
 * libos/platform/ of this Morgana, wherever the app is. The file to read
 * for `file`, or undefined when it is not such an import.
 */
export function packageFile(file: string): string | undefined {
  const m = /[\\/]node_modules[\\/]morgana[\\/](.+)$/.exec(file);
  return m ? path.join(root, "libos", m[1]) : undefined;
}

export async function compile(opts: CompileOptions): Promise<CompileResult> {
  const baseDir = path.resolve(opts.baseDir ?? process.cwd());
  const entry = path.relative(baseDir, path.resolve(baseDir, opts.entry));
  const outputs = new Map<string, Uint8Array | string>();
  const errors: { text: string; location?: SourceLocation }[] = [];
  const warnings: string[] = [];
  const stderr: string[] = [];
  // What asc read, by its normalized path, to place diagnostics.
  const sources = new Map<string, string>();
  const files = new Map<string, string | null>();

  const argv = [
    entry,
    "--outFile", "out.wasm",
    "--baseDir", baseDir,
    "--runtime", "incremental",
    // Names and a non-optimised module: binaryen optimises in stage 2, and
    // the name section must survive for trap messages.
    "--debug",
    "--noColors",
    ...(opts.extraFlags ?? []),
  ];
  const result = await asc.main(argv, {
    readFile: async (file: string, dir: string) => {
      const asked = path.resolve(dir, file);
      const rel = path.relative(baseDir, asked);
      let text: string | null = opts.virtualFiles?.[rel] ?? null;
      if (text === null) {
        // What the file really is (a package import of morgana's libraries
        // is read from libos/), as the build cache must check it.
        const full = packageFile(asked) ?? asked;
        const real = path.relative(baseDir, full);
        try {
          text = await readFile(full, "utf8");
        } catch {
          files.set(real, null);
          return null;
        }
        files.set(real, text);
      }
      sources.set(rel, text);
      // asc names a package's files ~lib/PACKAGE/...: diagnostics look them up so.
      const pkg = /(?:^|[\\/])node_modules[\\/](.*)$/.exec(rel);
      if (pkg) sources.set(`~lib/${pkg[1].split(path.sep).join("/")}`, text);
      return text;
    },
    writeFile: (name: string, contents: Uint8Array | string) => {
      outputs.set(name, contents);
    },
    listFiles: () => [],
    stdout: { write: () => true } as never,
    stderr: { write: (s: string) => (stderr.push(String(s)), true) } as never,
    reportDiagnostic: (d: Diagnostic) => {
      let location: SourceLocation | undefined;
      let lineText = "";
      const file = d.range?.source?.normalizedPath;
      if (d.range && file !== undefined) {
        const text = sources.get(file);
        const at = text === undefined ? { line: 0, column: 0 } : lineColumn(text, d.range.start);
        location = { file, ...at };
        lineText = text?.split("\n")[at.line - 1] ?? "";
      }
      const where = location ? `${location.file}:${location.line}:${location.column}: ` : "";
      const text = `${where}AS${d.code}: ${explainDiagnostic(d.code, d.message, lineText) ?? d.message}`;
      if (d.category === ERROR) errors.push({ text, location });
      else warnings.push(text);
    },
  } as never);

  if (errors.length > 0) {
    throw new BuildError(
      "E_ASC",
      errors[0].text.replace(/^[^ ]*: /, ""),
      errors[0].location,
      errors.slice(1).map((e) => e.text),
    );
  }
  const wasm = outputs.get("out.wasm");
  if (result.error || !(wasm instanceof Uint8Array)) {
    const why = result.error?.message ?? "no module was produced";
    throw new BuildError("E_ASC", `${why}${stderr.length ? "\n" + stderr.join("") : ""}`);
  }
  // Host APIs asc's standard library imports from "env" (console.log,
  // Date.now, ...) would otherwise fail only when the image is linked.
  const host = hostImports(parseModule(wasm).imports);
  if (host.length) {
    const err = (i: { module: string; field: string }) => {
      const what = i.module === "env" ? i.field : `${i.module}.${i.field}`;
      return { message: hostApiMessage(i.field.split(".")[0], what), location: findUse(i.field, files) };
    };
    const [first, ...rest] = host.map(err);
    throw new BuildError("E_HOST_API", first.message, first.location,
      rest.map((r) => `${r.location ? `${r.location.file}:${r.location.line}:${r.location.column}: ` : ""}${r.message}`));
  }
  const map = outputs.get("out.wasm.map");
  const sourceMap = map === undefined ? undefined : typeof map === "string" ? map : Buffer.from(map).toString("utf8");
  return { wasm, warnings, files, sourceMap };
}
