// Entry for tests/harness/harness.test.ts: how an image can stop, and what
// reaches the console on the way.
import { exit, println } from "../../../libos/platform/index";

println("booted");

export function doExit(status: i32): void {
  println("exiting");
  exit(status);
}

export function doAbort(): void {
  assert(false, "the sky fell");
}

export function doTrap(n: i32): i32 {
  const a = new StaticArray<i32>(2);
  return 10 / (n - n) + a[0]; // integer division by zero
}

export function doTrace(): void {
  trace("counting", 2, 1.5, 2);
}

export function grow(pages: i32): i32 {
  return memory.grow(pages);
}
