/*
 * vm.c: guest memory, the KVM virtual machine, and the guest-visible state
 * at entry, as solo5-hvt (x86-64) sets it up:
 *
 *   0x1000   GDT: null, flat 64-bit code (0x08), flat data (0x10)
 *   0x2000   PML4, 0x3000 PDPT, 0x4000-0x7fff four page directories
 *   0x8000   page table for the first 2 MiB, in 4 KiB pages: below 0x10000
 *            not present (a NULL dereference faults), 0x10000-0xfffff
 *            present read-only (the tender's input to the guest), from
 *            0x100000 read-write; above 2 MiB, identity-mapped 2 MiB pages
 *            up to the end of guest memory
 *   0x10000  boot info (struct hvt_boot_info, zero-padded to 64 bytes),
 *            then the manifest copy, then the command line
 *
 * CPU: long mode, ring 0, CR0 = PE|NE|WP|PG, CR4 = PAE|OSFXSR|OSXMMEXCPT,
 * EFER = LME|LMA, RFLAGS = 0x2, RSP = end of memory - 8, RDI = 0x10000,
 * RIP = the image's entry point, CPUID as KVM supports it (Intel SDM vol. 3A
 * 2.5 "Control Registers", 4.5 "4-Level Paging", 3.4.5 "Segment
 * Descriptors"; KVM API: Documentation/virt/kvm/api.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tender.h"

#define PML4_BASE 0x2000
#define PDPT_BASE 0x3000
#define PD_BASE 0x4000
#define PT0_BASE 0x8000
#define LOW_MAPPED 0x10000 /* first present 4 KiB page */

#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL

#define CR0_PE (1ULL << 0)
#define CR0_NE (1ULL << 5)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

/* GDT descriptors: flat, 4 GiB limit in 4 KiB units (G), present, ring 0.
 * Code: type 9 (execute-only, accessed), L (64-bit). Data: type 3
 * (read/write, accessed), D/B. */
#define GDT_CODE 0x00af99000000ffffULL
#define GDT_DATA 0x00cf93000000ffffULL
#define SEL_CODE 0x08
#define SEL_DATA 0x10

