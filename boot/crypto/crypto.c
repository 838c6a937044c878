/*
 * crypto.c: the `morgana` imports named crypto* (table in README.md), TLS's primitives
 * from BearSSL (Debian libbearssl-dev, libbearssl.a), linked into an image
 * only when its application imports one of them (toolchain/link).
 *
 * This is the one place where code outside the Wasm sandbox reads and
 * writes the application's memory on its behalf, so every pointer and
 * length is checked by memory_at against the memory's size first (a bad
 * one is a Wasm out-of-bounds trap in the calling function, as for the
 * `morgana` imports); algorithm and suite numbers are checked before any
 * byte is touched, and a bad one returns -1. No state lives here between
 * calls: keys stay in the application's memory (libos/tls/README.md says
 * why), and every context is on this stack, wiped before returning.
 *
 * BearSSL is constant-time in its "ct", "ct64", "m31"/"i31", x86ni and
 * pclmul code; the faster hardware paths are chosen at run time when
 * CPUID offers AES-NI, PCLMULQDQ and SSE2 (ring 3 may use SSE, boot.h).
 */
#include "boot.h"
#include <bearssl.h>

/* Numbers shared with libos/tls/crypto.ts. */
#define HASH_SHA256 1
#define HASH_SHA384 2
#define AEAD_AES_128_GCM 1
#define AEAD_AES_256_GCM 2
#define AEAD_CHACHA20_POLY1305 3
#define TAG_LEN 16
#define NONCE_LEN 12
/* TLS SignatureScheme code points (RFC 8446 §4.2.3). */
#define SIG_ECDSA_P256_SHA256 0x0403
#define SIG_RSA_PKCS1_SHA256 0x0401
#define SIG_RSA_PKCS1_SHA384 0x0501
#define SIG_RSA_PSS_RSAE_SHA256 0x0804
#define SIG_RSA_PSS_RSAE_SHA384 0x0805
#define RSA_MAX_BYTES 512 /* 4096-bit moduli */

/* BearSSL's MGF1 (RFC 8017 §B.2.1), exported by libbearssl.a though not
 * declared in its public headers: data ^= MGF1(seed, len). */
void br_mgf1_xor(void *data, size_t len, const br_hash_class *dig, const void *seed, size_t seed_len);

#define CHECK(ptr, len) memory_at((ptr), (len), CALLER())

/*
 * The implementations BearSSL picks at run time, picked once. Each
 * br_*_get() executes CPUID, and CPUID always exits to the hypervisor
 * (Intel SDM vol. 3C, 26.1.2: unconditionally in VMX non-root operation;
 * PVM traps it too): on kvm_pvm about 45-50 µs an exit, so asking on every
 * record capped AES-GCM at about 80 MB/s and ChaCha20-Poly1305 at 350 MB/s
 * in a guest, against 3.7 GB/s and 0.5 GB/s for the same code on the host.
 */
static struct {
    int chosen;
    const br_block_ctr_class *aes;
    br_ghash ghash;
    br_chacha20_run chacha;
    br_poly1305_run poly;
} impl;

static void choose(void) {
    if (impl.chosen) return;
    impl.aes = br_aes_x86ni_ctr_get_vtable();
    impl.ghash = br_ghash_pclmul_get();
    impl.chacha = br_chacha20_sse2_get();
    impl.poly = br_poly1305_ctmulq_get();
    impl.chosen = 1;
}

/* cryptoAesHardware(): 1 when AES-GCM runs on AES-NI and PCLMULQDQ (as
 * CPUID reports them), 0 when BearSSL falls back to its constant-time
 * software AES, several times slower than ChaCha20 there. */
u32 app_import_morgana__cryptoAesHardware(void) {
    choose();
    return impl.aes != 0 && impl.ghash != 0;
}

/* Wipe a context so no key byte outlives the call on this stack. */
static void wipe(void *p, size_t n) {
    volatile u8 *v = p;
    while (n--) *v++ = 0;
}

static const br_hash_class *hash_class(u32 alg) {
    switch (alg) {
    case HASH_SHA256: return &br_sha256_vtable;
    case HASH_SHA384: return &br_sha384_vtable;
    default: return 0;
    }
}

