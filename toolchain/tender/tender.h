/*
 * The tender's private header: the state shared by its files and the one
 * way every file stops. The ABI it implements is in boot/hvt_abi.h.
 */
#ifndef MORGANA_TENDER_H
#define MORGANA_TENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <linux/virtio_net.h>

#include "hvt_abi.h"
#include "morgana_abi.h"

#define TENDER_NAME "morgana-hvt"

/* Exit statuses of the tender itself (the guest's own go through as is). */
#define EXIT_REFUSED 1 /* bad command line or image: the guest never ran */
#define EXIT_ABORT 255 /* the guest was stopped: bad hypercall, fault, ... */

/* Guest memory limits, in bytes: 2 MiB pages, at most four page
 * directories (as solo5-hvt since 0.9; 0.8 stops at 1 GiB). */
#define GUEST_PAGE_SIZE 0x200000ULL
#define GUEST_MEM_DEFAULT (512ULL << 20)
#define GUEST_MEM_MAX (4096ULL << 20)

/* Where the manifest copy starts: the boot info is 40 bytes, and newer
 * tenders (Solo5 >= 0.11) append host_features, guest_features and net_ring;
 * we leave room for them as zeros ("no features") so a guest that reads
 * them is told the truth. */
#define BOOT_INFO_ROOM 64

/* One ring of a net device as registered (boot/morgana_abi.h): the
 * tender's own copy of its geometry, which the guest cannot change, and
 * the one index the tender advances (receive: prod; transmit: cons). */
struct ring {
    struct morgana_ring *hdr; /* host address of the ring in guest memory */
    uint8_t *data;            /* its first slot */
    uint64_t gpa, size;       /* where it lies in guest memory */
    uint32_t slots, slot_size;
    uint32_t own;
};

/* One attached device on the host side, indexed like the manifest. */
struct device {
    int fd;            /* tap or backing file; -1 when not attached */
    const char *what;  /* interface or path, for messages */
    bool vnet;         /* net: the tap carries a virtio_net_hdr before each frame */
    bool tso_ok;       /* net: vnet, and the tap's GSO is on: TSO may be registered */
    bool rings;        /* net: registered its rings; frames go through them */
    bool tso;          /* net: its transmit ring may hold TSO frames (MORGANA_NET_F_TSO4) */
    struct ring rx, tx;
    uint64_t rx_frames, tx_frames, rx_errors, tx_errors; /* through the rings */
    uint64_t tso_frames;  /* TSO frames written to the tap (also in tx_frames) */
    uint64_t tx_dropped;  /* TSO frames refused (not TCP/IPv4, bad sizes): not written */
    uint64_t rx_dropped;  /* frames the tap gave with offload metadata: not passed on */
};

/* Hypercalls seen, by kind, for --x-exit-stats. Index: the hvt number, and
 * STAT_NETRINGS for the Morgana registration. */
#define STAT_NETRINGS HVT_HYPERCALL_MAX
extern uint64_t hypercall_count[HVT_HYPERCALL_MAX + 1];

struct tender {
    /* Guest memory: mem[0 .. mem_size) is guest physical 0 .. mem_size. */
    uint8_t *mem;
    uint64_t mem_size;

    /* The loaded image. */
    const char *image;
    uint64_t entry;
    uint64_t kernel_end;

    /* The manifest: the tender's working copy (from the MFT1 note) and
     * the host side of each entry. */
    struct mft *mft;
    size_t mft_size;
    struct device dev[MFT_MAX_ENTRIES];

    /* The guest command line, NUL-terminated, at most HVT_CMDLINE_SIZE. */
    char cmdline[HVT_CMDLINE_SIZE];

    /* Morgana-only options (args.c): offer net rings (unless
     * --x-no-net-rings); print counters at exit (--x-exit-stats). */
    bool net_rings;
    bool exit_stats;

    /* KVM. */
    int kvm_fd, vm_fd, vcpu_fd;
    struct kvm_run *run;
    uint64_t tsc_hz;
};

/* Every stop goes through these: the message says what is wrong and what to
 * do; die_at adds the tender's own file:line (used for guest faults). */
__attribute__((noreturn, format(printf, 2, 3)))
void die(int status, const char *fmt, ...);
__attribute__((noreturn, format(printf, 4, 5)))
void die_at(int status, const char *file, int line, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void warn_msg(const char *fmt, ...);

/* args.c: the command line, as solo5-hvt reads it. */
struct dev_arg {
    enum { ARG_NET, ARG_NET_MAC, ARG_BLOCK, ARG_BLOCK_SECTOR } kind;
    const char *text; /* the whole option, for messages */
    char name[MFT_NAME_SIZE];
    const char *value; /* IFACE, PATH; parsed below for the others */
    uint8_t mac[6];
    uint16_t sector_size;
};
struct args {
    uint64_t mem_size;
    bool no_net_rings, exit_stats;
    struct dev_arg dev[2 * MFT_MAX_ENTRIES + 8];
    int ndev;
    const char *image;
    int guest_argc;
    char **guest_argv;
};
void args_parse(struct args *a, int argc, char **argv);
void args_cmdline(const struct args *a, char *out);

/* elf.c: load the image into guest memory and find its notes. */
void elf_load(struct tender *t);

/* mft.c: check the manifest, apply the device options, copy it out. */
void mft_validate(struct tender *t);
void mft_attach(struct tender *t, const struct args *a);
struct mft_entry *mft_device(struct tender *t, uint64_t handle, uint32_t type);

/* net.c, block.c: attach host devices; their hypercalls. */
int net_attach(const char *iface, uint16_t *mtu, bool *vnet, bool *tso);
ssize_t net_tap_read(struct device *d, const char *name, void *buf, size_t cap);
ssize_t net_tap_write(struct device *d, const struct iovec *iov, int iovcnt,
                      const struct virtio_net_hdr *h);
void net_random_mac(uint8_t mac[6]);
void hc_netwrite(struct tender *t, uint64_t gpa);
void hc_netread(struct tender *t, uint64_t gpa);
/* netring.c: Morgana's net rings (boot/morgana_abi.h). */
void hc_netrings(struct tender *t, uint64_t gpa);
void netrings_flush(struct tender *t);
uint64_t netrings_fill(struct tender *t, unsigned handle);
void print_exit_stats(const struct tender *t);
int block_attach(const char *path, uint16_t sector_size, uint64_t *capacity);
void hc_blkwrite(struct tender *t, uint64_t gpa);
void hc_blkread(struct tender *t, uint64_t gpa);

/* vm.c: guest memory, the virtual machine and the CPU state at entry. */
void vm_memory(struct tender *t);
void vm_create(struct tender *t);
void vm_boot_state(struct tender *t);

/* run.c: run the vCPU until the guest halts; returns its exit status. */
int vm_run(struct tender *t);

/* hypercall.c: dispatch; the guest-memory checks every hypercall uses. */
int hypercall(struct tender *t, unsigned nr, uint64_t gpa, bool *halted);
void *guest_ptr(struct tender *t, const char *call, uint64_t gpa, uint64_t len,
                const char *file, int line);

/* A checked pointer into guest memory: stops the guest (naming the hypercall
 * and this file:line) unless [gpa, gpa + len) lies inside guest memory. */
#define GUEST_PTR(t, call, gpa, len) \
    guest_ptr((t), (call), (gpa), (len), __FILE__, __LINE__)

#endif