void vm_memory(struct tender *t)
{
    void *m = mmap(NULL, t->mem_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        die(EXIT_REFUSED, "cannot allocate %llu MiB of guest memory: %s; "
            "try a smaller --mem", (unsigned long long)(t->mem_size >> 20),
            strerror(errno));
    t->mem = m;
}

static int kvm_ioctl(int fd, unsigned long req, void *arg, const char *what)
{
    int rc = ioctl(fd, req, arg);
    if (rc < 0)
        die(EXIT_REFUSED, "KVM: %s failed: %s", what, strerror(errno));
    return rc;
}

void vm_create(struct tender *t)
{
    t->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (t->kvm_fd < 0)
        die(EXIT_REFUSED, "cannot open /dev/kvm: %s; KVM must be available "
            "(kvm_intel or kvm_amd loaded) and the user allowed to use it",
            strerror(errno));
    if (ioctl(t->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
        die(EXIT_REFUSED, "KVM: unexpected API version");
    t->vm_fd = kvm_ioctl(t->kvm_fd, KVM_CREATE_VM, 0, "KVM_CREATE_VM");

    struct kvm_userspace_memory_region region = {
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = t->mem_size,
        .userspace_addr = (uint64_t)(uintptr_t)t->mem,
    };
    kvm_ioctl(t->vm_fd, KVM_SET_USER_MEMORY_REGION, &region,
              "KVM_SET_USER_MEMORY_REGION");
    t->vcpu_fd = kvm_ioctl(t->vm_fd, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
    int size = kvm_ioctl(t->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0,
                         "KVM_GET_VCPU_MMAP_SIZE");
    t->run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
                  t->vcpu_fd, 0);
    if (t->run == MAP_FAILED)
        die(EXIT_REFUSED, "KVM: cannot map the vCPU's run area: %s",
            strerror(errno));
}

static void setup_page_tables(struct tender *t)
{
    uint64_t *pml4 = (uint64_t *)(t->mem + PML4_BASE);
    uint64_t *pdpt = (uint64_t *)(t->mem + PDPT_BASE);
    uint64_t *pd = (uint64_t *)(t->mem + PD_BASE);
    uint64_t *pt0 = (uint64_t *)(t->mem + PT0_BASE);

    pml4[0] = PDPT_BASE | PTE_P | PTE_RW;
    for (int i = 0; i < 4; i++)
        pdpt[i] = (PD_BASE + 0x1000ULL * i) | PTE_P | PTE_RW;
    pd[0] = PT0_BASE | PTE_P | PTE_RW;
    for (uint64_t a = LOW_MAPPED; a < GUEST_PAGE_SIZE; a += 0x1000)
        pt0[a / 0x1000] = a | PTE_P | (a >= HVT_GUEST_MIN_BASE ? PTE_RW : 0);
    for (uint64_t a = GUEST_PAGE_SIZE; a < t->mem_size; a += GUEST_PAGE_SIZE)
        pd[a / GUEST_PAGE_SIZE] = a | PTE_P | PTE_RW | PTE_PS;
}

static void setup_boot_info(struct tender *t)
{
    uint64_t mft = HVT_BOOT_INFO_BASE + BOOT_INFO_ROOM;
    uint64_t cmdline = (mft + t->mft_size + 7) & ~7ULL;
    struct hvt_boot_info *bi = (void *)(t->mem + HVT_BOOT_INFO_BASE);
    bi->mem_size = t->mem_size;
    bi->kernel_end = t->kernel_end;
    bi->cpu_cycle_freq = t->tsc_hz;
    bi->cmdline = cmdline;
    bi->mft = mft;
    /* The manifest as attached: host fields 0, or the net rings offer. */
    memcpy(t->mem + mft, t->mft, t->mft_size);
    memcpy(t->mem + cmdline, t->cmdline, strlen(t->cmdline) + 1);
}

static void setup_cpuid(struct tender *t)
{
    for (unsigned n = 64;; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof *c + n * sizeof c->entries[0]);
        if (!c)
            die(EXIT_REFUSED, "out of memory");
        c->nent = n;
        if (ioctl(t->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
            kvm_ioctl(t->vcpu_fd, KVM_SET_CPUID2, c, "KVM_SET_CPUID2");
            free(c);
            return;
        }
        free(c);
        if (errno != E2BIG || n >= 4096)
            die(EXIT_REFUSED, "KVM: KVM_GET_SUPPORTED_CPUID failed: %s",
                strerror(errno));
    }
}

static void setup_tsc(struct tender *t)
{
    if (ioctl(t->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ) <= 0)
        die(EXIT_REFUSED, "KVM: the host cannot tell the TSC frequency "
            "(no KVM_CAP_GET_TSC_KHZ)");
    int khz = ioctl(t->vcpu_fd, KVM_GET_TSC_KHZ, 0);
    if (khz <= 0)
        die(EXIT_REFUSED, "KVM: KVM_GET_TSC_KHZ failed: %s%s", strerror(errno),
            errno == EIO ? " (the host TSC is unstable)" : "");
    t->tsc_hz = (uint64_t)khz * 1000;
}

static struct kvm_segment segment(uint16_t sel, uint8_t type, bool code)
{
    return (struct kvm_segment){
        .base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
        .present = 1, .dpl = 0, .db = code ? 0 : 1, .s = 1, .l = code ? 1 : 0,
        .g = 1,
    };
}

static void setup_registers(struct tender *t)
{
    struct kvm_sregs s;
    kvm_ioctl(t->vcpu_fd, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
    s.cr0 = CR0_PE | CR0_NE | CR0_WP | CR0_PG;
    s.cr3 = PML4_BASE;
    s.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    s.efer = EFER_LME | EFER_LMA;
    s.cs = segment(SEL_CODE, 9, true);
    s.ss = s.ds = s.es = s.fs = s.gs = segment(SEL_DATA, 3, false);
    s.gdt.base = HVT_GDT_BASE;
    s.gdt.limit = 3 * 8 - 1;
    /* VM entry needs a usable TR: a busy 64-bit TSS, here empty. */
    s.tr = (struct kvm_segment){ .type = 11, .present = 1 };
    s.ldt = (struct kvm_segment){ .unusable = 1 };
    kvm_ioctl(t->vcpu_fd, KVM_SET_SREGS, &s, "KVM_SET_SREGS");

    struct kvm_regs r;
    memset(&r, 0, sizeof r);
    r.rip = t->entry;
    r.rflags = 0x2; /* bit 1 is reserved and set; interrupts off */
    r.rsp = t->mem_size - 8;
    r.rdi = HVT_BOOT_INFO_BASE;
    kvm_ioctl(t->vcpu_fd, KVM_SET_REGS, &r, "KVM_SET_REGS");
}

void vm_boot_state(struct tender *t)
{
    uint64_t *gdt = (uint64_t *)(t->mem + HVT_GDT_BASE);
    gdt[0] = 0;
    gdt[1] = GDT_CODE;
    gdt[2] = GDT_DATA;
    setup_page_tables(t);
    setup_cpuid(t);
    setup_tsc(t);
    setup_boot_info(t);
    setup_registers(t);
}