static u32 hash_len(const br_hash_class *h) { return (u32)((h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK); }

/* hash(alg, in, inLen, out): the digest's length, or -1 for an unknown alg. */
u32 app_import_morgana__cryptoHash(u32 alg, u32 in, u32 in_len, u32 out) {
    const br_hash_class *h = hash_class(alg);
    if (!h) return (u32)-1;
    const u8 *src = CHECK(in, in_len);
    u8 *dst = CHECK(out, hash_len(h));
    br_hash_compat_context ctx;
    h->init(&ctx.vtable);
    h->update(&ctx.vtable, src, in_len);
    h->out(&ctx.vtable, dst);
    wipe(&ctx, sizeof ctx);
    return hash_len(h);
}

/* hmac(alg, key, keyLen, in, inLen, out): the MAC's length, or -1. */
u32 app_import_morgana__cryptoHmac(u32 alg, u32 key, u32 key_len, u32 in, u32 in_len, u32 out) {
    const br_hash_class *h = hash_class(alg);
    if (!h) return (u32)-1;
    const u8 *k = CHECK(key, key_len);
    const u8 *src = CHECK(in, in_len);
    u8 *dst = CHECK(out, hash_len(h));
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, h, k, key_len);
    br_hmac_init(&hc, &kc, 0);
    br_hmac_update(&hc, src, in_len);
    br_hmac_out(&hc, dst);
    wipe(&kc, sizeof kc);
    wipe(&hc, sizeof hc);
    return hash_len(h);
}

static u32 aead_key_len(u32 suite) {
    switch (suite) {
    case AEAD_AES_128_GCM: return 16;
    case AEAD_AES_256_GCM:
    case AEAD_CHACHA20_POLY1305: return 32;
    default: return 0;
    }
}

/* AES-GCM over data in place; the tag to `tag` (seal) or checked against
 * it in constant time (open). 1 when sealed or authentic, else 0. */
static u32 gcm(const u8 *key, u32 key_len, const u8 *nonce, const u8 *aad, u32 aad_len, u8 *data, u32 len,
               u8 *tag, int seal) {
    br_aes_gen_ctr_keys keys;
    br_gcm_context gc;
    choose();
    const br_block_ctr_class *aes = impl.aes ? impl.aes : &br_aes_ct64_ctr_vtable;
    br_ghash ghash = impl.ghash ? impl.ghash : br_ghash_ctmul64;
    aes->init(&keys.vtable, key, key_len);
    br_gcm_init(&gc, &keys.vtable, ghash);
    br_gcm_reset(&gc, nonce, NONCE_LEN);
    br_gcm_aad_inject(&gc, aad, aad_len);
    br_gcm_flip(&gc);
    u32 ok = 1;
    if (seal) {
        br_gcm_run(&gc, 1, data, len);
        br_gcm_get_tag(&gc, tag);
    } else {
        br_gcm_run(&gc, 0, data, len);
        ok = br_gcm_check_tag(&gc, tag);
    }
    wipe(&keys, sizeof keys);
    wipe(&gc, sizeof gc);
    return ok;
}

/* ChaCha20-Poly1305 (RFC 8439) in place; same contract as gcm. */
static u32 chacha(const u8 *key, const u8 *nonce, const u8 *aad, u32 aad_len, u8 *data, u32 len, u8 *tag,
                  int seal) {
    choose();
    br_chacha20_run ich = impl.chacha ? impl.chacha : br_chacha20_ct_run;
    br_poly1305_run poly = impl.poly ? impl.poly : br_poly1305_ctmul_run;
    if (seal) {
        poly(key, nonce, data, len, aad, aad_len, tag, ich, 1);
        return 1;
    }
    u8 computed[TAG_LEN];
    poly(key, nonce, data, len, aad, aad_len, computed, ich, 0);
    u32 diff = 0;
    for (int i = 0; i < TAG_LEN; i++) diff |= computed[i] ^ tag[i];
    wipe(computed, sizeof computed);
    return ((diff - 1) >> 31) & 1; /* 1 iff diff == 0, without a branch */
}

/*
 * aeadSeal(suite, key, nonce, aad, aadLen, data, len): encrypts data in
 * place and writes the 16-byte tag right after it (data + len). 0, or -1
 * for an unknown suite.
 */
