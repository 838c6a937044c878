/**
 * The C compiler flags that code lowered by toolchain/lower needs, in one
 * place for every caller (the link stage, the spec runner, the golden tests,
 * the benchmarks). README.md in this folder says why each is needed.
 */
export const loweredCodeFlags = [
  "-fsignaling-nans", // no folding that would keep a signalling NaN signalling
  "-ffp-contract=off", // no fused multiply-add
  "-fno-strict-aliasing",
  "-fno-optimize-sibling-calls", // endless recursion exhausts the stack, and callers stay named
];
