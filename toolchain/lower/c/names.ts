/**
 * Names and spellings shared by the C emitters: the mangling of Wasm names
 * into C identifiers, C types of Wasm values, signature strings, and
 * literals that reproduce every bit of a Wasm constant.
 */
import type { FuncType, ValType } from "../wasm/module.ts";

/** ASCII letters and digits stay, and so does '_' before a lower-case
 * letter (`div_s`, `_start`); every other byte becomes '_' and two
 * upper-case hex digits. Decoding is unambiguous ('_' then [a-z] is itself,
 * '_' then a hex digit is an escape) and the result never holds "__", so
 * joining two mangled names with "__" is unambiguous too. */
export function mangle(name: string): string {
  const bytes = new TextEncoder().encode(name);
  let out = "";
  bytes.forEach((b, i) => {
    const c = String.fromCharCode(b);
    const next = bytes[i + 1];
    if (/[A-Za-z0-9]/.test(c)) out += c;
    else if (b === 0x5f && next !== undefined && next >= 0x61 && next <= 0x7a) out += c;
    else out += "_" + b.toString(16).toUpperCase().padStart(2, "0");
  });
  return out;
}

/** A prefix must itself be a C identifier. */
export function isCIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

export function cType(t: ValType): string {
  switch (t) {
    case "i32": return "u32";
    case "i64": return "u64";
    case "f32": return "f32";
    case "f64": return "f64";
    default: return "wrt_ref";
  }
}

export function typeLetter(t: ValType): string {
  return { i32: "i", i64: "I", f32: "f", f64: "F", funcref: "r", externref: "e" }[t];
}

/** The signature string of wrt_func.type: params, ':', results. */
export function signature(t: FuncType): string {
  return t.params.map(typeLetter).join("") + ":" + t.results.map(typeLetter).join("");
}

/** The C return type of a function with these results. */
export function returnType(results: ValType[]): string {
  if (results.length === 0) return "void";
  if (results.length === 1) return cType(results[0]);
  return `struct wrt_tuple_${results.map(typeLetter).join("")}`;
}

/** The struct definition for a multi-value result, guarded so that several
 * generated files can be included in one translation unit. */
export function tupleStruct(results: ValType[]): string {
  const tag = `wrt_tuple_${results.map(typeLetter).join("")}`;
  const fields = results.map((t, i) => `${cType(t)} v${i};`).join(" ");
  return `#ifndef WRT_TUPLE_${results.map(typeLetter).join("")}\n#define WRT_TUPLE_${results
    .map(typeLetter)
    .join("")}\nstruct ${tag} { ${fields} };\n#endif`;
}

export function i32Literal(v: number): string {
  return `${v >>> 0}u`;
}

export function i64Literal(v: bigint): string {
  return `${BigInt.asUintN(64, v)}ull`;
}

/** A float constant by its bits: exact for every value, NaN payloads and
 * -0 included. Ordinary values use a hex float literal for readability. */
export function f32Literal(bits: number): string {
  const exp = (bits >>> 23) & 0xff;
  if (exp === 0xff) return `wrt_f32_from(0x${(bits >>> 0).toString(16)}u)`;
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits >>> 0, true);
  return hexFloat(view.getFloat32(0, true), bits >>> 31 === 1) + "f";
}

export function f64Literal(bits: bigint): string {
  const exp = Number((bits >> 52n) & 0x7ffn);
  if (exp === 0x7ff) return `wrt_f64_from(0x${bits.toString(16)}ull)`;
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits, true);
  return hexFloat(view.getFloat64(0, true), bits >> 63n === 1n);
}

/** C99 hexadecimal floating literal of a finite double, exact. */
function hexFloat(v: number, negative: boolean): string {
  if (v === 0) return negative ? "-0x0p+0" : "0x0p+0";
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v), true);
  const bits = view.getBigUint64(0, true);
  let exp = Number(bits >> 52n);
  const mant = bits & 0xfffffffffffffn;
  let lead = "1";
  if (exp === 0) {
    lead = "0";
    exp = 1; // subnormal: 0.mant * 2^-1022
  }
  const frac = mant.toString(16).padStart(13, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}0x${lead}${frac ? "." + frac : ""}p${exp - 1023 >= 0 ? "+" : ""}${exp - 1023}`;
}

/** A C string literal of arbitrary bytes (names in trap messages). */
export function cString(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3f) out += String.fromCharCode(b);
    else out += "\\" + b.toString(8).padStart(3, "0");
  }
  return out + '"';
}