u32 app_import_morgana__cryptoAeadSeal(u32 suite, u32 key, u32 nonce, u32 aad, u32 aad_len, u32 data, u32 len) {
    u32 key_len = aead_key_len(suite);
    if (!key_len) return (u32)-1;
    const u8 *k = CHECK(key, key_len);
    const u8 *n = CHECK(nonce, NONCE_LEN);
    const u8 *a = CHECK(aad, aad_len);
    u8 *d = CHECK(data, (u64)len + TAG_LEN);
    if (suite == AEAD_CHACHA20_POLY1305) chacha(k, n, a, aad_len, d, len, d + len, 1);
    else gcm(k, key_len, n, a, aad_len, d, len, d + len, 1);
    return 0;
}

/*
 * aeadOpen(suite, key, nonce, aad, aadLen, data, len): data holds len
 * bytes of ciphertext then the tag; decrypts in place. 1 when authentic;
 * 0 when not, and then the bytes are zeroed, so unauthenticated plaintext
 * never reaches the application; -1 for an unknown suite.
 */
u32 app_import_morgana__cryptoAeadOpen(u32 suite, u32 key, u32 nonce, u32 aad, u32 aad_len, u32 data, u32 len) {
    u32 key_len = aead_key_len(suite);
    if (!key_len) return (u32)-1;
    const u8 *k = CHECK(key, key_len);
    const u8 *n = CHECK(nonce, NONCE_LEN);
    const u8 *a = CHECK(aad, aad_len);
    u8 *d = CHECK(data, (u64)len + TAG_LEN);
    u32 ok = suite == AEAD_CHACHA20_POLY1305 ? chacha(k, n, a, aad_len, d, len, d + len, 0)
                                              : gcm(k, key_len, n, a, aad_len, d, len, d + len, 0);
    if (!ok) __builtin_memset(d, 0, len);
    return ok;
}

/*
 * x25519(scalar, point, out): RFC 7748 X25519 of the 32-byte scalar and
 * u-coordinate (both little-endian, as on the wire), or of the base point
 * when point is 0 (a public key). 1, or 0 when the result is all zeros
 * (RFC 7748 §6.1: a low-order peer point; RFC 8446 §7.4.2 says abort).
 */
u32 app_import_morgana__cryptoX25519(u32 scalar, u32 point, u32 out) {
    static const u8 base[32] = {9};
    const u8 *k = CHECK(scalar, 32);
    const u8 *u = point ? CHECK(point, 32) : base;
    u8 *dst = CHECK(out, 32);
    /* For Curve25519 BearSSL takes the scalar as RFC 7748 does (little-
     * endian, clamped by BearSSL), unlike its other curves. */
    u8 be[32], g[32];
    __builtin_memcpy(be, k, 32);
    __builtin_memcpy(g, u, 32);
    br_ec_c25519_m31.mul(g, 32, be, 32, BR_EC_curve25519);
    u8 any = 0;
    for (int i = 0; i < 32; i++) any |= g[i];
    __builtin_memcpy(dst, g, 32);
    wipe(be, sizeof be);
    wipe(g, sizeof g);
    return any != 0;
}

/* Whether a big-endian 32-byte scalar is in [1, n - 1], n the group
 * order (SEC 1 §3.2.1), compared without a data-dependent branch. */
static int p256_scalar_ok(const br_ec_impl *ec, const u8 *k) {
    size_t len;
    const u8 *n = ec->order(BR_EC_secp256r1, &len);
    u32 nonzero = 0, borrow = 0;
    for (int i = 31; i >= 0; i--) { /* k - n: a final borrow means k < n */
        u32 d = (u32)k[i] - n[i] - borrow;
        borrow = (d >> 31) & 1;
        nonzero |= k[i];
    }
    return (len == 32) & (nonzero != 0) & (borrow == 1);
}

/*
 * p256(scalar, point, out): with point 0, the uncompressed public key
 * (65 bytes: 04 || X || Y) of the 32-byte big-endian scalar; else the
 * ECDH shared secret (the 32-byte X coordinate, RFC 8446 §7.4.2) of the
 * scalar and the 65-byte uncompressed peer point. 1, or 0 when the scalar
 * is zero or not below the order, or the point is not on the curve.
 */
