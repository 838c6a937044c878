// The Internet checksum (RFC 1071): the one's complement of the one's
// complement sum of 16-bit words. It is on every packet's path, so it is
// computed 64 bits at a time:
//
// - The sum is independent of byte order (RFC 1071 §2(B)): words are loaded
//   little-endian, as the machine does, and the folded result is swapped
//   once at the end.
// - Each 64-bit load is added as two 32-bit halves into a 64-bit
//   accumulator, which cannot overflow below 2^34 bytes, so no carry has to
//   be propagated in the loop; the carries are folded back at the end
//   (deferred carries, RFC 1071 §2(C)).
//
// Partial sums of several pieces (pseudo-header, header, payload) add up,
// provided every piece but the last has an even length.
import { Ipv4Address } from "./address";

/** Add the bytes at [ptr, ptr+len) to the running sum `acc`. */
export function sumBytes(ptr: usize, len: i32, acc: u64 = 0): u64 {
  let p = ptr;
  let n = len;
  while (n >= 32) {
    const a = load<u64>(p);
    const b = load<u64>(p, 8);
    const c = load<u64>(p, 16);
    const d = load<u64>(p, 24);
    acc += (a & 0xffff_ffff) + (a >> 32) + (b & 0xffff_ffff) + (b >> 32) +
      (c & 0xffff_ffff) + (c >> 32) + (d & 0xffff_ffff) + (d >> 32);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    const a = load<u64>(p);
    acc += (a & 0xffff_ffff) + (a >> 32);
    p += 8;
    n -= 8;
  }
  if (n >= 4) { acc += <u64>load<u32>(p); p += 4; n -= 4; }
  if (n >= 2) { acc += <u64>load<u16>(p); p += 2; n -= 2; }
  // A last odd byte is the high half of a word padded with zero; loaded
  // little-endian, that is the low byte.
  if (n == 1) acc += <u64>load<u8>(p);
  return acc;
}

/** Add a whole buffer to the running sum. */
export function sumBuffer(b: Uint8Array, acc: u64 = 0): u64 {
  return sumBytes(b.dataStart, b.byteLength, acc);
}

/** The TCP/UDP pseudo-header (RFC 768, RFC 9293 §3.1): source, destination,
 * zero, protocol, length, as a running sum. */
export function sumPseudoHeader(src: Ipv4Address, dst: Ipv4Address, protocol: u8, length: u32): u64 {
  // Each value as the machine would load it from its network-order bytes.
  return <u64>bswap<u32>(src) + <u64>bswap<u32>(dst) +
    <u64>bswap<u32>((<u32>protocol << 16) | (length & 0xffff));
}

/** The checksum of a running sum, in network byte order as a number: the
 * value to store with a big-endian 16-bit write. */
export function finish(acc: u64): u16 {
  let s = (acc & 0xffff_ffff) + (acc >> 32);
  s = (s & 0xffff_ffff) + (s >> 32);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return ~bswap<u16>(<u16>s);
}

/** The checksum of a buffer: 0 when the buffer already holds a correct one. */
export function checksum(b: Uint8Array): u16 {
  return finish(sumBuffer(b));
}
