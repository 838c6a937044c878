/** Golden tests: integer operators, i32 and i64, with their traps. */
import { test } from "vitest";
import { expectCalls, i32, i64, trap, wat } from "./golden.ts";

const binary32 = ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"];
const compare = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
const unary = ["clz", "ctz", "popcnt", "eqz", "extend8_s", "extend16_s"];

const module = (t: "i32" | "i64") => wat(`(module
  ${binary32.map((op) => `(func (export "${op}") (param ${t} ${t}) (result ${t}) (${t}.${op} (local.get 0) (local.get 1)))`).join("\n")}
  ${compare.map((op) => `(func (export "${op}") (param ${t} ${t}) (result i32) (${t}.${op} (local.get 0) (local.get 1)))`).join("\n")}
  ${unary.map((op) => `(func (export "${op}") (param ${t}) (result ${op === "eqz" ? "i32" : t}) (${t}.${op} (local.get 0)))`).join("\n")}
  ${t === "i64" ? `(func (export "extend32_s") (param i64) (result i64) (i64.extend32_s (local.get 0)))` : ""}
)`);

test("i32 arithmetic, bits and comparisons", async () => {
  const I = i32;
  await expectCalls(module("i32"), [
    { fn: "add", args: [I(0x7fffffff), I(1)], expect: I(0x80000000).p },
    { fn: "sub", args: [I(0), I(1)], expect: I(-1).p },
    { fn: "mul", args: [I(0x10000), I(0x10000)], expect: I(0).p },
    { fn: "mul", args: [I(-3), I(7)], expect: I(-21).p },
    { fn: "div_s", args: [I(-7), I(2)], expect: I(-3).p },
    { fn: "div_u", args: [I(-7), I(2)], expect: I(0x7ffffffc).p },
    { fn: "div_s", args: [I(1), I(0)], expect: trap("integer divide by zero") },
    { fn: "div_u", args: [I(1), I(0)], expect: trap("integer divide by zero") },
    { fn: "div_s", args: [I(0x80000000), I(-1)], expect: trap("integer overflow") },
    { fn: "rem_s", args: [I(0x80000000), I(-1)], expect: I(0).p },
    { fn: "rem_s", args: [I(-7), I(2)], expect: I(-1).p },
    { fn: "rem_u", args: [I(-7), I(2)], expect: I(1).p },
    { fn: "rem_u", args: [I(7), I(0)], expect: trap("integer divide by zero") },
    { fn: "and", args: [I(0xff00ff00), I(0x0ff00ff0)], expect: I(0x0f000f00).p },
    { fn: "or", args: [I(0xff00ff00), I(0x0ff00ff0)], expect: I(0xfff0fff0).p },
    { fn: "xor", args: [I(0xff00ff00), I(0x0ff00ff0)], expect: I(0xf0f0f0f0).p },
    { fn: "shl", args: [I(1), I(33)], expect: I(2).p }, // the count is taken mod 32
    { fn: "shr_s", args: [I(0x80000000), I(31)], expect: I(-1).p },
    { fn: "shr_u", args: [I(0x80000000), I(63)], expect: I(1).p },
    { fn: "rotl", args: [I(0x80000001), I(1)], expect: I(3).p },
    { fn: "rotr", args: [I(0x80000001), I(33)], expect: I(0xc0000000).p },
    { fn: "rotl", args: [I(0x12345678), I(0)], expect: I(0x12345678).p },
    { fn: "eq", args: [I(5), I(5)], expect: I(1).p },
    { fn: "ne", args: [I(5), I(5)], expect: I(0).p },
    { fn: "lt_s", args: [I(-1), I(0)], expect: I(1).p },
    { fn: "lt_u", args: [I(-1), I(0)], expect: I(0).p },
    { fn: "gt_s", args: [I(-1), I(0)], expect: I(0).p },
    { fn: "gt_u", args: [I(-1), I(0)], expect: I(1).p },
    { fn: "le_s", args: [I(0x80000000), I(0x7fffffff)], expect: I(1).p },
    { fn: "le_u", args: [I(3), I(3)], expect: I(1).p },
    { fn: "ge_s", args: [I(0x7fffffff), I(0x80000000)], expect: I(1).p },
    { fn: "ge_u", args: [I(2), I(3)], expect: I(0).p },
    { fn: "clz", args: [I(0)], expect: I(32).p },
    { fn: "clz", args: [I(0x00008000)], expect: I(16).p },
    { fn: "ctz", args: [I(0)], expect: I(32).p },
    { fn: "ctz", args: [I(0x80000000)], expect: I(31).p },
    { fn: "popcnt", args: [I(-1)], expect: I(32).p },
    { fn: "popcnt", args: [I(0x01010101)], expect: I(4).p },
    { fn: "eqz", args: [I(0)], expect: I(1).p },
    { fn: "extend8_s", args: [I(0x80)], expect: I(-128).p },
    { fn: "extend16_s", args: [I(0x12347fff)], expect: I(0x7fff).p },
    { fn: "extend16_s", args: [I(0x8000)], expect: I(-32768).p },
  ]);
});

