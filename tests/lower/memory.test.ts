/**
 * Golden tests: loads, stores, memory.size and memory.grow, bulk memory;
 * every trap, and the state of memory after it (a trap writes nothing).
 * Each test runs twice: with guard pages (the default) and with explicit
 * bounds checks (-DWRT_BOUNDS_EXPLICIT).
 */
import { describe, test } from "vitest";
import { expectCalls, f32, f64, i32, i64, trap, wat } from "./golden.ts";

const OOB = trap("out of bounds memory access");
const PAGE = 65536;

const access = wat(`(module
  (memory 1 2)
  (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\80\\ff")
  (func (export "i32.load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "i32.load_off") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "i64.load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "i32.load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "i32.load16_s") (param i32) (result i32) (i32.load16_s (local.get 0)))
  (func (export "i64.load16_u") (param i32) (result i64) (i64.load16_u (local.get 0)))
  (func (export "i64.load32_s") (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func (export "i64.load8_s") (param i32) (result i64) (i64.load8_s (local.get 0)))
  (func (export "f32.load") (param i32) (result f32) (f32.load (local.get 0)))
  (func (export "f64.load") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "i32.store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "i32.store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "i64.store16") (param i32 i64) (i64.store16 (local.get 0) (local.get 1)))
  (func (export "i64.store32") (param i32 i64) (i64.store32 (local.get 0) (local.get 1)))
  (func (export "i64.store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "f64.store") (param i32 f64) (f64.store (local.get 0) (local.get 1)))
  (func (export "f32.store") (param i32 f32) (f32.store offset=8 (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  ;; Loads whose value is unused, or used in part, or in a way gcc can
  ;; fold, must still trap (c/function.ts, "pending").
  (func (export "dropped") (param i32) (drop (i64.load (local.get 0))))
  (func (export "dropped_sum") (param i32) (drop (f64.add (f64.load (local.get 0)) (f64.const 1))))
  (func (export "wrapped") (param i32) (result i32) (i32.wrap_i64 (i64.load (local.get 0))))
  (func (export "masked") (param i32) (result i32) (i32.and (i32.load (local.get 0)) (i32.const 0xff)))
  (func (export "shifted") (param i32) (result i32) (i32.shr_u (i32.load (local.get 0)) (i32.const 24)))
  (func (export "impossible") (param i32) (result i32) (i32.eq (i32.load8_u (local.get 0)) (i32.const 300)))
  (func (export "times_zero") (param i32) (result i64) (i64.mul (i64.load (local.get 0)) (i64.const 0)))
  (func (export "self_sub") (param i32) (result i32) (i32.sub (i32.load (local.get 0)) (i32.load (local.get 0))))
  (func (export "into_local") (param i32) (local i32) (local.set 1 (i32.load (local.get 0))))
  (func (export "into_branch") (param i32) (result i32)
    (block (result i32) (br 0 (i32.const 7) (drop (i32.load (local.get 0))))))
  ;; The load comes first in Wasm order: the store must not happen.
  (func (export "load_then_store") (param i32) (result i32)
    (i32.load (local.get 0))
    (i32.store (i32.const 16) (i32.const 0x55))
    (i32.const 1)
    (i32.add))
  (func (export "peek16") (result i32) (i32.load (i32.const 16)))
)`);

// Addresses the lowering computes in 64 bits because they cannot wrap
// (a bounded index scaled onto a base), and ones that can wrap and must.
const lookups = wat(`(module
  (memory 1)
  (data (i32.const 1024) "\\10\\00\\00\\00\\11\\00\\00\\00\\12\\00\\00\\00")
  (data (i32.const 65532) "\\ff\\00\\00\\00")
  (func (export "table") (param i32) (result i32)
    (i32.load (i32.add (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2)) (i32.const 1024))))
  (func (export "table_near_end") (param i32) (result i32)
    (i32.load (i32.add (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2)) (i32.const 64512))))
  (func (export "table_high") (param i32) (result i32)
    (i32.load offset=0xffff0000 (i32.add (i32.and (local.get 0) (i32.const 255)) (i32.const 0xfffffe00))))
  (func (export "wraps") (param i32) (result i32)
    ;; unbounded: 0xfffffffc + 1028 wraps to 1024, a valid address
    (i32.load (i32.add (local.get 0) (i32.const 1028))))
  (func (export "almost_wraps") (param i32) (result i32)
    ;; bounded by 0xff + 0xffffff00 = 0xffffffff: not below 2^32 - 1, not widened
    (i32.load8_u (i32.add (i32.and (local.get 0) (i32.const 255)) (i32.const 0xffffff00))))
  (func (export "chained") (param i32) (result i32)
    ;; a byte read through an index read from memory; the value is dropped
    (drop (i32.load (i32.add (i32.shl (i32.load8_u (local.get 0)) (i32.const 2)) (i32.const 1024))))
    (i32.const 1))
)`);

