/**
 * Functions of any size (issue 12 item 13): a function of about 42,000
 * statements crashed the lowering with a JavaScript stack overflow (its
 * lines were appended as the arguments of one call; how many lines V8
 * takes depends on the stack, so 200,000 fail every time); wasm2c and V8
 * take them. They must lower, compile and compute what the statements say.
 */
import { describe, expect, test } from "vitest";
import { lower } from "../../toolchain/lower/index.ts";
import { expectCalls, i32 } from "./golden.ts";

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

/** A module exporting `count(x: i32): i32`, which adds 1 to x in
 * `statements` statements (local.set 0 (i32.add (local.get 0) (i32.const 1))). */
function counting(statements: number): Uint8Array {
  const body = [0x00]; // no locals but the parameter
  for (let i = 0; i < statements; i++) body.push(0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00);
  body.push(0x20, 0x00, 0x0b);
  const code = [0x01, ...leb(body.length), ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type 0: (i32) -> i32
    0x03, 0x02, 0x01, 0x00, // function 0 of type 0
    0x07, 0x09, 0x01, 0x05, ...Buffer.from("count"), 0x00, 0x00, // export "count" = function 0
    0x0a, ...leb(code.length), ...code,
  ]);
}

describe("functions of any size", () => {
  test("200,000 statements lower to one C function with a line each", () => {
    const out = lower(counting(200_000), { prefix: "t", headerName: "t.h", source: "huge.wasm" });
    expect(out.c.split("\n").filter((l) => /^\s+l0 = /.test(l)).length).toBe(200_000);
  });

  test("42,000 statements (the audit's function) compile and count to 42,005 from 5", async () => {
    await expectCalls(counting(42_000), [{ fn: "count", args: [i32(5)], expect: i32(42_005).p }]);
  }, 120_000);
});
