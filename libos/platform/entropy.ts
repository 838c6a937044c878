// Randomness from the platform's entropy source (RDRAND/RDSEED on hvt, a
// seeded generator under the test harness). For initial sequence numbers,
// ephemeral ports, DNS ids: anything an off-path attacker must not guess.
import { entropy } from "./abi";

/** Fill `bytes` with random bytes. */
export function fillRandom(bytes: Uint8Array): void {
  entropy(bytes.dataStart, bytes.byteLength);
}

// One scratch word, so that the common case allocates nothing.
const word = memory.data(8);

export function randomU32(): u32 {
  entropy(word, 4);
  return load<u32>(word);
}

export function randomU64(): u64 {
  entropy(word, 8);
  return load<u64>(word);
}