u32 app_import_morgana__cryptoP256(u32 scalar, u32 point, u32 out) {
    const br_ec_impl *ec = &br_ec_p256_m31;
    const u8 *k = CHECK(scalar, 32);
    if (!p256_scalar_ok(ec, k)) return 0;
    if (!point) {
        u8 *dst = CHECK(out, 65);
        return ec->mulgen(dst, k, 32, BR_EC_secp256r1) == 65;
    }
    const u8 *p = CHECK(point, 65);
    u8 *dst = CHECK(out, 32);
    u8 g[65];
    __builtin_memcpy(g, p, 65);
    u32 ok = ec->mul(g, 65, k, 32, BR_EC_secp256r1);
    if (ok) __builtin_memcpy(dst, g + 1, 32);
    wipe(g, sizeof g);
    return ok;
}

/* SHA-256 of a message checked by the caller. */
static void sha256(const u8 *msg, u32 len, u8 out[32]) {
    br_sha256_context c;
    br_sha256_init(&c);
    br_sha256_update(&c, msg, len);
    br_sha256_out(&c, out);
}

/* The digest of a message with `h`; its length. */
static u32 digest(const br_hash_class *h, const u8 *msg, u32 len, u8 *out) {
    br_hash_compat_context c;
    h->init(&c.vtable);
    h->update(&c.vtable, msg, len);
    h->out(&c.vtable, out);
    return hash_len(h);
}

/* A key in libos/tls/crypto.ts's RSA form: fields each a u16 big-endian
 * length then the big-endian integer; `want` of them. Reads them into
 * `f`/`fl`; 0 when the bytes do not hold exactly that. */
static int rsa_fields(const u8 *k, u32 len, int want, const u8 **f, u32 *fl) {
    u32 at = 0;
    for (int i = 0; i < want; i++) {
        if (len - at < 2) return 0;
        u32 n = (u32)k[at] << 8 | k[at + 1];
        at += 2;
        if (n == 0 || n > RSA_MAX_BYTES || len - at < n) return 0;
        f[i] = k + at;
        fl[i] = n;
        at += n;
    }
    return at == len;
}

/* The bit length of a big-endian integer. */
static u32 bit_length(const u8 *x, u32 len) {
    while (len && !*x) x++, len--;
    if (!len) return 0;
    return (len - 1) * 8 + (32 - (u32)__builtin_clz(*x));
}

/*
 * RSASSA-PSS signing (RFC 8017 §8.1.1, EMSA-PSS §9.1.1) with salt as long
 * as the hash (RFC 8446 §4.2.3), over BearSSL's constant-time RSA private
 * operation. Key fields: n, e, d, p, q, dp, dq, qi. The signature is as
 * long as the modulus; 0 on a bad key.
 */
static u32 rsa_pss_sign(const br_hash_class *h, const u8 *key, u32 key_len, const u8 *msg, u32 msg_len, u8 *sig,
                        u32 sig_cap) {
    const u8 *f[8];
    u32 fl[8];
    if (!rsa_fields(key, key_len, 8, f, fl)) return 0;
    u32 mod_bits = bit_length(f[0], fl[0]);
    u32 k = (mod_bits + 7) / 8, hl = hash_len(h);
    u32 em_bits = mod_bits - 1, em_len = (em_bits + 7) / 8;
    if (mod_bits < 1024 || k > RSA_MAX_BYTES || k > sig_cap || em_len < 2 * hl + 2) return 0;
    u8 x[RSA_MAX_BYTES], m[8 + 64 + 64], salt[64], hash[64];
    /* M' = 8 zeros || Hash(M) || salt; H = Hash(M'). */
    __builtin_memset(m, 0, 8);
    digest(h, msg, msg_len, m + 8);
    entropy_fill(salt, hl);
    __builtin_memcpy(m + 8 + hl, salt, hl);
    digest(h, m, 8 + 2 * hl, hash);
    /* EM = maskedDB || H || 0xbc, DB = PS || 0x01 || salt, right-aligned in x. */
    u8 *em = x + (k - em_len);
    __builtin_memset(x, 0, k);
    u32 db_len = em_len - hl - 1;
    em[db_len - hl - 1] = 0x01;
    __builtin_memcpy(em + db_len - hl, salt, hl);
    br_mgf1_xor(em, db_len, h, hash, hl);
    em[0] &= (u8)(0xff >> (8 * em_len - em_bits));
    __builtin_memcpy(em + db_len, hash, hl);
    em[em_len - 1] = 0xbc;
    br_rsa_private_key sk = {mod_bits, (u8 *)f[3], fl[3], (u8 *)f[4], fl[4], (u8 *)f[5], fl[5],
                             (u8 *)f[6], fl[6], (u8 *)f[7], fl[7]};
    u32 ok = br_rsa_i31_private(x, &sk);
    if (ok) __builtin_memcpy(sig, x, k);
    wipe(x, sizeof x);
    wipe(salt, sizeof salt);
    return ok ? k : 0;
}

