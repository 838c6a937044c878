/**
 * A module lowered into several C files (what the build does, one per
 * core) behaves as the single file does: calls between functions in
 * different files, globals, data segments, memory, and a table with
 * call_indirect, including a trap from a function in another file.
 */
import { describe, expect, test } from "vitest";
import { lower } from "../../toolchain/lower/index.ts";
import { expectCalls, i32, trap, wat } from "./golden.ts";

const module = wat(`(module
  (memory 1)
  (data (i32.const 16) "Morgana")
  (global $count (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $double $third)
  (type $unary (func (param i32) (result i32)))
  (func $double (param i32) (result i32) (global.set $count (i32.add (global.get $count) (i32.const 1))) (i32.mul (local.get 0) (i32.const 2)))
  (func $third (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
  (func $byte (param i32) (result i32) (i32.load8_u offset=16 (local.get 0)))
  (func $via (param i32 i32) (result i32) (call_indirect (type $unary) (local.get 0) (local.get 1)))
  (func (export "double") (param i32) (result i32) (call $double (local.get 0)))
  (func (export "indirect") (param i32 i32) (result i32) (call $via (local.get 0) (local.get 1)))
  (func (export "byte") (param i32) (result i32) (call $byte (local.get 0)))
  (func (export "count") (result i32) (global.get $count)))`);

const calls = [
  { fn: "double", args: [i32(21)], expect: "i32:42" },
  { fn: "indirect", args: [i32(5), i32(0)], expect: "i32:10" },
  { fn: "byte", args: [i32(0)], expect: `i32:${"M".charCodeAt(0)}` },
  { fn: "byte", args: [i32(6)], expect: `i32:${"a".charCodeAt(0)}` },
  { fn: "count", expect: "i32:2" },
  { fn: "indirect", args: [i32(5), i32(1)], expect: trap("integer divide by zero") },
];

describe("a module split into several C files", () => {
  test("is split as asked, shared names prefixed", () => {
    const out = lower(module, { prefix: "t", headerName: "t.h", units: 3 });
    expect(out.units).toHaveLength(2);
    for (const c of [out.c, ...out.units]) expect(c).toContain('#include "t.h"');
    expect(out.c).toMatch(/^u32 t_f_\d+\(u32\);$/m);
    expect(lower(module, { prefix: "t", headerName: "t.h" }).c).not.toContain("t_f_");
  });

  test.each([1, 3, 8])("behaves the same in %i file(s)", async (units) => {
    await expectCalls(module, calls, { units });
  });
});
