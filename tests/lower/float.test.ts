/** Golden tests: f32 and f64 operators, exactly as IEEE 754 and the spec say. */
import { test } from "vitest";
import { expectCalls, f32, f32b, f64, f64b, i32, NAN32, NAN64, wat } from "./golden.ts";

const binary = ["add", "sub", "mul", "div", "min", "max", "copysign"];
const unary = ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"];
const compare = ["eq", "ne", "lt", "gt", "le", "ge"];

const module = (t: "f32" | "f64") => wat(`(module
  ${binary.map((op) => `(func (export "${op}") (param ${t} ${t}) (result ${t}) (${t}.${op} (local.get 0) (local.get 1)))`).join("\n")}
  ${unary.map((op) => `(func (export "${op}") (param ${t}) (result ${t}) (${t}.${op} (local.get 0)))`).join("\n")}
  ${compare.map((op) => `(func (export "${op}") (param ${t} ${t}) (result i32) (${t}.${op} (local.get 0) (local.get 1)))`).join("\n")}
  ;; a*b+c must round twice: no fused multiply-add
  (func (export "muladd") (param ${t} ${t} ${t}) (result ${t}) (${t}.add (${t}.mul (local.get 0) (local.get 1)) (local.get 2)))
)`);

test("f32 arithmetic, rounding, NaN and signed zero", async () => {
  const F = f32;
  const negZero = f32b(0x80000000);
  const sNaN = f32b(0x7fa00000);
  await expectCalls(module("f32"), [
    { fn: "add", args: [F(0.1), F(0.2)], expect: F(Math.fround(Math.fround(0.1) + Math.fround(0.2))).p },
    { fn: "sub", args: [F(1), F(1)], expect: F(0).p },
    { fn: "mul", args: [F(3e38), F(10)], expect: F(Infinity).p },
    { fn: "div", args: [F(1), F(0)], expect: F(Infinity).p },
    { fn: "div", args: [F(0), F(0)], expect: NAN32 },
    { fn: "add", args: [sNaN, F(1)], expect: NAN32 }, // arithmetic NaN: quiet bit set
    { fn: "min", args: [F(0), negZero], expect: negZero.p },
    { fn: "max", args: [negZero, F(0)], expect: F(0).p },
    { fn: "min", args: [F(1), f32b(0x7fc00000)], expect: NAN32 },
    { fn: "max", args: [f32b(0x7fc00000), F(1)], expect: NAN32 },
    { fn: "copysign", args: [F(2), negZero], expect: F(-2).p },
    { fn: "abs", args: [f32b(0xffc00001)], expect: f32b(0x7fc00001).p }, // payload kept
    { fn: "neg", args: [f32b(0x7fa00000)], expect: f32b(0xffa00000).p }, // signalling stays signalling
    { fn: "sqrt", args: [F(2)], expect: F(Math.fround(Math.SQRT2)).p },
    { fn: "sqrt", args: [F(-1)], expect: NAN32 },
    { fn: "ceil", args: [F(-0.5)], expect: negZero.p },
    { fn: "floor", args: [F(-0.5)], expect: F(-1).p },
    { fn: "trunc", args: [F(-1.5)], expect: F(-1).p },
    { fn: "nearest", args: [F(2.5)], expect: F(2).p },
    { fn: "nearest", args: [F(3.5)], expect: F(4).p },
    { fn: "nearest", args: [F(-0.5)], expect: negZero.p },
    { fn: "nearest", args: [F(8388609)], expect: F(8388609).p },
    { fn: "eq", args: [f32b(0x7fc00000), f32b(0x7fc00000)], expect: i32(0).p },
    { fn: "ne", args: [f32b(0x7fc00000), f32b(0x7fc00000)], expect: i32(1).p },
    { fn: "eq", args: [F(0), negZero], expect: i32(1).p },
    { fn: "lt", args: [F(1), f32b(0x7fc00000)], expect: i32(0).p },
    { fn: "ge", args: [F(1), F(1)], expect: i32(1).p },
    { fn: "gt", args: [F(-Infinity), F(-3e38)], expect: i32(0).p },
    { fn: "le", args: [F(-Infinity), F(-3e38)], expect: i32(1).p },
    // (1+2^-12)^2 - 1: the product rounds to 1+2^-11 first; fused, it would not
    { fn: "muladd", args: [F(1 + 2 ** -12), F(1 + 2 ** -12), F(-1)], expect: F(2 ** -11).p },
  ]);
});

test("f64 arithmetic, rounding, NaN and signed zero", async () => {
  const D = f64;
  const negZero = f64b(0x8000000000000000n);
  const a = 1 + 2 ** -30;
  await expectCalls(module("f64"), [
    { fn: "add", args: [D(0.1), D(0.2)], expect: D(0.1 + 0.2).p },
    { fn: "sub", args: [D(0), D(0)], expect: D(0).p },
    { fn: "mul", args: [D(1e308), D(10)], expect: D(Infinity).p },
    { fn: "div", args: [D(-1), D(0)], expect: D(-Infinity).p },
    { fn: "div", args: [D(Infinity), D(Infinity)], expect: NAN64 },
    { fn: "min", args: [negZero, D(0)], expect: negZero.p },
    { fn: "max", args: [D(0), negZero], expect: D(0).p },
    { fn: "min", args: [f64b(0x7ff8000000000000n), D(-Infinity)], expect: NAN64 },
    { fn: "copysign", args: [D(-3), D(1)], expect: D(3).p },
    { fn: "abs", args: [negZero], expect: D(0).p },
    { fn: "neg", args: [f64b(0x7ff4000000000000n)], expect: f64b(0xfff4000000000000n).p },
    { fn: "sqrt", args: [D(9)], expect: D(3).p },
    { fn: "ceil", args: [D(1.0000001)], expect: D(2).p },
    { fn: "floor", args: [D(-1e-300)], expect: D(-1).p },
    { fn: "trunc", args: [D(2 ** 52 + 0.5 * 2)], expect: D(2 ** 52 + 1).p },
    { fn: "nearest", args: [D(0.5)], expect: D(0).p },
    { fn: "nearest", args: [D(1.5)], expect: D(2).p },
    { fn: "nearest", args: [D(-2.5)], expect: D(-2).p },
    { fn: "eq", args: [f64b(0x7ff8000000000000n), D(1)], expect: i32(0).p },
    { fn: "ne", args: [D(1), D(1)], expect: i32(0).p },
    { fn: "lt", args: [negZero, D(0)], expect: i32(0).p },
    { fn: "le", args: [negZero, D(0)], expect: i32(1).p },
    { fn: "gt", args: [D(Infinity), D(1e308)], expect: i32(1).p },
    { fn: "ge", args: [f64b(0x7ff8000000000000n), f64b(0x7ff8000000000000n)], expect: i32(0).p },
    // (1+2^-30)^2 - 1 rounds the product first; a fused multiply-add would not.
    { fn: "muladd", args: [D(a), D(a), D(-1)], expect: D(a * a - 1).p },
  ]);
});