/* RSASSA-PSS verification (RFC 8017 §8.1.2, EMSA-PSS-VERIFY §9.1.2), salt
 * as long as the hash. Key fields: n, e. 1 valid, 0 not. */
static u32 rsa_pss_verify(const br_hash_class *h, const u8 *key, u32 key_len, const u8 *msg, u32 msg_len,
                          const u8 *sig, u32 sig_len) {
    const u8 *f[2];
    u32 fl[2];
    if (!rsa_fields(key, key_len, 2, f, fl)) return 0;
    u32 mod_bits = bit_length(f[0], fl[0]);
    u32 k = (mod_bits + 7) / 8, hl = hash_len(h);
    u32 em_bits = mod_bits - 1, em_len = (em_bits + 7) / 8;
    if (mod_bits < 1024 || k > RSA_MAX_BYTES || sig_len != k || em_len < 2 * hl + 2) return 0;
    u8 x[RSA_MAX_BYTES], m[8 + 64 + 64], hash[64];
    __builtin_memcpy(x, sig, k);
    br_rsa_public_key pk = {(u8 *)f[0], fl[0], (u8 *)f[1], fl[1]};
    if (!br_rsa_i31_public(x, k, &pk)) return 0;
    if (k > em_len && x[0] != 0) return 0;
    u8 *em = x + (k - em_len);
    u32 db_len = em_len - hl - 1;
    if (em[em_len - 1] != 0xbc || (em[0] & (u8)~(0xff >> (8 * em_len - em_bits)))) return 0;
    br_mgf1_xor(em, db_len, h, em + db_len, hl);
    em[0] &= (u8)(0xff >> (8 * em_len - em_bits));
    for (u32 i = 0; i < db_len - hl - 1; i++)
        if (em[i]) return 0;
    if (em[db_len - hl - 1] != 0x01) return 0;
    __builtin_memset(m, 0, 8);
    digest(h, msg, msg_len, m + 8);
    __builtin_memcpy(m + 8 + hl, em + db_len - hl, hl);
    digest(h, m, 8 + 2 * hl, hash);
    u32 diff = 0;
    for (u32 i = 0; i < hl; i++) diff |= hash[i] ^ em[db_len + i];
    return diff == 0;
}

/* RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) of a SHA-256 or
 * SHA-384 digest; key fields n, e. For certificates (RFC 8446 §4.2.3). */
static u32 rsa_pkcs1_verify(const br_hash_class *h, const u8 *key, u32 key_len, const u8 *msg, u32 msg_len,
                            const u8 *sig, u32 sig_len) {
    const u8 *f[2];
    u32 fl[2];
    if (!rsa_fields(key, key_len, 2, f, fl)) return 0;
    u8 want[64], got[64];
    u32 hl = digest(h, msg, msg_len, want);
    br_rsa_public_key pk = {(u8 *)f[0], fl[0], (u8 *)f[1], fl[1]};
    const u8 *oid = h == &br_sha384_vtable ? (const u8 *)BR_HASH_OID_SHA384 : (const u8 *)BR_HASH_OID_SHA256;
    if (!br_rsa_i31_pkcs1_vrfy(sig, sig_len, oid, hl, &pk, got)) return 0;
    u32 diff = 0;
    for (u32 i = 0; i < hl; i++) diff |= want[i] ^ got[i];
    return diff == 0;
}

