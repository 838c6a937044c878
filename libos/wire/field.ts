// Unchecked big-endian field access at byte offsets of a buffer. Views call
// these only after their check() has proved the buffer long enough, which is
// what makes the view's accessors safe without a bounds check each.

@inline export function get8(b: Uint8Array, at: i32): u8 {
  return load<u8>(b.dataStart + <usize>at);
}

@inline export function set8(b: Uint8Array, at: i32, v: u8): void {
  store<u8>(b.dataStart + <usize>at, v);
}

@inline export function get16(b: Uint8Array, at: i32): u16 {
  return bswap<u16>(load<u16>(b.dataStart + <usize>at));
}

@inline export function set16(b: Uint8Array, at: i32, v: u16): void {
  store<u16>(b.dataStart + <usize>at, bswap<u16>(v));
}

@inline export function get32(b: Uint8Array, at: i32): u32 {
  return bswap<u32>(load<u32>(b.dataStart + <usize>at));
}

@inline export function set32(b: Uint8Array, at: i32, v: u32): void {
  store<u32>(b.dataStart + <usize>at, bswap<u32>(v));
}

/** A 48-bit MAC address, first octet most significant. */
@inline export function get48(b: Uint8Array, at: i32): u64 {
  const p = b.dataStart + <usize>at;
  return (<u64>bswap<u16>(load<u16>(p)) << 32) | <u64>bswap<u32>(load<u32>(p, 2));
}

@inline export function set48(b: Uint8Array, at: i32, v: u64): void {
  const p = b.dataStart + <usize>at;
  store<u16>(p, bswap<u16>(<u16>(v >> 32)));
  store<u32>(p, bswap<u32>(<u32>v), 2);
}

/** Copy `src` to offset `at` of `dst`, unless it is already there (a payload
 * built in place), and fill nothing else. */
export function place(dst: Uint8Array, at: i32, src: Uint8Array): void {
  const to = dst.dataStart + <usize>at;
  if (src.dataStart != to) memory.copy(to, src.dataStart, src.byteLength);
}
