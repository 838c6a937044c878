/** Golden tests: conversions, trapping and saturating, and reinterpretations. */
import { test } from "vitest";
import { expectCalls, f32, f32b, f64, f64b, i32, i64, NAN32, trap, wat } from "./golden.ts";

const ops: [string, string, string][] = [
  ["i32.wrap_i64", "i64", "i32"],
  ["i64.extend_i32_s", "i32", "i64"], ["i64.extend_i32_u", "i32", "i64"],
  ["i32.trunc_f32_s", "f32", "i32"], ["i32.trunc_f32_u", "f32", "i32"],
  ["i32.trunc_f64_s", "f64", "i32"], ["i32.trunc_f64_u", "f64", "i32"],
  ["i64.trunc_f32_s", "f32", "i64"], ["i64.trunc_f64_s", "f64", "i64"], ["i64.trunc_f64_u", "f64", "i64"],
  ["i32.trunc_sat_f32_s", "f32", "i32"], ["i32.trunc_sat_f64_u", "f64", "i32"],
  ["i64.trunc_sat_f64_s", "f64", "i64"], ["i64.trunc_sat_f32_u", "f32", "i64"],
  ["f32.convert_i32_s", "i32", "f32"], ["f32.convert_i32_u", "i32", "f32"],
  ["f32.convert_i64_u", "i64", "f32"], ["f64.convert_i64_s", "i64", "f64"], ["f64.convert_i64_u", "i64", "f64"],
  ["f32.demote_f64", "f64", "f32"], ["f64.promote_f32", "f32", "f64"],
  ["i32.reinterpret_f32", "f32", "i32"], ["f32.reinterpret_i32", "i32", "f32"],
  ["i64.reinterpret_f64", "f64", "i64"], ["f64.reinterpret_i64", "i64", "f64"],
];
const name = (op: string) => op.replace(".", "_");
const module = wat(`(module
  ${ops.map(([op, from, to]) => `(func (export "${name(op)}") (param ${from}) (result ${to}) (${op} (local.get 0)))`).join("\n")}
)`);

test("conversions between every pair of types", async () => {
  const c = (op: string) => name(op);
  await expectCalls(module, [
    { fn: c("i32.wrap_i64"), args: [i64(0x123456789n)], expect: i32(0x23456789).p },
    { fn: c("i64.extend_i32_s"), args: [i32(-2)], expect: i64(-2n).p },
    { fn: c("i64.extend_i32_u"), args: [i32(-2)], expect: i64(0xfffffffen).p },
    { fn: c("i32.trunc_f32_s"), args: [f32(-2.9)], expect: i32(-2).p },
    { fn: c("i32.trunc_f32_s"), args: [f32(2147483648)], expect: trap("integer overflow") },
    { fn: c("i32.trunc_f32_s"), args: [f32(-2147483648)], expect: i32(-2147483648).p },
    { fn: c("i32.trunc_f32_s"), args: [f32b(0x7fc00000)], expect: trap("invalid conversion to integer") },
    { fn: c("i32.trunc_f32_u"), args: [f32(-0.9)], expect: i32(0).p },
    { fn: c("i32.trunc_f32_u"), args: [f32(-1)], expect: trap("integer overflow") },
    { fn: c("i32.trunc_f64_s"), args: [f64(-2147483648.9)], expect: i32(-2147483648).p },
    { fn: c("i32.trunc_f64_s"), args: [f64(-2147483649)], expect: trap("integer overflow") },
    { fn: c("i32.trunc_f64_u"), args: [f64(4294967295.9)], expect: i32(-1).p },
    { fn: c("i32.trunc_f64_u"), args: [f64(4294967296)], expect: trap("integer overflow") },
    { fn: c("i64.trunc_f32_s"), args: [f32(-9223372036854775808)], expect: i64(-(2n ** 63n)).p },
    { fn: c("i64.trunc_f64_s"), args: [f64(9223372036854775808)], expect: trap("integer overflow") },
    { fn: c("i64.trunc_f64_u"), args: [f64(18446744073709549568)], expect: i64(18446744073709549568n).p },
    { fn: c("i64.trunc_f64_u"), args: [f64(Infinity)], expect: trap("integer overflow") },
    { fn: c("i32.trunc_sat_f32_s"), args: [f32(1e10)], expect: i32(0x7fffffff).p },
    { fn: c("i32.trunc_sat_f32_s"), args: [f32b(0x7fc00000)], expect: i32(0).p },
    { fn: c("i32.trunc_sat_f64_u"), args: [f64(-5)], expect: i32(0).p },
    { fn: c("i32.trunc_sat_f64_u"), args: [f64(5e9)], expect: i32(-1).p },
    { fn: c("i64.trunc_sat_f64_s"), args: [f64(-Infinity)], expect: i64(-(2n ** 63n)).p },
    { fn: c("i64.trunc_sat_f32_u"), args: [f32(Infinity)], expect: i64(-1n).p },
    { fn: c("f32.convert_i32_s"), args: [i32(-16777217)], expect: f32(-16777216).p }, // round to even
    { fn: c("f32.convert_i32_u"), args: [i32(-1)], expect: f32(4294967296).p },
    { fn: c("f32.convert_i64_u"), args: [i64(-1n)], expect: f32(18446744073709551616).p },
    { fn: c("f64.convert_i64_s"), args: [i64(-(2n ** 63n))], expect: f64(-9223372036854775808).p },
    { fn: c("f64.convert_i64_u"), args: [i64(2n ** 53n + 1n)], expect: f64(2 ** 53).p },
    { fn: c("f32.demote_f64"), args: [f64(1e300)], expect: f32(Infinity).p },
    { fn: c("f32.demote_f64"), args: [f64(1 + 2 ** -24)], expect: f32(1).p }, // tie to even
    { fn: c("f32.demote_f64"), args: [f64b(0x7ff4000000000000n)], expect: NAN32 },
    { fn: c("f64.promote_f32"), args: [f32(0.1)], expect: f64(Math.fround(0.1)).p },
    { fn: c("i32.reinterpret_f32"), args: [f32b(0x7fa00001)], expect: i32(0x7fa00001).p }, // sNaN bits untouched
    { fn: c("f32.reinterpret_i32"), args: [i32(0xff800001)], expect: f32b(0xff800001).p },
    { fn: c("i64.reinterpret_f64"), args: [f64(-0)], expect: i64(-(2n ** 63n)).p },
    { fn: c("f64.reinterpret_i64"), args: [i64(0x7ff0000000000001n)], expect: f64b(0x7ff0000000000001n).p },
  ]);
});
