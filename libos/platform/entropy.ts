// Randomness from the platform's entropy source (RDRAND/RDSEED on hvt and
// spt, the host's CSPRNG on node, a seeded generator under the test
// harness), and which source that is. For initial sequence numbers,
// ephemeral ports, DNS ids: anything an off-path attacker must not guess;
// for keys only when entropyFitForKeys() (libos/tls checks it).
import { entropy, entropySource as source } from "./abi";

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

// The entropySource import's answers (boot/README.md, the import table).
export const ENTROPY_JITTER: i32 = 0;
export const ENTROPY_RDRAND: i32 = 1;
export const ENTROPY_RDSEED: i32 = 2;
export const ENTROPY_HOST: i32 = 3;
export const ENTROPY_SEEDED: i32 = 4;
/** Set with RDRAND or RDSEED: CPUID hid it, executing it showed it works. */
export const ENTROPY_PROBED: i32 = 0x100;

/** The source, as the import answers (one of the ENTROPY_ values, with
 * ENTROPY_PROBED). It can change once, to jitter, if the hardware
 * generator stops answering. */
export function entropySource(): i32 {
  return source();
}

/** One word for the source: jitter, rdrand, rdseed, host, seeded; with
 * " (probed)" when CPUID hid the instruction. */
export function entropySourceName(): string {
  const s = source();
  const kind = s & 0xff;
  const name = kind == ENTROPY_RDRAND ? "rdrand" : kind == ENTROPY_RDSEED ? "rdseed" : kind == ENTROPY_HOST ? "host"
    : kind == ENTROPY_SEEDED ? "seeded" : kind == ENTROPY_JITTER ? "jitter" : "unknown " + kind.toString();
  return (s & ENTROPY_PROBED) != 0 ? name + " (probed)" : name;
}

/** Whether the source is fit for key material: anything but jitter. (The
 * harness's seeded generator is predictable by design; it exists only in
 * tests.) */
export function entropyFitForKeys(): bool {
  return (source() & 0xff) != ENTROPY_JITTER;
}