test("i64 arithmetic, bits and comparisons", async () => {
  const L = i64;
  const MIN = -(2n ** 63n);
  await expectCalls(module("i64"), [
    { fn: "add", args: [L(2n ** 63n - 1n), L(1n)], expect: L(MIN).p },
    { fn: "sub", args: [L(0n), L(1n)], expect: L(-1n).p },
    { fn: "mul", args: [L(0x100000000n), L(0x100000000n)], expect: L(0n).p },
    { fn: "mul", args: [L(-3n), L(0x123456789n)], expect: L(-3n * 0x123456789n).p },
    { fn: "div_s", args: [L(-7n), L(2n)], expect: L(-3n).p },
    { fn: "div_u", args: [L(-1n), L(2n)], expect: L(2n ** 63n - 1n).p },
    { fn: "div_s", args: [L(1n), L(0n)], expect: trap("integer divide by zero") },
    { fn: "div_s", args: [L(MIN), L(-1n)], expect: trap("integer overflow") },
    { fn: "rem_s", args: [L(MIN), L(-1n)], expect: L(0n).p },
    { fn: "rem_u", args: [L(-1n), L(10n)], expect: L(5n).p },
    { fn: "rem_u", args: [L(1n), L(0n)], expect: trap("integer divide by zero") },
    { fn: "shl", args: [L(1n), L(65n)], expect: L(2n).p },
    { fn: "shr_s", args: [L(MIN), L(63n)], expect: L(-1n).p },
    { fn: "shr_u", args: [L(MIN), L(127n)], expect: L(1n).p },
    { fn: "rotl", args: [L(MIN + 1n), L(1n)], expect: L(3n).p },
    { fn: "rotr", args: [L(1n), L(64n + 4n)], expect: L(1n << 60n).p },
    { fn: "lt_s", args: [L(-1n), L(0n)], expect: i32(1).p },
    { fn: "lt_u", args: [L(-1n), L(0n)], expect: i32(0).p },
    { fn: "ge_s", args: [L(MIN), L(MIN)], expect: i32(1).p },
    { fn: "gt_u", args: [L(MIN), L(2n ** 63n - 1n)], expect: i32(1).p },
    { fn: "clz", args: [L(0n)], expect: L(64n).p },
    { fn: "clz", args: [L(1n)], expect: L(63n).p },
    { fn: "ctz", args: [L(0n)], expect: L(64n).p },
    { fn: "popcnt", args: [L(-1n)], expect: L(64n).p },
    { fn: "eqz", args: [L(0x100000000n)], expect: i32(0).p },
    { fn: "extend8_s", args: [L(0xffn)], expect: L(-1n).p },
    { fn: "extend16_s", args: [L(0x8000n)], expect: L(-32768n).p },
    { fn: "extend32_s", args: [L(0x80000000n)], expect: L(-(2n ** 31n)).p },
    { fn: "extend32_s", args: [L(0x17fffffffn)], expect: L(0x7fffffffn).p },
  ]);
});
