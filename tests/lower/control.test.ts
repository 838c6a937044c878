/** Golden tests: control flow (blocks, loops, if, br, br_if, br_table,
 * multi-value blocks, return, unreachable, select) and calls. */
import { test } from "vitest";
import { expectCalls, f64, i32, i64, trap, wat } from "./golden.ts";

const control = wat(`(module
  (func (export "fact") (param i64) (result i64) (local i64)
    (local.set 1 (i64.const 1))
    (block $done
      (loop $again
        (br_if $done (i64.eqz (local.get 0)))
        (local.set 1 (i64.mul (local.get 1) (local.get 0)))
        (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
        (br $again)))
    (local.get 1))
  (func (export "classify") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get 0)))
      (return (i32.const 100)))
      (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const 999))
  (func (export "table_values") (param i32) (result i32)
    ;; br_table carrying a value to blocks of one result
    (block $x (result i32)
      (block $y (result i32)
        (br_table $x $y $x (i32.const 7) (local.get 0)))
      (i32.const 10)
      (i32.add)))
  (func (export "abs") (param i32) (result i32)
    (if (result i32) (i32.lt_s (local.get 0) (i32.const 0))
      (then (i32.sub (i32.const 0) (local.get 0)))
      (else (local.get 0))))
  (func (export "if_no_else") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 5))
    (if (local.get 0) (then (local.set 1 (i32.const 6))))
    (local.get 1))
  (func (export "swap") (param i32 i32) (result i32 i32)
    ;; a block with two results
    (block (result i32 i32) (local.get 1) (local.get 0)))
  (func $divmod (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "use_divmod") (param i32 i32) (result i32)
    ;; two results from a call, combined
    (call $divmod (local.get 0) (local.get 1))
    (i32.mul (i32.const 1000))
    (i32.add))
  (func (export "early") (param i32) (result i32 i64)
    (if (local.get 0) (then (return (i32.const 1) (i64.const 2))))
    (i32.const 3) (i64.const 4))
  (func (export "br_if_value") (param i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.const 42) (local.get 0)))
      (i32.const 43)))
  (func (export "select") (param i32 f64 f64) (result f64)
    (select (local.get 1) (local.get 2) (local.get 0)))
  (func (export "unreachable") (param i32) (result i32)
    (if (local.get 0) (then (unreachable)))
    (i32.const 1))
  (func (export "nested_break") (result i32) (local i32 i32)
    ;; break out of two loops from the inner one
    (block $out
      (loop $i
        (local.set 1 (i32.const 0))
        (loop $j
          (br_if $out (i32.eq (i32.mul (local.get 0) (local.get 1)) (i32.const 12)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $j (i32.lt_u (local.get 1) (i32.const 10))))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br $i)))
    (i32.add (i32.mul (local.get 0) (i32.const 100)) (local.get 1)))
)`);

test("blocks, loops, branches, br_table, if, multi-value, select", async () => {
  await expectCalls(control, [
    { fn: "fact", args: [i64(20n)], expect: i64(2432902008176640000n).p },
    { fn: "fact", args: [i64(0n)], expect: i64(1n).p },
    { fn: "classify", args: [i32(0)], expect: i32(100).p },
    { fn: "classify", args: [i32(2)], expect: i32(102).p },
    { fn: "classify", args: [i32(3)], expect: i32(999).p },
    { fn: "classify", args: [i32(-1)], expect: i32(999).p }, // out of range: the default
    { fn: "table_values", args: [i32(0)], expect: i32(7).p },
    { fn: "table_values", args: [i32(1)], expect: i32(17).p },
    { fn: "table_values", args: [i32(99)], expect: i32(7).p },
    { fn: "abs", args: [i32(-5)], expect: i32(5).p },
    { fn: "abs", args: [i32(5)], expect: i32(5).p },
    { fn: "if_no_else", args: [i32(0)], expect: i32(5).p },
    { fn: "if_no_else", args: [i32(9)], expect: i32(6).p },
    { fn: "swap", args: [i32(1), i32(2)], expect: [i32(2).p, i32(1).p] },
    { fn: "divmod", args: [i32(17), i32(5)], expect: [i32(3).p, i32(2).p] },
    { fn: "divmod", args: [i32(17), i32(0)], expect: trap("integer divide by zero") },
    { fn: "use_divmod", args: [i32(17), i32(5)], expect: i32(2003).p }, // q + r * 1000
    { fn: "early", args: [i32(1)], expect: [i32(1).p, i64(2n).p] },
    { fn: "early", args: [i32(0)], expect: [i32(3).p, i64(4n).p] },
    { fn: "br_if_value", args: [i32(1)], expect: i32(42).p },
    { fn: "br_if_value", args: [i32(0)], expect: i32(43).p },
    { fn: "select", args: [i32(1), f64(1.5), f64(2.5)], expect: f64(1.5).p },
    { fn: "select", args: [i32(0), f64(1.5), f64(2.5)], expect: f64(2.5).p },
    { fn: "unreachable", args: [i32(0)], expect: i32(1).p },
    { fn: "unreachable", args: [i32(1)], expect: trap("unreachable") },
    { fn: "nested_break", expect: i32(206).p },
  ]);
});

const calls = wat(`(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 4 funcref)
  (elem (i32.const 0) $double $square $nothing)
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $ii) (i32.mul (local.get 0) (local.get 0)))
  (func $nothing (type $v))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $forever (export "forever") (param i32) (result i32)
    (i32.add (call $forever (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func $forever_tail (export "forever_tail")
    (call $forever_tail))
  (func $mutual_a (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
      (else (call $mutual_b (i32.sub (local.get 0) (i32.const 1))))))
  (func $mutual_b (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (call $mutual_a (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "is_even") (param i32) (result i32) (call $mutual_a (local.get 0)))
)`);

test("calls, recursion, call_indirect and its traps, stack exhaustion", async () => {
  await expectCalls(calls, [
    { fn: "indirect", args: [i32(0), i32(21)], expect: i32(42).p },
    { fn: "indirect", args: [i32(1), i32(9)], expect: i32(81).p },
    { fn: "indirect", args: [i32(2), i32(9)], expect: trap("indirect call type mismatch") },
    { fn: "indirect", args: [i32(3), i32(9)], expect: trap("uninitialized element") },
    { fn: "indirect", args: [i32(4), i32(9)], expect: trap("undefined element") },
    { fn: "indirect", args: [i32(-1), i32(9)], expect: trap("undefined element") },
    { fn: "fib", args: [i32(20)], expect: i32(6765).p },
    { fn: "is_even", args: [i32(1001)], expect: i32(0).p },
    { fn: "forever", args: [i32(0)], expect: trap("call stack exhausted") },
    { fn: "forever_tail", expect: trap("call stack exhausted") },
    { fn: "fib", args: [i32(10)], expect: i32(55).p }, // still works after exhaustion
  ]);
});
