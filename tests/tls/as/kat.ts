// Known-answer tests of every primitive of the crypto* imports, through
// libos/tls/crypto.ts: run by tests/tls/known-answers.test.ts in the Node harness
// (node:crypto) and at boot by tests/apps/tlskat under KVM (BearSSL). One
// line per check, "kat NAME ok" or "kat NAME FAIL", then "kat done: P passed, F failed".
import { println } from "../../../libos/platform/console";
import {
  Aead, HashAlg, SIG_ECDSA_SECP256R1_SHA256, SIG_RSA_PKCS1_SHA256, SIG_RSA_PSS_RSAE_SHA256, SIG_RSA_PSS_RSAE_SHA384,
  aeadOpen, aeadSeal, hash, hmac, p256, p256Public, sign, verify, x25519, x25519Public,
} from "../../../libos/tls/crypto";
import { ascii, hex, same } from "./bytes";
import { ed25519Kats } from "./kat-ed25519";

let passed = 0;
let failed = 0;

function check(name: string, ok: bool): void {
  println("kat " + name + (ok ? " ok" : " FAIL"));
  if (ok) passed++;
  else failed++;
}

function hashes(): void {
  // FIPS 180-2 appendix examples: "abc".
  check("sha256-abc", same(hash(HashAlg.Sha256, ascii("abc")), hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")));
  check("sha384-abc", same(hash(HashAlg.Sha384, ascii("abc")),
    hex("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")));
  // RFC 4231 §4.3, test case 2.
  const key = ascii("Jefe"), data = ascii("what do ya want for nothing?");
  check("hmac-sha256-rfc4231-2", same(hmac(HashAlg.Sha256, key, data), hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")));
  check("hmac-sha384-rfc4231-2", same(hmac(HashAlg.Sha384, key, data),
    hex("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")));
}

/** Seal `plain` and compare with `expected` (ciphertext || tag); open it
 * back; flip one tag bit and see the open fail and zero the bytes. */
function aead(name: string, alg: Aead, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array, expected: Uint8Array): void {
  const buf = new Uint8Array(plain.length + 16);
  buf.set(plain);
  check(name + "-seal", aeadSeal(alg, key, nonce, aad, buf, plain.length) && same(buf, expected));
  check(name + "-open", aeadOpen(alg, key, nonce, aad, buf, plain.length) && same(buf.subarray(0, plain.length), plain));
  buf.set(expected);
  buf[buf.length - 1] ^= 1;
  let zeroed = true;
  const opened = aeadOpen(alg, key, nonce, aad, buf, plain.length);
  for (let i = 0; i < plain.length; i++) if (buf[i] != 0) zeroed = false;
  check(name + "-forged-tag-refused", !opened && zeroed);
}

function aeads(): void {
  // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 2 and 14.
  aead("aes128gcm-mv2", Aead.Aes128Gcm, new Uint8Array(16), new Uint8Array(12), new Uint8Array(0), new Uint8Array(16),
    hex("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf"));
  aead("aes256gcm-mv14", Aead.Aes256Gcm, new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), new Uint8Array(16),
    hex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"));
  // RFC 8439 §2.8.2.
  const key = new Uint8Array(32);
  for (let i = 0; i < 32; i++) key[i] = <u8>(0x80 + i);
  aead("chacha20poly1305-rfc8439", Aead.Chacha20Poly1305, key, hex("070000004041424344454647"), hex("50515253c0c1c2c3c4c5c6c7"),
    ascii("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."),
    hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
      + "1ae10b594f09e26a7e902ecbd0600691"));
}

function curves(): void {
  // RFC 7748 §6.1.
  const a = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const b = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  const bPub = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  check("x25519-public-rfc7748", same(x25519Public(a), hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")));
  const shared = new Uint8Array(32);
  check("x25519-shared-rfc7748", x25519(a, bPub, shared) && same(shared, hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")));
  check("x25519-public-b", same(x25519Public(b), bPub));
  // A low-order point (here 0) gives an all-zero secret: refused (RFC 8446 §7.4.2).
  check("x25519-zero-point-refused", !x25519(a, new Uint8Array(32), shared));

  // RFC 6979 §A.2.5: the P-256 key pair.
  const d = hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
  const q = hex("0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
  const pub = p256Public(d);
  check("p256-public-rfc6979", pub != null && same(pub as Uint8Array, q));
  // ECDH both ways agrees; a point off the curve is refused.
  const e = hex("0f2e3d4c5b6a79880f2e3d4c5b6a79880f2e3d4c5b6a79880f2e3d4c5b6a7988");
  const ePub = p256Public(e)!;
  const s1 = new Uint8Array(32), s2 = new Uint8Array(32);
  check("p256-ecdh-agrees", p256(d, ePub, s1) && p256(e, q, s2) && same(s1, s2));
  const bad = q.slice();
  bad[64] ^= 1;
  check("p256-off-curve-refused", !p256(d, bad, s1));
  check("p256-zero-scalar-refused", p256Public(new Uint8Array(32)) == null);

  // RFC 6979 §A.2.5, SHA-256, message "sample": (r, s) as DER.
  const msg = ascii("sample");
  const der = hex("3046022100efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
    + "022100f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
  check("ecdsa-p256-verify-rfc6979", verify(SIG_ECDSA_SECP256R1_SHA256, q, msg, der));
  check("ecdsa-p256-verify-other-message-refused", !verify(SIG_ECDSA_SECP256R1_SHA256, q, ascii("sampLe"), der));
  const sig = sign(SIG_ECDSA_SECP256R1_SHA256, d, msg);
  check("ecdsa-p256-sign-verifies", sig != null && verify(SIG_ECDSA_SECP256R1_SHA256, q, msg, sig as Uint8Array));
  check("sign-unknown-scheme-refused", sign(0x0808, d, msg) == null);
}

// A 1024-bit RSA key made for this test by node:crypto (OpenSSL), in the
// binding's form (u16 length, integer: n, e, d, p, q, dp, dq, qi; public: n, e),
// with OpenSSL's RSASSA-PSS (SHA-256, 32-byte salt) and PKCS #1 v1.5
// (SHA-256) signatures of "sample".
const RSA_PRIVATE = "0080d05475f744d19166b32afae136d4f895deeae94b6890b5af305dcbeb690d726818cee961fe8b73f51b8c066fa9ef2b7a604e24720f8c1618b9af"
    + "fb8b79f5dc0c753cb3d5ec93b1275d59dec6f016f6e84b13b3bed695abeb8e10990e261ca21e239ab7e81059f19335dcc84a4579ca008a9b84567432"
    + "57b2b2ba78b02d2e27690003010001008051d6ac14bbdb1ba45d83e7d42b2714944362c2ccd5c1eb2d6bf19cd6d888e8c58de1527b257480d3ebc361"
    + "0fe290cae2a30c6f72c33ac3bf68ca8225737eaab720a8ac6d85b662b622df2fac49f6b6443fc559edcdf29abc120b6520778f4a6a4b940bab141aee"
    + "9470d61983d42d897775bc07b1804fd5c06b183f246d1f65010040eb8b893fc5ac432607b7deb5bbf31d50f5556ce0d618a98d1af53e3fb7c7bc55a1"
    + "26a3265f69c7412b8ba09dcde89008e5ede90f7716e069016f6b7026c6aec90040e26be5d80c1dddfc58cfc3fe22a39fbab1bc7855dfca1886d546b2"
    + "8f8a5353a52661ac41db8451be52a4571d9e85e25d13a50cfce882b5e69353857b7c4ee3a100404de0608c792aaf38cfac7731d6e6567701e6308d55"
    + "bbe9b3018abbfe0d21389f871c632cb8b71c6deb9bca8ae21d5621db0381dedf1ced2d4a90301170809821004066743a69db79bc540e7fdd08e6f5b1"
    + "36526c9ceb06bbb50376086a8e0722936bdc853fe40107cbd15a25e1019714b00c3bf268811c58e12477afc86bcb210b610040696e0f2f2f97ef9bd5"
    + "b9152a65782e5992622bd9e3f951f87d7f4485dcee807e7777ca590fcacd8108470ebe99dcb27368d4114db5010350d560cca4262b0757";
const RSA_PUBLIC = "0080d05475f744d19166b32afae136d4f895deeae94b6890b5af305dcbeb690d726818cee961fe8b73f51b8c066fa9ef2b7a604e24720f8c1618b9af"
    + "fb8b79f5dc0c753cb3d5ec93b1275d59dec6f016f6e84b13b3bed695abeb8e10990e261ca21e239ab7e81059f19335dcc84a4579ca008a9b84567432"
    + "57b2b2ba78b02d2e27690003010001";
const RSA_PSS_SIG = "1b3702897381fc5127700df2c233525fe07df6b652b62f1f5fdcbdaa2aec19874ecb3e0f3f385040d6b8db8b107faa2378559bd3a4bcda96cf399bbb"
    + "3a86c0876380f6acfbbd2338b14ddf91a4a31d558fad810f82c49f97df3554e2ade5dacd63f52ec01ce59170bcc063acd290dd013ad093fac7e9f253"
    + "d60879aaa6a9f22f";
const RSA_PKCS1_SIG = "0aa4ccdf9708c059d89252584cbbd9140587d42313087874d72568b037d13d6661a36f4d198b402ca72c185e92c2f9a02736669220f86f98e3893be8"
    + "264452db1eb0db1e5b84f0593ee07533847b1d20ba9ee658c62225f5bd8194009eb5a89c7accd06ee39366b9c7b790edae564ff99ff9c31718cffd00"
    + "d4d14e842d63027d";

function rsa(): void {
  const priv = hex(RSA_PRIVATE), pub = hex(RSA_PUBLIC), msg = ascii("sample");
  check("rsa-pss-verify-openssl", verify(SIG_RSA_PSS_RSAE_SHA256, pub, msg, hex(RSA_PSS_SIG)));
  check("rsa-pss-verify-other-message-refused", !verify(SIG_RSA_PSS_RSAE_SHA256, pub, ascii("sampLe"), hex(RSA_PSS_SIG)));
  check("rsa-pkcs1-verify-openssl", verify(SIG_RSA_PKCS1_SHA256, pub, msg, hex(RSA_PKCS1_SIG)));
  check("rsa-pkcs1-is-not-pss", !verify(SIG_RSA_PSS_RSAE_SHA256, pub, msg, hex(RSA_PKCS1_SIG)));
  const sig = sign(SIG_RSA_PSS_RSAE_SHA256, priv, msg);
  check("rsa-pss-sign-verifies", sig != null && (sig as Uint8Array).length == 128 && verify(SIG_RSA_PSS_RSAE_SHA256, pub, msg, sig as Uint8Array));
  const sig384 = sign(SIG_RSA_PSS_RSAE_SHA384, priv, msg);
  check("rsa-pss-sha384-sign-verifies", sig384 != null && verify(SIG_RSA_PSS_RSAE_SHA384, pub, msg, sig384 as Uint8Array));
  check("rsa-truncated-key-refused", sign(SIG_RSA_PSS_RSAE_SHA256, priv.subarray(0, 100), msg) == null);
}

/** Every check, then the summary line; the number failed. */
export function runKats(): i32 {
  passed = 0;
  failed = 0;
  hashes();
  aeads();
  curves();
  rsa();
  ed25519Kats(check);
  println("kat done: " + passed.toString() + " passed, " + failed.toString() + " failed");
  return failed;
}

