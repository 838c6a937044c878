// Sequence number arithmetic (RFC 9293 §3.4): numbers live in a 32-bit
// space that wraps, so they are compared by the sign of their difference,
// which is right while the two are less than 2^31 apart (a window can be
// at most 2^30, RFC 7323 §2.3, so they always are).

/** a < b */
@inline export function seqLt(a: u32, b: u32): bool { return <i32>(a - b) < 0; }
/** a <= b */
@inline export function seqLe(a: u32, b: u32): bool { return <i32>(a - b) <= 0; }
/** a > b */
@inline export function seqGt(a: u32, b: u32): bool { return <i32>(a - b) > 0; }
/** a >= b */
@inline export function seqGe(a: u32, b: u32): bool { return <i32>(a - b) >= 0; }
/** b - a as a signed distance. */
@inline export function seqDiff(b: u32, a: u32): i32 { return <i32>(b - a); }
@inline export function seqMax(a: u32, b: u32): u32 { return seqGt(a, b) ? a : b; }
@inline export function seqMin(a: u32, b: u32): u32 { return seqLt(a, b) ? a : b; }
/** lo <= x < hi */
@inline export function seqIn(x: u32, lo: u32, hi: u32): bool { return seqLe(lo, x) && seqLt(x, hi); }
