/**
 * Stage 1, compile: AssemblyScript to WebAssembly through asc's API, with
 * the incremental runtime and the name section; errors located as
 * file:line:column.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { compile, lineColumn } from "../../toolchain/compile/index.ts";
import { BuildError } from "../../toolchain/diagnostics.ts";
import { parseModule } from "../../toolchain/lower/wasm/module.ts";

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "morgana-compile-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("compile", () => {
  test("produces a module with the incremental GC and function names", async () => {
    const dir = project({ "main.ts": "export function twice(x: i32): i32 { return x * 2; }\nconst s = new Array<string>(3);\n" });
    const { wasm } = await compile({ entry: "main.ts", baseDir: dir });
    const m = parseModule(wasm);
    const names = [...m.funcNames.values()];
    expect(names).toContain("main/twice");
    // The incremental collector (itcms), not the minimal or stub runtime.
    expect(names.some((n) => n.startsWith("~lib/rt/itcms/"))).toBe(true);
    expect(m.exports.map((e) => e.name)).toContain("twice");
  });

  test("locates an error as file:line:column and reports every further one", async () => {
    const dir = project({ "main.ts": "let a: i32 = 1;\n\nlet b: string = a;\nc = 3;\n" });
    try {
      await compile({ entry: "main.ts", baseDir: dir });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BuildError);
      const err = e as BuildError;
      expect(err.code).toBe("E_ASC");
      expect(err.location).toEqual({ file: "main.ts", line: 3, column: 17 });
      expect(err.format()).toMatch(/^main\.ts:3:17: error E_ASC: AS2322: Type 'i32' is not assignable/);
      expect(err.details.join("\n")).toMatch(/^main\.ts:4:1: AS2304: Cannot find name 'c'/);
    }
  });

  test("an import of a missing file is an error naming it", async () => {
    const dir = project({ "main.ts": 'import { x } from "./nowhere";\nexport const y = x;\n' });
    await expect(compile({ entry: "main.ts", baseDir: dir })).rejects.toThrow(/nowhere/);
  });

  test("lineColumn counts from 1", () => {
    expect(lineColumn("ab\ncd\n", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn("ab\ncd\n", 4)).toEqual({ line: 2, column: 2 });
  });
});
