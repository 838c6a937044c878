/*
 * ed25519-absent.c: the cryptoEd25519* imports of an image that can never
 * need them, linked instead of ed25519.c and libsodium.a (about 85 KB).
 * toolchain/link/crypto.ts (ed25519Needed) takes this file only when the
 * application signs with nothing but its one embedded TLS key, which is
 * not Ed25519, and verifies no Ed25519 signature: the server picks the
 * signature scheme of its key, so these are never reached. Should one be,
 * it fails as a wrong key would (0: no key, no signature, not valid), and
 * libos/tls answers with an alert; it never claims success.
 */
#include "boot.h"

u32 app_import_morgana__cryptoEd25519Public(u32 seed, u32 out) {
    (void)seed, (void)out;
    return 0;
}

u32 app_import_morgana__cryptoEd25519Sign(u32 seed, u32 msg, u32 msg_len, u32 sig) {
    (void)seed, (void)msg, (void)msg_len, (void)sig;
    return 0;
}

u32 app_import_morgana__cryptoEd25519Verify(u32 pub, u32 msg, u32 msg_len, u32 sig) {
    (void)pub, (void)msg, (void)msg_len, (void)sig;
    return 0;
}
