// TLS keys need a real entropy source: a TlsServer is not made on timing
// jitter alone (libos/platform/entropy.ts, boot/entropy.c), unless the
// boot argument --tls-weak-entropy accepts the risk (for development on a
// machine without RDRAND). README.md, "Entropy", says what each target has.
import { Flag, declareArgument, parseArguments } from "../platform/args";
import { entropyFitForKeys } from "../platform/entropy";
import { fail } from "../platform/exit";
import { Logger } from "../platform/log";

const weakEntropyArgument = declareArgument("tls-weak-entropy", "false",
  "serve TLS even when the only entropy is timing jitter (keys an attacker may guess: development only)", new Flag());

/** The line a refused image prints; tests match it. */
export const WEAK_ENTROPY_REFUSAL =
  "tls: refusing to start: the only entropy source is timing jitter (no working RDRAND or RDSEED), not fit for keys; " +
  "run it on a CPU with RDRAND or RDSEED, or boot with --tls-weak-entropy to accept guessable keys (development only)";

/** Stop the image unless TLS keys can come from a source fit for them. */
export function requireKeyEntropy(): void {
  if (entropyFitForKeys()) return;
  parseArguments(); // the flag's value, if the command line is not read yet
  if (!weakEntropyArgument.flag) fail(WEAK_ENTROPY_REFUSAL);
  new Logger("tls").warn("--tls-weak-entropy: keys come from timing jitter, which an attacker may guess");
}
