/**
 * The shape of the generated C where speed depends on it: what gcc is
 * given decides whether a load folds into arithmetic or an index into an
 * addressing mode. These tests read the C (expected C, as wasm2c's tests
 * do); the golden tests check that it still traps where it must.
 */
import { expect, test } from "vitest";
import { lower } from "../../toolchain/lower/index.ts";
import { wat } from "./golden.ts";

const c = (text: string) => lower(wat(text), { prefix: "t", headerName: "t.h" }).c;

test("a loaded value is kept after the arithmetic it feeds, not at the load", () => {
  const src = c(`(module (memory 1)
    (func (export "f") (param i32 f64)
      (f64.store (local.get 0) (f64.add (f64.mul (f64.load (local.get 0)) (local.get 1)) (f64.load offset=8 (local.get 0))))))`);
  const lines = src.split("\n").map((l) => l.trim());
  const loads = lines.filter((l) => l.includes("wrt_load_f64_tracked"));
  expect(loads).toHaveLength(2);
  const keeps = lines.filter((l) => l.startsWith("WRT_KEEP"));
  expect(keeps).toHaveLength(1); // once, the sum, right before the store
  const keepAt = lines.findIndex((l) => l.startsWith("WRT_KEEP"));
  expect(lines[keepAt - 1]).toMatch(/= \(sF\d \+ sF\d\);$/);
  expect(lines[keepAt + 1]).toMatch(/^wrt_store_f64\(/);
});

test("a dropped load and a load into a local are kept at once", () => {
  const src = c(`(module (memory 1)
    (func (export "f") (param i32) (local i32)
      (drop (i32.load (local.get 0)))
      (local.set 1 (i32.load offset=4 (local.get 0)))))`);
  const lines = src.split("\n").map((l) => l.trim());
  const i = lines.findIndex((l) => l.includes("wrt_load_u32_tracked") && l.includes("(u64)l0, fn0)"));
  expect(lines[i + 1]).toMatch(/^WRT_KEEP_INT\(si0\);$/);
  expect(i).toBeGreaterThan(0);
  const j = lines.findIndex((l) => l.includes("(u64)l0 + 4ull"));
  expect(j).toBeGreaterThan(i);
  expect(lines[j + 1]).toMatch(/^WRT_KEEP_INT\(si0\);$/);
});

test("a bounded index scaled onto a table's base is computed in 64 bits", () => {
  const src = c(`(module (memory 1)
    (func (export "f") (param i32) (result i32)
      (i32.load offset=16 (i32.add (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2)) (i32.const 1024)))))`);
  expect(src).toMatch(/sw\d = \(u64\)si\d << 2;/);
  expect(src).toMatch(/sw\d = sw\d \+ \(u64\)1024u;/);
  expect(src).toMatch(/wrt_load_u32_tracked\(mem0, b0, sw\d \+ 16ull, fn0\)/);
});

test("an index that may wrap stays 32-bit arithmetic", () => {
  const src = c(`(module (memory 1)
    (func (export "f") (param i32) (result i32)
      (i32.load (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 1024)))))`);
  expect(src).not.toMatch(/sw\d/);
  expect(src).toMatch(/wrt_load_u32_tracked\(mem0, b0, \(u64\)si\d, fn0\)/);
});
