/** Golden tests: tables (get, set, grow, size, fill, copy, init, elem.drop,
 * several tables), reference values (ref.null, ref.is_null, ref.func,
 * externref) and globals. */
import { test } from "vitest";
import { expectCalls, f64, i32, i64, nullRef, someExtern, trap, wat } from "./golden.ts";

const OOB = trap("out of bounds table access");

const tables = wat(`(module
  (type $r (func (result i32)))
  (table $t 2 10 funcref)
  (table $x 1 externref)
  (elem $e funcref (ref.func $one) (ref.func $two) (ref.func $three))
  (elem declare func $one)
  (func $one (type $r) (i32.const 1))
  (func $two (type $r) (i32.const 2))
  (func $three (type $r) (i32.const 3))
  (func (export "size") (result i32) (table.size $t))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "init") (param i32 i32 i32) (table.init $t $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (elem.drop $e))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_null") (param i32 i32) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
  (func (export "set_one") (param i32) (table.set $t (local.get 0) (ref.func $one)))
  (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0)))
  (func (export "get") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func (export "ext_set") (param i32 externref) (table.set $x (local.get 0) (local.get 1)))
  (func (export "ext_get") (param i32) (result externref) (table.get $x (local.get 0)))
  (func (export "ext_grow") (param externref i32) (result i32) (table.grow $x (local.get 0) (local.get 1)))
  (func (export "ext_is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "ext_size") (result i32) (table.size $x))
)`);

test("table operations on two tables, funcref and externref", async () => {
  await expectCalls(tables, [
    { fn: "size", expect: i32(2).p },
    { fn: "is_null", args: [i32(0)], expect: i32(1).p },
    { fn: "call", args: [i32(0)], expect: trap("uninitialized element") },
    { fn: "init", args: [i32(0), i32(1), i32(2)], expect: "" }, // $two $three
    { fn: "call", args: [i32(0)], expect: i32(2).p },
    { fn: "call", args: [i32(1)], expect: i32(3).p },
    { fn: "init", args: [i32(1), i32(2), i32(2)], expect: OOB }, // past the segment: nothing written
    { fn: "call", args: [i32(1)], expect: i32(3).p },
    { fn: "grow", args: [i32(3)], expect: i32(2).p },
    { fn: "size", expect: i32(5).p },
    { fn: "grow", args: [i32(6)], expect: i32(-1).p }, // past the maximum of 10
    { fn: "copy", args: [i32(3), i32(0), i32(2)], expect: "" },
    { fn: "call", args: [i32(4)], expect: i32(3).p },
    { fn: "copy", args: [i32(4), i32(0), i32(2)], expect: OOB },
    { fn: "fill_null", args: [i32(0), i32(2)], expect: "" },
    { fn: "is_null", args: [i32(1)], expect: i32(1).p },
    { fn: "fill_null", args: [i32(4), i32(2)], expect: OOB },
    { fn: "call", args: [i32(4)], expect: i32(3).p }, // the failed fill wrote nothing
    { fn: "set_one", args: [i32(2)], expect: "" },
    { fn: "call", args: [i32(2)], expect: i32(1).p },
    { fn: "get", args: [i32(2)], expect: "ref:nonnull" },
    { fn: "get", args: [i32(5)], expect: OOB },
    { fn: "set_one", args: [i32(5)], expect: OOB },
    { fn: "drop", expect: "" },
    { fn: "init", args: [i32(0), i32(0), i32(1)], expect: OOB },
    { fn: "init", args: [i32(0), i32(0), i32(0)], expect: "" },
    { fn: "ext_get", args: [i32(0)], expect: "ref:null" },
    { fn: "ext_set", args: [i32(0), someExtern], expect: "" },
    { fn: "ext_get", args: [i32(0)], expect: "ref:nonnull" },
    { fn: "ext_grow", args: [someExtern, i32(2)], expect: i32(1).p },
    { fn: "ext_size", expect: i32(3).p },
    { fn: "ext_get", args: [i32(2)], expect: "ref:nonnull" },
    { fn: "ext_is_null", args: [nullRef("externref")], expect: i32(1).p },
    { fn: "ext_is_null", args: [someExtern], expect: i32(0).p },
  ]);
});

const globals = wat(`(module
  (global $count (mut i32) (i32.const 0))
  (global $wide (mut i64) (i64.const -1))
  (global $scale f64 (f64.const 2.5))
  (global $fn (mut funcref) (ref.null func))
  (func $f)
  (elem declare func $f)
  (func (export "bump") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count))
  (func (export "wide") (result i64) (global.get $wide))
  (func (export "set_wide") (param i64) (global.set $wide (local.get 0)))
  (func (export "scaled") (param f64) (result f64) (f64.mul (local.get 0) (global.get $scale)))
  (func (export "fn_is_null") (result i32) (ref.is_null (global.get $fn)))
  (func (export "set_fn") (global.set $fn (ref.func $f)))
)`);

test("globals: mutable and immutable, every type, references", async () => {
  await expectCalls(globals, [
    { fn: "bump", expect: i32(1).p },
    { fn: "bump", expect: i32(2).p },
    { fn: "wide", expect: i64(-1n).p },
    { fn: "set_wide", args: [i64(1n << 40n)], expect: "" },
    { fn: "wide", expect: i64(1n << 40n).p },
    { fn: "scaled", args: [f64(4)], expect: f64(10).p },
    { fn: "fn_is_null", expect: i32(1).p },
    { fn: "set_fn", expect: "" },
    { fn: "fn_is_null", expect: i32(0).p },
  ]);
});
