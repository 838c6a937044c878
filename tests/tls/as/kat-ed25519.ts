// Ed25519 known answers (RFC 8032 §7.1, TEST 1 to 3) through
// libos/tls/crypto.ts's sign() and verify() with scheme ed25519, and so
// through libos/tls/ed25519.ts's imports: libsodium at boot, node:crypto
// in the harness. Run from kat.ts's runKats with its check().
import { SIG_ED25519, sign, verify } from "../../../libos/tls/crypto";
import { ed25519Public } from "../../../libos/tls/ed25519";
import { hex, same } from "./bytes";

// [secret key (the seed), public key, message, signature]
const RFC8032_TESTS: string[][] = [
  ["9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"],
  ["4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"],
  ["c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"],
];

// TEST 1's signature with S replaced by S + L (the group order): the same
// point equation holds, but §5.1.7 step 1 refuses an S not below L, which
// is what makes signatures non-malleable.
const TEST1_S_PLUS_L = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
  + "4c8c7872aa064e049dbb3013fbf29380d25bf5f0595bbe24655141438e7a101b";

export function ed25519Kats(check: (name: string, ok: bool) => void): void {
  for (let i = 0; i < RFC8032_TESTS.length; i++) {
    const t = RFC8032_TESTS[i];
    const name = "ed25519-rfc8032-" + (i + 1).toString();
    const seed = hex(t[0]), pub = hex(t[1]), msg = hex(t[2]), want = hex(t[3]);
    const derived = ed25519Public(seed);
    check(name + "-public", derived != null && same(derived as Uint8Array, pub));
    const sig = sign(SIG_ED25519, seed, msg);
    check(name + "-sign", sig != null && same(sig as Uint8Array, want));
    check(name + "-verify", verify(SIG_ED25519, pub, msg, want));
    const flipped = want.slice();
    flipped[i * 7] ^= 0x40;
    check(name + "-flipped-bit-refused", !verify(SIG_ED25519, pub, msg, flipped));
  }
  const t1 = RFC8032_TESTS[0];
  check("ed25519-other-message-refused", !verify(SIG_ED25519, hex(t1[1]), hex("00"), hex(t1[3])));
  check("ed25519-other-key-refused", !verify(SIG_ED25519, hex(RFC8032_TESTS[1][1]), hex(t1[2]), hex(t1[3])));
  check("ed25519-s-plus-l-refused", !verify(SIG_ED25519, hex(t1[1]), hex(t1[2]), hex(TEST1_S_PLUS_L)));
  check("ed25519-short-signature-refused", !verify(SIG_ED25519, hex(t1[1]), hex(t1[2]), hex(t1[3]).subarray(0, 63)));
  check("ed25519-short-key-refused", sign(SIG_ED25519, hex(t1[0]).subarray(0, 31), hex(t1[2])) == null);
}
