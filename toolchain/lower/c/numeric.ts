/**
 * The numeric instructions (spec §5.4.7, opcodes 0x45-0xC4 and 0xFC 0-7):
 * operand types, result type, and the C that computes the result. In a
 * template, $0 and $1 are the operands (already plain C values) and FN is
 * the name of the function, for trap messages. Everything that C leaves
 * undefined or computes differently from Wasm goes through a helper in
 * runtime/wasm-rt.h.
 */
import type { NumType } from "../wasm/module.ts";

export interface NumericOp {
  name: string;
  params: NumType[];
  result: NumType;
  c: string;
  /** It may trap (its C names FN). */
  traps: boolean;
  /** Every bit of the result depends on every bit of each operand in a way
   * gcc cannot fold away without knowing the operand (a bijection for
   * fixed other operands, or IEEE arithmetic, which -fsignaling-nans keeps
   * gcc from simplifying). A loaded value may flow through these before it
   * is kept (see c/function.ts). Comparisons are not: gcc may fold one
   * from what it knows of a narrow load's range, and the load goes dead. */
  strict: boolean;
}

const STRICT = new Set([
  "i32.add", "i32.sub", "i32.xor", "i64.add", "i64.sub", "i64.xor",
  "f32.add", "f32.sub", "f32.mul", "f32.div", "f32.sqrt", "f32.neg",
  "f64.add", "f64.sub", "f64.mul", "f64.div", "f64.sqrt", "f64.neg",
  "f64.promote_f32", "f32.demote_f64", "i64.extend_i32_s", "i64.extend_i32_u",
  "i32.reinterpret_f32", "i64.reinterpret_f64", "f32.reinterpret_i32", "f64.reinterpret_i64",
]);

const ops = new Map<number, NumericOp>();
const satOps = new Map<number, NumericOp>();

function def(code: number, name: string, params: NumType[], result: NumType, c: string): void {
  ops.set(code, { name, params, result, c, traps: /\bFN\b/.test(c), strict: STRICT.has(name) });
}

const I = "i32" as const;
const L = "i64" as const;
const F = "f32" as const;
const D = "f64" as const;

// Comparisons produce 0 or 1 as i32.
def(0x45, "i32.eqz", [I], I, "(u32)($0 == 0)");
const cmp = (base: number, t: NumType, s: string) => {
  const names = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
  const opsC = ["==", "!=", "<", "<", ">", ">", "<=", "<=", ">=", ">="];
  names.forEach((n, i) => {
    const signed = n.endsWith("_s");
    const [a, b] = signed ? [`(${s})$0`, `(${s})$1`] : ["$0", "$1"];
    def(base + i, `${t}.${n}`, [t, t], I, `(u32)(${a} ${opsC[i]} ${b})`);
  });
};
cmp(0x46, I, "s32");
def(0x50, "i64.eqz", [L], I, "(u32)($0 == 0)");
cmp(0x51, L, "s64");
const fcmp = (base: number, t: NumType) => {
  ["eq", "ne", "lt", "gt", "le", "ge"].forEach((n, i) => {
    const op = ["==", "!=", "<", ">", "<=", ">="][i];
    def(base + i, `${t}.${n}`, [t, t], I, `(u32)($0 ${op} $1)`);
  });
};
fcmp(0x5b, F);
fcmp(0x61, D);

const intArith = (base: number, t: "i32" | "i64", s: string, bits: number) => {
  const p = `wrt_${t}`;
  const m = bits - 1;
  def(base + 0, `${t}.clz`, [t], t, `${p}_clz($0)`);
  def(base + 1, `${t}.ctz`, [t], t, `${p}_ctz($0)`);
  def(base + 2, `${t}.popcnt`, [t], t, `${p}_popcnt($0)`);
  def(base + 3, `${t}.add`, [t, t], t, "($0 + $1)");
  def(base + 4, `${t}.sub`, [t, t], t, "($0 - $1)");
  def(base + 5, `${t}.mul`, [t, t], t, "($0 * $1)");
  def(base + 6, `${t}.div_s`, [t, t], t, `${p}_div_s($0, $1, FN)`);
  def(base + 7, `${t}.div_u`, [t, t], t, `${p}_div_u($0, $1, FN)`);
  def(base + 8, `${t}.rem_s`, [t, t], t, `${p}_rem_s($0, $1, FN)`);
  def(base + 9, `${t}.rem_u`, [t, t], t, `${p}_rem_u($0, $1, FN)`);
  def(base + 10, `${t}.and`, [t, t], t, "($0 & $1)");
  def(base + 11, `${t}.or`, [t, t], t, "($0 | $1)");
  def(base + 12, `${t}.xor`, [t, t], t, "($0 ^ $1)");
  const u = t === "i32" ? "u32" : "u64";
  def(base + 13, `${t}.shl`, [t, t], t, `($0 << ($1 & ${m}))`);
  def(base + 14, `${t}.shr_s`, [t, t], t, `(${u})((${s})$0 >> ($1 & ${m}))`);
  def(base + 15, `${t}.shr_u`, [t, t], t, `($0 >> ($1 & ${m}))`);
  def(base + 16, `${t}.rotl`, [t, t], t, `${p}_rotl($0, $1)`);
  def(base + 17, `${t}.rotr`, [t, t], t, `${p}_rotr($0, $1)`);
};
intArith(0x67, I, "s32", 32);
intArith(0x79, L, "s64", 64);

