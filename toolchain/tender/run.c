/*
 * run.c: run the vCPU. A hypercall is the only expected exit; every other
 * exit (a triple fault, an access to memory or ports the guest does not
 * have, HLT with interrupts off, a failed VM entry) stops the guest with a
 * message and status 255.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "tender.h"

static unsigned long long guest_rip(struct tender *t)
{
    struct kvm_regs r;
    if (ioctl(t->vcpu_fd, KVM_GET_REGS, &r) < 0)
        return 0;
    return r.rip;
}

__attribute__((noreturn)) static void bad_io(struct tender *t)
{
    struct kvm_run *run = t->run;
    die_at(EXIT_ABORT, __FILE__, __LINE__,
           "the guest %s I/O port 0x%x (%u bytes) at rip 0x%llx; only 32-bit "
           "writes to ports 0x%x-0x%x are hypercalls; guest stopped",
           run->io.direction == KVM_EXIT_IO_OUT ? "wrote to" : "read from",
           run->io.port, run->io.size, guest_rip(t),
           HVT_HYPERCALL_PIO_BASE + 1,
           HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_MAX - 1);
}

__attribute__((noreturn)) static void triple_fault(struct tender *t)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    memset(&r, 0, sizeof r);
    memset(&s, 0, sizeof s);
    ioctl(t->vcpu_fd, KVM_GET_REGS, &r);
    ioctl(t->vcpu_fd, KVM_GET_SREGS, &s);
    die_at(EXIT_ABORT, __FILE__, __LINE__,
           "the guest triple-faulted (an exception it could not handle, e.g. "
           "with no IDT installed): rip 0x%llx, rsp 0x%llx, cr2 0x%llx; "
           "guest stopped", r.rip, r.rsp, s.cr2);
}

/* Morgana's net rings registration (boot/morgana_abi.h): a hypercall only
 * where the extension is offered. */
static void netrings_call(struct tender *t)
{
    struct kvm_run *run = t->run;
    if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 ||
        run->io.count != 1)
        bad_io(t);
    if (!t->net_rings)
        die_at(EXIT_ABORT, __FILE__, __LINE__,
               "the guest registered net rings (port 0x%x), a Morgana "
               "extension not offered here (--x-no-net-rings): a guest must "
               "find the offer in its manifest first; guest stopped",
               MORGANA_HYPERCALL_NETRINGS_PORT);
    uint32_t gpa;
    memcpy(&gpa, (uint8_t *)run + run->io.data_offset, sizeof gpa);
    hypercall_count[STAT_NETRINGS]++;
    hc_netrings(t, gpa);
}

int vm_run(struct tender *t)
{
    struct kvm_run *run = t->run;
    for (;;) {
        if (ioctl(t->vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            die_at(EXIT_ABORT, __FILE__, __LINE__,
                   "KVM_RUN failed at rip 0x%llx: %s; guest stopped",
                   guest_rip(t), strerror(errno));
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO: {
            unsigned port = run->io.port;
            if (port == MORGANA_HYPERCALL_NETRINGS_PORT) {
                netrings_call(t);
                break;
            }
            if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 ||
                run->io.count != 1 || port < HVT_HYPERCALL_PIO_BASE ||
                port >= HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_MAX)
                bad_io(t);
            uint32_t gpa;
            memcpy(&gpa, (uint8_t *)run + run->io.data_offset, sizeof gpa);
            bool halted;
            int status = hypercall(t, port - HVT_HYPERCALL_PIO_BASE, gpa,
                                   &halted);
            if (halted)
                return status;
            break;
        }
        case KVM_EXIT_MMIO:
            die_at(EXIT_ABORT, __FILE__, __LINE__,
                   "the guest %s %u bytes at 0x%llx, outside its memory "
                   "(0x%llx bytes), at rip 0x%llx; guest stopped",
                   run->mmio.is_write ? "wrote" : "read", run->mmio.len,
                   (unsigned long long)run->mmio.phys_addr,
                   (unsigned long long)t->mem_size, guest_rip(t));
        case KVM_EXIT_HLT:
            die_at(EXIT_ABORT, __FILE__, __LINE__,
                   "the guest executed HLT with interrupts off at rip 0x%llx "
                   "and can never wake up; stop with the halt hypercall "
                   "instead; guest stopped", guest_rip(t));
        case KVM_EXIT_SHUTDOWN:
            triple_fault(t);
        case KVM_EXIT_FAIL_ENTRY:
            die_at(EXIT_ABORT, __FILE__, __LINE__,
                   "KVM could not enter the guest (hardware reason 0x%llx); "
                   "guest stopped",
                   (unsigned long long)
                       run->fail_entry.hardware_entry_failure_reason);
        case KVM_EXIT_INTERNAL_ERROR:
            die_at(EXIT_ABORT, __FILE__, __LINE__,
                   "KVM internal error (suberror %u) at rip 0x%llx; guest "
                   "stopped", run->internal.suberror, guest_rip(t));
        default:
            die_at(EXIT_ABORT, __FILE__, __LINE__,
                   "unexpected KVM exit %u at rip 0x%llx; guest stopped",
                   run->exit_reason, guest_rip(t));
        }
    }
}
