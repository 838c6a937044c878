/**
 * What the lowering refuses, and how it says so: a feature it does not
 * support is E_WASM_UNSUPPORTED naming the feature; a module that is not
 * valid WebAssembly is E_WASM_INVALID. Nothing is lowered in either case.
 */
import binaryen from "binaryen";
import { describe, expect, test } from "vitest";
import { lower, RefusedModule } from "../../toolchain/lower/index.ts";
import { supported, wat } from "./golden.ts";

function refusal(bytes: Uint8Array): RefusedModule {
  try {
    lower(bytes, { prefix: "t", headerName: "t.h", source: "test.wasm" });
  } catch (e) {
    if (e instanceof RefusedModule) return e;
    throw e;
  }
  throw new Error("the lowering accepted the module");
}

/** A module of one function `() -> i32` whose body is `code` (and `end`). */
function withBody(code: number[], locals: number[] = []): Uint8Array {
  const body = [locals.length ? 1 : 0, ...(locals.length ? [locals.length, ...locals.slice(0, 1)] : []), ...code, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: () -> i32
    0x03, 0x02, 0x01, 0x00, // one function of type 0
    0x0a, body.length + 2, 0x01, body.length, ...body,
  ]);
}

describe("unsupported features are named", () => {
  test("SIMD", () => {
    const m = wat(`(module (func (export "f") (result i32)
      (i32x4.extract_lane 0 (i32x4.splat (i32.const 7)))))`, supported | binaryen.Features.SIMD128);
    const e = refusal(m);
    expect(e.code).toBe("E_WASM_UNSUPPORTED");
    expect(e.message).toMatch(/SIMD/);
  });
  test("threads: shared memory and atomics", () => {
    const m = wat(`(module (memory 1 1 shared) (func (export "f") (result i32)
      (i32.atomic.load (i32.const 0))))`, supported | binaryen.Features.Atomics);
    const e = refusal(m);
    expect(e.code).toBe("E_WASM_UNSUPPORTED");
    expect(e.message).toMatch(/threads/);
    // An atomic instruction without a shared memory, hand-assembled.
    const atomic = withBody([0x41, 0x00, 0xfe, 0x10, 0x02, 0x00]);
    expect(refusal(atomic).code).toBe("E_WASM_UNSUPPORTED");
    expect(refusal(atomic).message).toMatch(/threads/);
  });
  test("tail calls", () => {
    const e = refusal(withBody([0x12, 0x00])); // return_call 0
    expect(e.code).toBe("E_WASM_UNSUPPORTED");
    expect(e.message).toMatch(/tail calls/);
  });
  test("exception handling", () => {
    const e = refusal(withBody([0x06, 0x40, 0x0b, 0x41, 0x00])); // try ... end
    expect(e.code).toBe("E_WASM_UNSUPPORTED");
    expect(e.message).toMatch(/exception handling/);
  });
});

describe("invalid modules", () => {
  test("an unknown opcode", () => {
    const e = refusal(withBody([0xff]));
    expect(e.code).toBe("E_WASM_INVALID");
    expect(e.message).toMatch(/illegal opcode 0xff/);
  });
  test("a type mismatch", () => {
    const e = refusal(withBody([0x42, 0x00])); // i64.const where i32 is returned
    expect(e.code).toBe("E_WASM_INVALID");
    expect(e.message).toMatch(/type mismatch/);
  });
  test("a body that does not end", () => {
    const bytes = withBody([0x41, 0x00]);
    const e = refusal(bytes.subarray(0, bytes.length - 1));
    expect(e.code).toBe("E_WASM_INVALID");
  });
  test("not a module at all", () => {
    const e = refusal(new TextEncoder().encode("\0asn not wasm"));
    expect(e.code).toBe("E_WASM_INVALID");
    expect(e.message).toMatch(/malformed/);
  });
  test("a valid module is accepted (the helper is not refusing everything)", () => {
    const out = lower(withBody([0x41, 0x2a]), { prefix: "t", headerName: "t.h" });
    expect(out.c).toContain("return 42u;");
  });
});