/*
 * sign(scheme, key, keyLen, msg, msgLen, sig, sigCap): signs a message
 * (hashed here with the scheme's hash) with a private key in the form
 * libos/tls/crypto.ts documents; the signature's length, or -1 (unknown
 * scheme, bad key, buffer too small).
 *   ecdsa_secp256r1_sha256: key is the 32-byte big-endian scalar; the
 *     signature is DER (RFC 8446 §4.2.3); nonces per RFC 6979 (BearSSL).
 *   rsa_pss_rsae_sha256/384: key is n, e, d, p, q, dp, dq, qi, each a u16
 *     length then the integer; salt from the entropy source.
 */
u32 app_import_morgana__cryptoSign(u32 scheme, u32 key, u32 key_len, u32 msg, u32 msg_len, u32 sig, u32 sig_cap) {
    const u8 *k = CHECK(key, key_len);
    const u8 *m = CHECK(msg, msg_len);
    u8 *s = CHECK(sig, sig_cap);
    if (scheme == SIG_ECDSA_P256_SHA256) {
        if (key_len != 32) return (u32)-1;
        u8 x[32], h[32], out[80]; /* DER of two 33-byte integers: at most 72 */
        __builtin_memcpy(x, k, 32);
        sha256(m, msg_len, h);
        br_ec_private_key sk = {BR_EC_secp256r1, x, 32};
        size_t n = br_ecdsa_i31_sign_asn1(&br_ec_p256_m31, &br_sha256_vtable, h, &sk, out);
        wipe(x, sizeof x);
        if (n == 0 || n > sig_cap) return (u32)-1;
        __builtin_memcpy(s, out, n);
        return (u32)n;
    }
    if (scheme == SIG_RSA_PSS_RSAE_SHA256 || scheme == SIG_RSA_PSS_RSAE_SHA384) {
        u32 n = rsa_pss_sign(scheme == SIG_RSA_PSS_RSAE_SHA256 ? &br_sha256_vtable : &br_sha384_vtable, k, key_len, m,
                             msg_len, s, sig_cap);
        return n ? n : (u32)-1;
    }
    return (u32)-1;
}

/*
 * verify(scheme, key, keyLen, msg, msgLen, sig, sigLen): 1 when sig is a
 * valid signature of the message under the public key, 0 when not, -1
 * for an unknown scheme.
 *   ecdsa_secp256r1_sha256: key is the 65-byte uncompressed point.
 *   rsa_pss_rsae_sha256/384, rsa_pkcs1_sha256/384: key is n, e as above.
 */
u32 app_import_morgana__cryptoVerify(u32 scheme, u32 key, u32 key_len, u32 msg, u32 msg_len, u32 sig, u32 sig_len) {
    const u8 *k = CHECK(key, key_len);
    const u8 *m = CHECK(msg, msg_len);
    const u8 *s = CHECK(sig, sig_len);
    if (scheme == SIG_ECDSA_P256_SHA256) {
        if (key_len != 65) return 0;
        u8 q[65], h[32];
        __builtin_memcpy(q, k, 65);
        sha256(m, msg_len, h);
        br_ec_public_key pk = {BR_EC_secp256r1, q, 65};
        return br_ecdsa_i31_vrfy_asn1(&br_ec_p256_m31, h, 32, &pk, s, sig_len);
    }
    if (scheme == SIG_RSA_PSS_RSAE_SHA256 || scheme == SIG_RSA_PSS_RSAE_SHA384)
        return rsa_pss_verify(scheme == SIG_RSA_PSS_RSAE_SHA256 ? &br_sha256_vtable : &br_sha384_vtable, k, key_len, m,
                              msg_len, s, sig_len);
    if (scheme == SIG_RSA_PKCS1_SHA256 || scheme == SIG_RSA_PKCS1_SHA384)
        return rsa_pkcs1_verify(scheme == SIG_RSA_PKCS1_SHA256 ? &br_sha256_vtable : &br_sha384_vtable, k, key_len, m,
                                msg_len, s, sig_len);
    return (u32)-1;
}