const floatArith = (base: number, t: "f32" | "f64") => {
  const p = `wrt_${t}`;
  ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"].forEach((n, i) =>
    def(base + i, `${t}.${n}`, [t], t, `${p}_${n}($0)`),
  );
  def(base + 7, `${t}.add`, [t, t], t, "($0 + $1)");
  def(base + 8, `${t}.sub`, [t, t], t, "($0 - $1)");
  def(base + 9, `${t}.mul`, [t, t], t, "($0 * $1)");
  def(base + 10, `${t}.div`, [t, t], t, "($0 / $1)");
  def(base + 11, `${t}.min`, [t, t], t, `${p}_min($0, $1)`);
  def(base + 12, `${t}.max`, [t, t], t, `${p}_max($0, $1)`);
  def(base + 13, `${t}.copysign`, [t, t], t, `${p}_copysign($0, $1)`);
};
floatArith(0x8b, F);
floatArith(0x99, D);

def(0xa7, "i32.wrap_i64", [L], I, "(u32)$0");
def(0xa8, "i32.trunc_f32_s", [F], I, "wrt_i32_trunc_f32_s($0, FN)");
def(0xa9, "i32.trunc_f32_u", [F], I, "wrt_i32_trunc_f32_u($0, FN)");
def(0xaa, "i32.trunc_f64_s", [D], I, "wrt_i32_trunc_f64_s($0, FN)");
def(0xab, "i32.trunc_f64_u", [D], I, "wrt_i32_trunc_f64_u($0, FN)");
def(0xac, "i64.extend_i32_s", [I], L, "(u64)(s64)(s32)$0");
def(0xad, "i64.extend_i32_u", [I], L, "(u64)$0");
def(0xae, "i64.trunc_f32_s", [F], L, "wrt_i64_trunc_f32_s($0, FN)");
def(0xaf, "i64.trunc_f32_u", [F], L, "wrt_i64_trunc_f32_u($0, FN)");
def(0xb0, "i64.trunc_f64_s", [D], L, "wrt_i64_trunc_f64_s($0, FN)");
def(0xb1, "i64.trunc_f64_u", [D], L, "wrt_i64_trunc_f64_u($0, FN)");
def(0xb2, "f32.convert_i32_s", [I], F, "(f32)(s32)$0");
def(0xb3, "f32.convert_i32_u", [I], F, "(f32)$0");
def(0xb4, "f32.convert_i64_s", [L], F, "(f32)(s64)$0");
def(0xb5, "f32.convert_i64_u", [L], F, "(f32)$0");
def(0xb6, "f32.demote_f64", [D], F, "(f32)$0");
def(0xb7, "f64.convert_i32_s", [I], D, "(f64)(s32)$0");
def(0xb8, "f64.convert_i32_u", [I], D, "(f64)$0");
def(0xb9, "f64.convert_i64_s", [L], D, "(f64)(s64)$0");
def(0xba, "f64.convert_i64_u", [L], D, "(f64)$0");
def(0xbb, "f64.promote_f32", [F], D, "wrt_f64_promote($0)");
def(0xbc, "i32.reinterpret_f32", [F], I, "wrt_f32_bits($0)");
def(0xbd, "i64.reinterpret_f64", [D], L, "wrt_f64_bits($0)");
def(0xbe, "f32.reinterpret_i32", [I], F, "wrt_f32_from($0)");
def(0xbf, "f64.reinterpret_i64", [L], D, "wrt_f64_from($0)");
def(0xc0, "i32.extend8_s", [I], I, "(u32)(s32)(s8)$0");
def(0xc1, "i32.extend16_s", [I], I, "(u32)(s32)(s16)$0");
def(0xc2, "i64.extend8_s", [L], L, "(u64)(s64)(s8)$0");
def(0xc3, "i64.extend16_s", [L], L, "(u64)(s64)(s16)$0");
def(0xc4, "i64.extend32_s", [L], L, "(u64)(s64)(s32)$0");

