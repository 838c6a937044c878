/*
 * entropy.c: random bytes, and where they come from (entropy_source).
 *
 * RDRAND, else RDSEED, where the CPU executes them: where CPUID lists them,
 * or, where it does not, where probe.c finds that they execute anyway (KVM's
 * PVM backend hides them from the guest's CPUID, but its ring-3 code runs
 * natively). Before use, a few values are checked: none all-zero or
 * all-ones, no two alike (some AMD CPUs' RDRAND, after a suspend, returned
 * all-ones with the carry flag set: success), and the same check runs on
 * every later word. Otherwise, or when the instruction stops answering,
 * timing jitter: the time a CPUID instruction takes varies, since under
 * KVM it exits to the hypervisor, and 64 such samples are folded into a
 * 64-bit state through a strong mixing function. The fallback is good for
 * seeding and for unpredictable ports and sequence numbers, not for key
 * material: boot says so on the console, and the application can ask
 * (entropySource), as libos/tls does before it starts.
 */
#include "boot.h"

static u32 source = ENTROPY_JITTER;
static u64 last; /* the previous hardware word, for the stuck-value check */
static u64 pool = 0x6a09e667f3bcc908ull;

static void cpuid(u32 leaf, u32 sub, u32 r[4]) {
    __asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

/* Both instructions may fail transiently (CF = 0): Intel's guidance is ten
 * tries for RDRAND (Intel DRNG Software Implementation Guide, 5.2.1); RDSEED
 * fails more often under load, so a few more. A value that is all-zero,
 * all-ones or the previous one again counts as no answer. */
static int hardware_word(u64 *w) {
    for (int i = 0; i < 16; i++) {
        u8 ok = 0;
        if ((source & 0xff) == ENTROPY_RDRAND)
            __asm__ __volatile__("rdrand %0; setc %1" : "=r"(*w), "=qm"(ok));
        else if ((source & 0xff) == ENTROPY_RDSEED)
            __asm__ __volatile__("rdseed %0; setc %1" : "=r"(*w), "=qm"(ok));
        else
            return 0;
        if (ok && *w != 0 && *w != ~0ull && *w != last) {
            last = *w;
            return 1;
        }
    }
    return 0;
}

/* Take `candidate` if three words in a row pass hardware_word's checks. */
static int try_source(u32 candidate) {
    source = candidate;
    last = 0;
    u64 w;
    for (int i = 0; i < 3; i++)
        if (!hardware_word(&w)) return source = ENTROPY_JITTER, 0;
    return 1;
}

static void report_jitter(const char *why) {
    con_str("entropy: jitter (");
    con_str(why);
    con_str("): fine for ports and sequence numbers, not for keys\n");
    con_flush();
}

void entropy_init(void) {
    u32 r[4];
    cpuid(0, 0, r);
    u32 max_leaf = r[0];
    cpuid(1, 0, r);
    int rdrand = (r[2] >> 30) & 1, rdseed = 0;
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        rdseed = (r[1] >> 18) & 1;
    }
    if (rdrand ? try_source(ENTROPY_RDRAND) : probe_rdrand() && try_source(ENTROPY_RDRAND | ENTROPY_PROBED)) return;
    if (rdseed ? try_source(ENTROPY_RDSEED) : probe_rdseed() && try_source(ENTROPY_RDSEED | ENTROPY_PROBED)) return;
    report_jitter("no working RDRAND or RDSEED");
}

u32 entropy_source(void) { return source; }

/* A bijective 64-bit finaliser: every input bit affects every output bit. */
static u64 mix(u64 x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

u64 entropy_jitter_word(void) {
    u32 r[4];
    for (int i = 0; i < 64; i++) {
        u64 t0 = rdtsc();
        cpuid(0, 0, r);
        u64 t1 = rdtsc();
        pool = mix(pool ^ (t1 - t0) ^ (t1 << 32 | t1 >> 32)) + 0x9e3779b97f4a7c15ull;
    }
    return mix(pool);
}

void entropy_fill(u8 *p, size_t n) {
    while (n) {
        u64 w;
        if (source != ENTROPY_JITTER && !hardware_word(&w)) {
            source = ENTROPY_JITTER; /* said once, and entropySource says so from now on */
            report_jitter("the hardware generator stopped answering");
        }
        if (source == ENTROPY_JITTER) w = entropy_jitter_word();
        size_t k = n < 8 ? n : 8;
        __builtin_memcpy(p, &w, k);
        p += k, n -= k;
    }
}
