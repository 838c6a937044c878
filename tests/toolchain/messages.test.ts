/**
 * What a TypeScript developer tries first, built as a small broken app
 * each: the build stops at compile time with the use's file:line:column
 * and says what to write instead (not a link error about a C symbol, not
 * asc's bare "Type expected").
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, onTestFinished, test } from "vitest";
import { compile } from "../../toolchain/compile/index.ts";
import { BuildError } from "../../toolchain/diagnostics.ts";

/** Compiles apps/broken/main.ts holding `source`; the BuildError's text. */
async function failure(source: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "morgana-messages-"));
  mkdirSync(path.join(dir, "apps/broken"), { recursive: true });
  writeFileSync(path.join(dir, "apps/broken/main.ts"), source);
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await compile({ entry: "apps/broken/main.ts", baseDir: dir });
  } catch (e) {
    expect(e).toBeInstanceOf(BuildError);
    return (e as BuildError).format();
  }
  throw new Error("the broken app compiled");
}

const at = (line: number, column: number) => `apps/broken/main.ts:${line}:${column}: error`;

describe("host APIs are refused at compile time with the replacement", () => {
  test.each([
    ["console.log", 'export function f(): void {\n  console.log("hi");\n}\nf();\n', 2, 3, /console\.log is a host API.*use println\(text\) from libos\/platform/],
    ["Date.now()", "export const t = Date.now();\n", 1, 18, /Date\.now is a host API.*wallNow\(\).*now\(\)/],
    ["performance.now()", "\nexport const t = performance.now();\n", 2, 18, /performance\.now is a host API.*now\(\) from libos\/platform/],
    ["process", "process.exit(1);\n", 1, 1, /process\.exit is a host API.*exit\(status\) from libos\/platform/],
    ["setTimeout", "export function f(): void {}\nsetTimeout(f, 10);\n", 2, 1, /setTimeout is a host API.*a Timer from libos\/platform: class Tick extends Timer/],
    ["fetch", 'fetch("http://example.com/");\n', 1, 1, /fetch is a host API.*TCP connection from libos\/net\/tcp/],
    ["require", 'const m = require("fs");\n', 1, 11, /require is a host API.*an import statement/],
  ])("%s", async (_, source, line, column, message) => {
    const text = await failure(source);
    expect(text.startsWith(at(line, column))).toBe(true);
    expect(text).toMatch(message);
    expect(text).not.toMatch(/undefined reference|report the \.c file/);
  });
});

describe("language features AssemblyScript lacks", () => {
  test("a closure that captures says so and shows the handler-class pattern", async () => {
    const text = await failure("export function adder(k: i32): i32 {\n  const add = (x: i32): i32 => x + k;\n  return add(1);\n}\n");
    expect(text.startsWith(at(2, 36))).toBe(true);
    expect(text).toMatch(/AssemblyScript has no closures.*handler class/);
  });

  test("an arrow function without types says what to write and why", async () => {
    const text = await failure("export function f(): i32 {\n  const g = (x) => x + 1;\n  return g(1);\n}\n");
    expect(text).toMatch(/^apps\/broken\/main\.ts:2:\d+: error E_ASC: AS1110: Type expected\. An arrow function needs a type on every parameter/);
    expect(text).toMatch(/no closures/);
  });

  test("try/catch says there are no exceptions and what to do instead", async () => {
    const text = await failure("export function f(): i32 {\n  try {\n    return 1;\n  } catch (e) {\n    return 2;\n  }\n}\n");
    expect(text).toMatch(/^apps\/broken\/main\.ts:2:3: error E_ASC: AS100: AssemblyScript has no exceptions.*Return an error value/);
  });
});
