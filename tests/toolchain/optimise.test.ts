/**
 * Stage 2, optimise: binaryen's passes make the module smaller without
 * changing what it computes or losing the names trap messages use.
 */
import { describe, expect, test } from "vitest";
import binaryen from "binaryen";
import { optimise } from "../../toolchain/optimise/index.ts";
import { parseModule } from "../../toolchain/lower/wasm/module.ts";

const text = `(module
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $waste (export "waste") (param $x i32) (result i32)
    (local $unused i32)
    (local.set $unused (i32.const 5))
    (i32.add (call $square (local.get $x)) (i32.add (i32.const 1) (i32.const 2))))
  (func $divide (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))`;

function assemble(): Uint8Array {
  const m = binaryen.parseText(text);
  binaryen.setDebugInfo(true);
  const out = m.emitBinary();
  m.dispose();
  return out;
}

describe("optimise", () => {
  test("shrinks the module and computes the same results", async () => {
    const before = assemble();
    const after = optimise(before);
    expect(after.length).toBeLessThan(before.length);
    const run = (bytes: Uint8Array) => new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as Record<string, (...a: number[]) => number>;
    const [a, b] = [run(before), run(after)];
    for (const x of [0, 3, -7, 46341]) expect(b.waste(x)).toBe(a.waste(x));
  });

  test("keeps traps: division by zero still traps", async () => {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(optimise(assemble()) as Uint8Array<ArrayBuffer>));
    expect(() => (instance.exports.divide as (a: number, b: number) => number)(1, 0)).toThrow(/divide by zero/);
  });

  test("keeps the name section", () => {
    const names = [...parseModule(optimise(assemble())).funcNames.values()];
    expect(names).toContain("divide");
  });
});
