/*
 * ed25519.c: the `morgana` imports named cryptoEd25519* (RFC 8032 §5.1,
 * pure Ed25519), from libsodium (Debian libsodium-dev, libsodium.a),
 * which BearSSL 0.6 lacks. toolchain/link/crypto.ts compiles this file
 * and links libsodium.a only into an image whose application imports one
 * of them (libos/tls/ed25519.ts); libos/tls/README.md says why libsodium.
 *
 * The boundary is crypto.c's: every pointer and length checked by
 * memory_at first, no state kept between calls, secrets on this stack
 * wiped before returning. The private key is the 32-byte RFC 8032 seed;
 * the public key is derived from it on every signature rather than taken
 * from the caller, because libsodium signs with the 64-byte seed || public
 * key and a mismatched public half would leak the secret scalar.
 *
 * What libsodium.a needs: only its Ed25519 objects (keypair, sign, open,
 * verify, ed25519_ref10, hash_sha512_cp), none of which needs sodium_init
 * (no implementation is chosen at run time for them). Those objects also
 * call five helpers of libsodium's utils.o, core.o and randombytes.o,
 * which would pull in mmap, mprotect, pthreads and every other primitive
 * through sodium_init; they are defined below instead, so the linker
 * never takes those objects.
 * Debian builds libsodium with the stack protector: fortify.c has
 * __stack_chk_fail.
 */
#include "boot.h"
#include "hypercall.h"

/* libsodium's declarations (sodium/crypto_sign_ed25519.h), repeated here
 * because boot code is compiled without the system's headers. */
int crypto_sign_ed25519_seed_keypair(u8 *pk, u8 *sk, const u8 *seed);
int crypto_sign_ed25519_detached(u8 *sig, unsigned long long *siglen, const u8 *m, unsigned long long mlen,
                                 const u8 *sk);
int crypto_sign_ed25519_verify_detached(const u8 *sig, const u8 *m, unsigned long long mlen, const u8 *pk);

#define SEED_LEN 32
#define PUBLIC_LEN 32
#define SIG_LEN 64

#define CHECK(ptr, len) memory_at((ptr), (len), CALLER())

static void wipe(void *p, size_t n) {
    volatile u8 *v = p;
    while (n--) *v++ = 0;
}

static NORETURN void sodium_abort(const char *what) {
    con_str("crypto: ");
    con_str(what);
    con_str(" in libsodium; stopping");
    con_flush();
    hvt_halt(255);
    for (;;) {}
}

/* --- libsodium's helpers, as its own utils.c defines them ------------- */

void sodium_memzero(void *p, size_t n) { wipe(p, n); }

/* Constant time: 0 when equal, -1 when not (utils.c's contract). */
int sodium_memcmp(const void *a, const void *b, size_t n) {
    const volatile u8 *x = a, *y = b;
    u8 d = 0;
    for (size_t i = 0; i < n; i++) d |= x[i] ^ y[i];
    return (1 & ((d - 1) >> 8)) - 1;
}

/* Constant time: 1 when all n bytes are zero. */
int sodium_is_zero(const u8 *p, size_t n) {
    volatile u8 d = 0;
    for (size_t i = 0; i < n; i++) d |= p[i];
    return 1 & ((d - 1) >> 8);
}

/* Only crypto_sign_ed25519_keypair (a random key) calls it; the imports
 * never do, but it is the same object as seed_keypair. */
void randombytes_buf(void *buf, size_t n) { entropy_fill(buf, n); }

NORETURN void sodium_misuse(void) { sodium_abort("misuse"); }
NORETURN void abort(void) { sodium_abort("abort"); }

/* --- the imports ------------------------------------------------------ */

/* ed25519Public(seed, out): the 32-byte public key of a 32-byte seed. 1. */
u32 app_import_morgana__cryptoEd25519Public(u32 seed, u32 out) {
    const u8 *s = CHECK(seed, SEED_LEN);
    u8 *dst = CHECK(out, PUBLIC_LEN);
    u8 pk[PUBLIC_LEN], sk[64];
    crypto_sign_ed25519_seed_keypair(pk, sk, s);
    __builtin_memcpy(dst, pk, PUBLIC_LEN);
    wipe(sk, sizeof sk);
    return 1;
}

/* ed25519Sign(seed, msg, msgLen, sig): the 64-byte signature of the
 * message (RFC 8032 §5.1.6, deterministic). 1. */
u32 app_import_morgana__cryptoEd25519Sign(u32 seed, u32 msg, u32 msg_len, u32 sig) {
    const u8 *s = CHECK(seed, SEED_LEN);
    const u8 *m = CHECK(msg, msg_len);
    u8 *dst = CHECK(sig, SIG_LEN);
    u8 pk[PUBLIC_LEN], sk[64], out[SIG_LEN];
    crypto_sign_ed25519_seed_keypair(pk, sk, s);
    crypto_sign_ed25519_detached(out, 0, m, msg_len, sk);
    wipe(sk, sizeof sk);
    __builtin_memcpy(dst, out, SIG_LEN);
    return 1;
}

/* ed25519Verify(pub, msg, msgLen, sig): 1 when sig is a valid signature
 * of the message under the 32-byte public key, else 0. libsodium refuses
 * a non-canonical S or R and small-order R or A (RFC 8032 §5.1.7 and
 * stricter), so a signature is valid in one way only. */
u32 app_import_morgana__cryptoEd25519Verify(u32 pub, u32 msg, u32 msg_len, u32 sig) {
    const u8 *k = CHECK(pub, PUBLIC_LEN);
    const u8 *m = CHECK(msg, msg_len);
    const u8 *s = CHECK(sig, SIG_LEN);
    return crypto_sign_ed25519_verify_detached(s, m, msg_len, k) == 0;
}