const bulk = wat(`(module
  (memory 1)
  (data $seg "hello, world")
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $seg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $seg))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
)`);

for (const mode of ["guard pages", "explicit checks"]) {
  const opts = { cflags: mode === "explicit checks" ? ["-DWRT_BOUNDS_EXPLICIT"] : [] };
  describe(mode, () => {
    test("loads and stores of every width, offsets, bounds", async () => {
      await expectCalls(access, [
        { fn: "i32.load", args: [i32(0)], expect: i32(0x04030201).p },
        { fn: "i32.load", args: [i32(1)], expect: i32(0x05040302).p }, // unaligned
        { fn: "i32.load_off", args: [i32(0)], expect: i32(0x08070605).p },
        { fn: "i64.load", args: [i32(0)], expect: i64(0x0807060504030201n).p },
        { fn: "i32.load8_s", args: [i32(8)], expect: i32(-128).p },
        { fn: "i32.load8_u", args: [i32(9)], expect: i32(255).p },
        { fn: "i32.load16_s", args: [i32(8)], expect: i32(0xffffff80).p },
        { fn: "i64.load16_u", args: [i32(8)], expect: i64(0xff80n).p },
        { fn: "i64.load32_s", args: [i32(6)], expect: i64(BigInt.asIntN(32, 0xff800807n)).p },
        { fn: "i64.load8_s", args: [i32(9)], expect: i64(-1n).p },
        { fn: "i32.store", args: [i32(100), i32(0xdeadbeef)], expect: "" },
        { fn: "i32.load8_u", args: [i32(100)], expect: i32(0xef).p }, // little endian
        { fn: "i32.store8", args: [i32(100), i32(0x1234)], expect: "" },
        { fn: "i32.load", args: [i32(100)], expect: i32(0xdeadbe34).p },
        { fn: "i64.store16", args: [i32(102), i64(0xaaaabbccn)], expect: "" },
        { fn: "i32.load", args: [i32(100)], expect: i32(0xbbccbe34).p },
        { fn: "i64.store32", args: [i32(200), i64(0x1122334455667788n)], expect: "" },
        { fn: "i64.load", args: [i32(200)], expect: i64(0x55667788n).p },
        { fn: "f64.store", args: [i32(300), f64(-1.5)], expect: "" },
        { fn: "f64.load", args: [i32(300)], expect: f64(-1.5).p },
        { fn: "f32.store", args: [i32(300), f32(0.25)], expect: "" },
        { fn: "f32.load", args: [i32(308)], expect: f32(0.25).p },
        { fn: "i32.load", args: [i32(PAGE - 4)], expect: i32(0).p },
        { fn: "i32.load", args: [i32(PAGE - 3)], expect: OOB }, // partly out of bounds
        { fn: "i32.load_off", args: [i32(PAGE - 4)], expect: OOB },
        { fn: "i32.load_off", args: [i32(-4)], expect: OOB }, // address + offset does not wrap
        { fn: "i64.load", args: [i32(PAGE - 7)], expect: OOB },
        { fn: "f64.load", args: [i32(-1)], expect: OOB },
        { fn: "i32.store", args: [i32(PAGE - 2), i32(-1)], expect: OOB },
        { fn: "i32.load16_s", args: [i32(PAGE - 2)], expect: i32(0).p }, // the trapping store wrote nothing
        { fn: "i64.store", args: [i32(PAGE - 4), i64(-1n)], expect: OOB },
        { fn: "i32.load", args: [i32(PAGE - 4)], expect: i32(0).p },
        { fn: "size", expect: i32(1).p },
        { fn: "grow", args: [i32(1)], expect: i32(1).p },
        { fn: "i32.load", args: [i32(PAGE - 3)], expect: i32(0).p }, // now in bounds
        { fn: "i32.load", args: [i32(2 * PAGE - 3)], expect: OOB },
        { fn: "grow", args: [i32(1)], expect: i32(-1).p }, // past the maximum
        { fn: "grow", args: [i32(0)], expect: i32(2).p },
        { fn: "size", expect: i32(2).p },
      ], opts);
    });

    test("loads whose value is unused, partly used or foldable still trap", async () => {
      const at = i32(PAGE - 4); // an 8-byte access here is partly out of bounds
      await expectCalls(access, [
        { fn: "dropped", args: [i32(0)], expect: "" },
        { fn: "dropped", args: [at], expect: OOB },
        { fn: "dropped_sum", args: [at], expect: OOB },
        { fn: "wrapped", args: [i32(0)], expect: i32(0x04030201).p },
        { fn: "wrapped", args: [at], expect: OOB },
        { fn: "masked", args: [i32(PAGE - 1)], expect: OOB },
        { fn: "shifted", args: [i32(PAGE - 3)], expect: OOB },
        { fn: "impossible", args: [i32(0)], expect: i32(0).p },
        { fn: "impossible", args: [i32(PAGE)], expect: OOB },
        { fn: "times_zero", args: [at], expect: OOB },
        { fn: "self_sub", args: [i32(PAGE)], expect: OOB },
        { fn: "into_local", args: [i32(PAGE)], expect: OOB },
        { fn: "into_branch", args: [i32(PAGE)], expect: OOB },
        { fn: "into_branch", args: [i32(0)], expect: i32(7).p },
        { fn: "load_then_store", args: [i32(PAGE)], expect: OOB },
        { fn: "peek16", expect: i32(0).p }, // the store after the trapping load did not happen
        { fn: "load_then_store", args: [i32(0)], expect: i32(0x04030202).p },
        { fn: "peek16", expect: i32(0x55).p },
      ], opts);
    });

    test("table lookups through addresses that cannot wrap, and ones that can", async () => {
      await expectCalls(lookups, [
        { fn: "table", args: [i32(0x101)], expect: i32(0x11).p }, // index 1 after the mask
        { fn: "table", args: [i32(2)], expect: i32(0x12).p },
        { fn: "table_near_end", args: [i32(255)], expect: i32(0xff).p }, // 64512 + 1020 = 65532
        { fn: "table_near_end", args: [i32(254)], expect: i32(0).p },
        { fn: "table_high", args: [i32(0)], expect: OOB },
        { fn: "wraps", args: [i32(0xfffffffc)], expect: i32(0x10).p },
        { fn: "almost_wraps", args: [i32(0xff)], expect: OOB }, // 0xffffffff
        { fn: "chained", args: [i32(0)], expect: i32(1).p },
        { fn: "chained", args: [i32(PAGE)], expect: OOB }, // the inner read is out of bounds
        { fn: "chained", args: [i32(65532)], expect: i32(1).p }, // reads 0xff: 1024 + 1020 is fine
      ], opts);
    });

    test("bulk memory: fill, copy (overlapping), init, data.drop", async () => {
      await expectCalls(bulk, [
        { fn: "fill", args: [i32(10), i32(0x1ab), i32(4)], expect: "" },
        { fn: "load32", args: [i32(10)], expect: i32(0xabababab).p },
        { fn: "load8", args: [i32(14)], expect: i32(0).p },
        { fn: "init", args: [i32(100), i32(7), i32(5)], expect: "" },
        { fn: "load8", args: [i32(100)], expect: i32("w".charCodeAt(0)).p },
        { fn: "copy", args: [i32(101), i32(100), i32(4)], expect: "" }, // overlapping, forwards
        { fn: "load32", args: [i32(101)], expect: i32(0x6c726f77).p }, // "worl": memmove, not a byte loop
        { fn: "copy", args: [i32(100), i32(101), i32(4)], expect: "" }, // overlapping, backwards
        { fn: "load32", args: [i32(100)], expect: i32(0x6c726f77).p }, // "worl" again, one byte down
        { fn: "fill", args: [i32(PAGE - 2), i32(0xff), i32(3)], expect: OOB },
        { fn: "load8", args: [i32(PAGE - 2)], expect: i32(0).p }, // nothing written
        { fn: "fill", args: [i32(PAGE), i32(0), i32(0)], expect: "" }, // empty, at the end: fine
        { fn: "fill", args: [i32(PAGE + 1), i32(0), i32(0)], expect: OOB },
        { fn: "copy", args: [i32(0), i32(PAGE - 1), i32(2)], expect: OOB },
        { fn: "copy", args: [i32(PAGE - 1), i32(0), i32(2)], expect: OOB },
        { fn: "init", args: [i32(0), i32(10), i32(3)], expect: OOB }, // past the segment
        { fn: "load8", args: [i32(0)], expect: i32(0).p },
        { fn: "drop", expect: "" },
        { fn: "init", args: [i32(0), i32(0), i32(1)], expect: OOB },
        { fn: "init", args: [i32(0), i32(0), i32(0)], expect: "" },
      ], opts);
    });
  });
}
