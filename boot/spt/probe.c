/*
 * spt/probe.c: no probing by execution on spt. The image is a Linux
 * process there, and CPUID answers with the host's own features, so
 * entropy.c's CPUID check already sees RDRAND and RDSEED where the CPU has
 * them; and an instruction the CPU lacks would raise SIGILL, which the
 * seccomp filter gives no way to catch (no rt_sigaction), killing the
 * process. (getrandom(2) would be the natural source, but Solo5's filter,
 * tenders/spt/spt_core.c, does not allow it.)
 */
#include "boot.h"

int probe_rdrand(void) { return 0; }
int probe_rdseed(void) { return 0; }