// 0xFC 0-7: non-trapping float-to-int conversions.
(
  [
    ["i32.trunc_sat_f32_s", F, I],
    ["i32.trunc_sat_f32_u", F, I],
    ["i32.trunc_sat_f64_s", D, I],
    ["i32.trunc_sat_f64_u", D, I],
    ["i64.trunc_sat_f32_s", F, L],
    ["i64.trunc_sat_f32_u", F, L],
    ["i64.trunc_sat_f64_s", D, L],
    ["i64.trunc_sat_f64_u", D, L],
  ] as const
).forEach(([name, from, to], i) => {
  satOps.set(i, { name, params: [from], result: to, c: `wrt_${name.replace(".", "_")}($0)`, traps: false, strict: false });
});

export function numericOp(code: number): NumericOp | undefined {
  return ops.get(code);
}

export function saturatingOp(sub: number): NumericOp | undefined {
  return satOps.get(sub);
}

/** Load and store instructions (§5.4.6): width in bytes, the helper that
 * reads or writes it, and how the value converts to or from the Wasm type. */
export interface MemoryOp {
  name: string;
  type: NumType;
  bytes: number;
  store: boolean;
  /** For loads: C turning the helper's result $0 into the Wasm value.
   * For stores: C turning the Wasm value $0 into the helper's argument. */
  convert: string;
  helper: string;
}

const memOps = new Map<number, MemoryOp>();
const mem = (code: number, name: string, type: NumType, bytes: number, helper: string, convert = "$0") =>
  memOps.set(code, { name, type, bytes, store: name.includes("store"), convert, helper });
mem(0x28, "i32.load", I, 4, "wrt_load_u32");
mem(0x29, "i64.load", L, 8, "wrt_load_u64");
mem(0x2a, "f32.load", F, 4, "wrt_load_f32");
mem(0x2b, "f64.load", D, 8, "wrt_load_f64");
mem(0x2c, "i32.load8_s", I, 1, "wrt_load_s8", "(u32)(s32)$0");
mem(0x2d, "i32.load8_u", I, 1, "wrt_load_u8", "(u32)$0");
mem(0x2e, "i32.load16_s", I, 2, "wrt_load_s16", "(u32)(s32)$0");
mem(0x2f, "i32.load16_u", I, 2, "wrt_load_u16", "(u32)$0");
mem(0x30, "i64.load8_s", L, 1, "wrt_load_s8", "(u64)(s64)$0");
mem(0x31, "i64.load8_u", L, 1, "wrt_load_u8", "(u64)$0");
mem(0x32, "i64.load16_s", L, 2, "wrt_load_s16", "(u64)(s64)$0");
mem(0x33, "i64.load16_u", L, 2, "wrt_load_u16", "(u64)$0");
mem(0x34, "i64.load32_s", L, 4, "wrt_load_s32", "(u64)(s64)$0");
mem(0x35, "i64.load32_u", L, 4, "wrt_load_u32", "(u64)$0");
mem(0x36, "i32.store", I, 4, "wrt_store_u32");
mem(0x37, "i64.store", L, 8, "wrt_store_u64");
mem(0x38, "f32.store", F, 4, "wrt_store_f32");
mem(0x39, "f64.store", D, 8, "wrt_store_f64");
mem(0x3a, "i32.store8", I, 1, "wrt_store_u8", "(u8)$0");
mem(0x3b, "i32.store16", I, 2, "wrt_store_u16", "(u16)$0");
mem(0x3c, "i64.store8", L, 1, "wrt_store_u8", "(u8)$0");
mem(0x3d, "i64.store16", L, 2, "wrt_store_u16", "(u16)$0");
mem(0x3e, "i64.store32", L, 4, "wrt_store_u32", "(u32)$0");

export function memoryOp(code: number): MemoryOp | undefined {
  return memOps.get(code);
}
