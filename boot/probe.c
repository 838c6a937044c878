/*
 * probe.c: whether RDRAND and RDSEED execute, found by executing them.
 *
 * CPUID is what the tender chose to show, not what the CPU does: KVM's
 * PVM backend (and so solo5-hvt on it) hides RDRAND and RDSEED although
 * the guest's ring-3 code runs natively on a CPU that has them. So
 * entropy.c asks here when CPUID says no. Each probe executes the
 * instruction once; on a CPU without it the instruction raises #UD
 * (Intel SDM vol. 2B, RDRAND and RDSEED, "Protected Mode Exceptions": #UD
 * if CPUID.01H:ECX.RDRAND[bit 30] = 0, resp. CPUID.07H:EBX.RDSEED[bit 18]
 * = 0; on hardware lacking the instruction the opcode is undefined), and
 * exception.c asks probe_resume() before reporting it: an exception-table
 * fixup, as Linux's _ASM_EXTABLE, with two entries. Whether the values
 * are any good is entropy.c's to check.
 */
#include "boot.h"

#define INVALID_OPCODE 6

/* u32 probe(void): 1 when the instruction ran (whatever its carry flag
 * said), 0 when it raised #UD and was resumed at morgana_probe_failed. */
extern u32 morgana_probe_rdrand(void), morgana_probe_rdseed(void);
extern const char morgana_probe_rdrand_insn[], morgana_probe_rdseed_insn[], morgana_probe_failed[];

__asm__(".text\n"
        ".globl morgana_probe_rdrand, morgana_probe_rdseed\n"
        "morgana_probe_rdrand:\n"
        "    mov $1, %eax\n"
        "morgana_probe_rdrand_insn:\n"
        "    rdrand %rcx\n"
        "    ret\n"
        "morgana_probe_rdseed:\n"
        "    mov $1, %eax\n"
        "morgana_probe_rdseed_insn:\n"
        "    rdseed %rcx\n"
        "    ret\n"
        /* Reached only from probe_resume: the faulting instruction pushed
         * nothing, so the stack still holds the probe's return address. */
        "morgana_probe_failed:\n"
        "    xor %eax, %eax\n"
        "    ret\n");

int probe_resume(u64 vector, u64 *rip) {
    if (vector != INVALID_OPCODE) return 0;
    if (*rip != (uintptr_t)morgana_probe_rdrand_insn && *rip != (uintptr_t)morgana_probe_rdseed_insn) return 0;
    *rip = (uintptr_t)morgana_probe_failed;
    return 1;
}

int probe_rdrand(void) { return morgana_probe_rdrand(); }
int probe_rdseed(void) { return morgana_probe_rdseed(); }
