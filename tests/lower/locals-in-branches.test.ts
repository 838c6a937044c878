/** Golden test: a local's value taken onto the stack before a block, loop
 * or if, and the local written inside it. The value on the stack must be
 * the one read, on every path through the construct: the copy that
 * detaches it from the local has to happen before the construct, not in
 * the arm that writes the local. (AssemblyScript code makes this shape:
 * `a < n && f(x[a])` becomes a select whose condition is an if that
 * reuses locals; the timer heap's siftDown tripped on it.) */
import { test } from "vitest";
import { expectCalls, i32, wat } from "./golden.ts";

const m = wat(`(module
  (func (export "select_over_if") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 7))
    (select
      (local.get 1)
      (i32.const 5)
      (if (result i32) (local.get 0)
        (then (local.set 1 (i32.const 100)) (i32.const 0))
        (else (i32.const 1)))))
  (func (export "add_over_block") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 7))
    (i32.add
      (local.get 1)
      (block (result i32)
        (drop (br_if 0 (i32.const 1) (local.get 0)))
        (local.set 1 (i32.const 100))
        (i32.const 2))))
  (func (export "add_over_loop") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 7))
    (i32.add
      (local.get 1)
      (loop $l (result i32)
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0)))
        (local.get 1))))
)`);

test("a local read before a construct keeps its value on every path through it", async () => {
  await expectCalls(m, [
    { fn: "select_over_if", args: [i32(0)], expect: i32(7).p },
    { fn: "select_over_if", args: [i32(1)], expect: i32(5).p },
    { fn: "add_over_block", args: [i32(1)], expect: i32(8).p },
    { fn: "add_over_block", args: [i32(0)], expect: i32(9).p },
    { fn: "add_over_loop", args: [i32(10)], expect: i32(17).p },
    { fn: "add_over_loop", args: [i32(0)], expect: i32(15).p },
  ]);
});
