// Test-only: what tests/platform/entropy.test.ts checks under each tender.
// Prints three lines and exits 0:
//   entropy: SOURCE        (libos/platform/entropy.ts: entropySourceName)
//   aes-hardware: 0|1      (BearSSL's AES-NI and PCLMULQDQ checks, from CPUID)
//   random: 32 hex digits  (16 bytes from fillRandom: differ from boot to boot)
import { entropySourceName, fillRandom } from "../../../libos/platform/entropy";
import { println } from "../../../libos/platform/console";

@external("morgana", "cryptoAesHardware")
declare function cryptoAesHardware(): i32;

println("entropy: " + entropySourceName());
println("aes-hardware: " + cryptoAesHardware().toString());
const bytes = new Uint8Array(16);
fillRandom(bytes);
let hex = "";
for (let i = 0; i < bytes.length; i++) hex += (<u32>bytes[i]).toString(16).padStart(2, "0");
println("random: " + hex);
