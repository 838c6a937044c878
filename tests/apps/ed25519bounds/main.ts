// Test-only: the boundary of boot/crypto/ed25519.c. A good call first
// (RFC 8032 TEST 1's public key), then cryptoEd25519Verify with a message
// that runs 16 bytes past the end of linear memory: the binding must check
// the range before libsodium reads it, and stop the image with a Wasm
// out-of-bounds trap in the caller (exit 255) instead of reading the
// tender's memory. tests/tls/ed25519-bounds.test.ts runs it.
import { println } from "../../../libos/platform/console";
import { ed25519Public } from "../../../libos/tls/ed25519";

@external("morgana", "cryptoEd25519Verify")
declare function verifyImport(publicKey: usize, msg: usize, msgLen: i32, sig: usize): i32;

const seed = new Uint8Array(32);
for (let i = 0; i < 32; i++) seed[i] = <u8>I32.parseInt("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60".substr(i * 2, 2), 16);
const pub = ed25519Public(seed)!;
println("public key ok: " + (pub[0] == 0xd7 && pub[31] == 0x1a ? "yes" : "no"));
const end = <usize>memory.size() << 16;
const sig = new Uint8Array(64);
println("verifying a message past the end of memory");
verifyImport(pub.dataStart, end - 16, 32, sig.dataStart);
println("not stopped");
