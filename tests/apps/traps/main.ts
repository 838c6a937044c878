// A test-only unikernel that provokes the trap named on its command line.
// Each trap happens in a function of its own, reached through a function
// table indexed at run time, so that the optimiser cannot inline it and the
// trap message names it. Operands come from the wall clock, so nothing can
// be folded away at build time.
import { commandLine, println, wallNow } from "../../../libos/platform";

const one: i32 = wallNow() > 0 ? 1 : 2;
const zero: i32 = one - 1;

function outOfBoundsLoad(): void {
  println(load<u32>(<usize>(0xfffffff0 + zero)).toString());
}
function outOfBoundsStore(): void {
  store<u32>(<usize>(0xfffffff0 + zero), 42);
}
// The guard must start exactly at the memory's end: its last byte reads,
// the next one traps (boot maps the initial pages before the app starts).
function outOfBoundsAtEnd(): void {
  const end = <usize>(memory.size() * one) << 16;
  println(load<u8>(end - 1).toString());
  println(load<u8>(end).toString());
}
function divideByZero(): void {
  println((one / zero).toString());
}
function overflow(): void {
  println(((i32.MIN_VALUE * one) / -one).toString());
}
function badConversion(): void {
  // A trapping f64 -> i32 conversion: app.json disables nontrapping-f2i.
  println((<i32>(NaN * <f64>one)).toString());
}
function reachUnreachable(): void {
  if (one == 1) unreachable();
}
function addOne(a: i32): i32 {
  return a + one;
}
function indirectTypeMismatch(): void {
  // addOne takes an i32; calling it through the table as () => void is a
  // signature mismatch. It is also called correctly, so it stays in the table.
  const f = addOne;
  const index = load<u32>(changetype<usize>(f));
  println(call_indirect<i32>(index, 1).toString());
  call_indirect<void>(index);
}
function indirectNull(): void {
  call_indirect<void>(zero);
}
function indirectOutOfRange(): void {
  call_indirect<void>(9999 * one);
}
function recurse(n: i32): i32 {
  return n == -1 ? 0 : recurse(n + one) + 1;
}
function exhaustStack(): void {
  println(recurse(0).toString());
}
function failAssertion(): void {
  assert(one == 2, "the assertion under test");
}
// Memory runs out: the allocator's memory.grow is refused at the limit.
const hoard: ArrayBuffer[] = [];
function exhaustMemory(): void {
  for (;;) hoard.push(new ArrayBuffer(1 << 20));
}
// Each call keeps a managed local on AssemblyScript's shadow stack, which
// runs out long before the machine stack.
function recurseManaged(s: string): i32 {
  const t = s + "x";
  return t.length == 0 ? 0 : recurseManaged(t.substring(one)) + one;
}
function exhaustShadowStack(): void {
  println(recurseManaged("x").toString());
}

const names = [
  "oob-load", "oob-store", "oob-end", "divzero", "overflow", "conversion", "unreachable",
  "indirect-type", "indirect-null", "indirect-range", "exhaustion", "abort", "oom", "shadow-stack",
];
const provoke: (() => void)[] = [
  outOfBoundsLoad, outOfBoundsStore, outOfBoundsAtEnd, divideByZero, overflow, badConversion, reachUnreachable,
  indirectTypeMismatch, indirectNull, indirectOutOfRange, exhaustStack, failAssertion, exhaustMemory, exhaustShadowStack,
];

const which = commandLine().trim();
const i = names.indexOf(which);
println("provoking: " + which);
if (i >= 0) provoke[i]();
println("no trap");
