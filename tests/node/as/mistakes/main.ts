// An app that makes the mistake its boot argument names, for the node
// target's test that traps and aborts name the TypeScript file:line.
// Each mistake's line carries a marker comment the test looks for.
import { IntRange, OneOf, declareArgument, fail, parseArguments, println } from "../../../../libos/platform/index";

const mistake = declareArgument("mistake", "none", "which mistake to make", new OneOf(["none", "divide", "index", "assert"]));
const divisor = declareArgument("divisor", "0", "what to divide by", new IntRange(0, 10));

function divide(n: i32): i32 {
  return 100 / n; // MISTAKE:divide
}

parseArguments();
function element(i: i32): i32 {
  const list: i32[] = [1, 2, 3];
  return list[i]; // MISTAKE:index
}

const kind = mistake.value;
if (kind == "divide") println(divide(<i32>divisor.int).toString());
if (kind == "index") println(element(<i32>divisor.int + 5).toString());
if (kind == "assert") assert(divisor.int > 0, "the divisor must be positive"); // MISTAKE:assert
if (kind == "none") fail("give --mistake=divide|index|assert");
