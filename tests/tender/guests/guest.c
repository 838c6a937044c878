/*
 * The tender's test guest: a freestanding hvt unikernel whose command line
 * says what to do, so that one program covers every test. The first word
 * is the command, the rest its arguments; see `commands` at the end. It
 * prints its findings as `key=value` lines for the tests to read, and
 * halts with status 0 unless the command says otherwise.
 *
 * Written from boot/hvt_abi.h alone: a hypercall is a 32-bit `out` to port
 * 0x500 + N with the (identity-mapped) address of the argument struct.
 * Built with -mgeneral-regs-only: under KVM's PVM backend (no hardware
 * virtualisation) ring-0 guest code is emulated instruction by instruction
 * and KVM's emulator knows no SSE; tender tests must not depend on it.
 */
#include "hvt_abi.h"
#include "morgana_abi.h"

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;

/* Entry: record the registers the tender set, then run guest_main on the
 * tender's stack (RSP = end of memory - 8, as if _start had been called). */
u64 entry_rsp, entry_rdi;
u64 entry_rflags = ~0ULL; /* in .data: an image whose RW segment has no file bytes is
                            * mis-measured by solo5-hvt (see toolchain/tender) */
__asm__(".section .text.start, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  mov %rsp, entry_rsp(%rip)\n"
        "  mov %rdi, entry_rdi(%rip)\n"
        "  pushfq\n"
        "  popq entry_rflags(%rip)\n"
        "  jmp guest_main\n"
        ".text\n");

/* gcc may call these for struct copies and initialisers. */
void *memset(void *d, int c, unsigned long n)
{
    u8 *p = d;
    while (n--) *p++ = (u8)c;
    return d;
}
void *memcpy(void *d, const void *s, unsigned long n)
{
    u8 *p = d;
    const u8 *q = s;
    while (n--) *p++ = *q++;
    return d;
}

static void hypercall(int nr, u64 arg)
{
    __asm__ __volatile__("outl %0, %1" : : "a"((u32)arg),
                         "d"((uint16_t)(HVT_HYPERCALL_PIO_BASE + nr))
                         : "memory");
}
#define HC(nr, p) hypercall((nr), (u64)(uintptr_t)(p))

static struct hvt_boot_info *bi;

__attribute__((noreturn)) static void halt(int status)
{
    struct hvt_hc_halt h = { .cookie = 0, .exit_status = status };
    HC(HVT_HYPERCALL_HALT, &h);
    for (;;) __asm__ __volatile__("hlt");
}

static unsigned long slen(const char *s)
{
    unsigned long n = 0;
    while (s[n]) n++;
    return n;
}

static void putn(const char *s, u64 n)
{
    struct hvt_hc_puts p = { .data = (u64)(uintptr_t)s, .len = n };
    HC(HVT_HYPERCALL_PUTS, &p);
}
static void puts(const char *s) { putn(s, slen(s)); }

static void put_dec(u64 v)
{
    char b[24];
    int i = sizeof b;
    do b[--i] = (char)('0' + v % 10); while ((v /= 10) && i > 0);
    putn(b + i, sizeof b - (unsigned)i);
}
static void put_hex(u64 v)
{
    char b[18];
    int i = sizeof b;
    do b[--i] = "0123456789abcdef"[v & 15]; while ((v >>= 4) && i > 2);
    b[--i] = 'x';
    b[--i] = '0';
    putn(b + i, sizeof b - (unsigned)i);
}
static void kv_hex(const char *k, u64 v) { puts(k); puts("="); put_hex(v); puts("\n"); }
static void kv_dec(const char *k, u64 v) { puts(k); puts("="); put_dec(v); puts("\n"); }

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static u64 parse_u64(const char *s)
{
    u64 v = 0;
    if (s[0] == '0' && s[1] == 'x')
        for (s += 2; *s; s++)
            v = v * 16 + (u64)(*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
    else
        for (; *s >= '0' && *s <= '9'; s++) v = v * 10 + (u64)(*s - '0');
    return v;
}

static u64 walltime(void)
{
    struct hvt_hc_walltime w = { 0 };
    HC(HVT_HYPERCALL_WALLTIME, &w);
    return w.nsecs;
}

static struct mft *manifest(void) { return (struct mft *)(uintptr_t)bi->mft; }

/* The handle of the first attached device of this type, or 0. */
static u64 device(u32 type)
{
    struct mft *m = manifest();
    for (u32 i = 1; i < m->entries; i++)
        if (m->e[i].type == type && m->e[i].attached) return i;
    return 0;
}

/* ---- commands ---------------------------------------------------------- */

static int argc;
static char *argv[16];

static void cmd_echo(void)
{
    puts("cmdline=[");
    puts((const char *)(uintptr_t)bi->cmdline);
    puts("]\n");
    kv_dec("argc", (u64)argc);
}

static void cmd_state(void)
{
    u64 cr0, cr3, cr4, efer_lo, efer_hi;
    struct { uint16_t limit; u64 base; } __attribute__((packed)) gdtr;
    uint16_t cs, ss, ds;
    u32 a, b, c, d;
    __asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
    __asm__ __volatile__("mov %%cr3, %0" : "=r"(cr3));
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
    __asm__ __volatile__("rdmsr" : "=a"(efer_lo), "=d"(efer_hi) : "c"(0xc0000080));
    __asm__ __volatile__("sgdt %0" : "=m"(gdtr));
    __asm__ __volatile__("mov %%cs, %0; mov %%ss, %1; mov %%ds, %2"
                         : "=r"(cs), "=r"(ss), "=r"(ds));
    kv_hex("rdi", entry_rdi);
    kv_hex("rsp", entry_rsp);
    kv_hex("rflags", entry_rflags);
    kv_hex("cr0", cr0);
    kv_hex("cr3", cr3);
    kv_hex("cr4", cr4);
    kv_hex("efer", efer_lo | efer_hi << 32);
    kv_hex("gdt_base", gdtr.base);
    kv_hex("gdt_limit", gdtr.limit);
    kv_hex("cs", cs);
    kv_hex("ss", ss);
    kv_hex("ds", ds);
    kv_hex("mem_size", bi->mem_size);
    kv_hex("kernel_end", bi->kernel_end);
    kv_dec("cpu_cycle_freq", bi->cpu_cycle_freq);
    kv_hex("cmdline", bi->cmdline);
    kv_hex("mft", bi->mft);
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    char vendor[13];
    memcpy(vendor, &b, 4); memcpy(vendor + 4, &d, 4); memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    puts("cpuid_vendor="); puts(vendor); puts("\n");
    /* The stack is usable up to the top of memory. */
    volatile u64 *top = (volatile u64 *)(uintptr_t)(bi->mem_size - 8);
    *top = 0x1234;
    kv_hex("top_of_memory_rw", *top);
}

static void cmd_mft(void)
{
    struct mft *m = manifest();
    kv_dec("mft_version", m->version);
    kv_dec("mft_entries", m->entries);
    for (u32 i = 0; i < m->entries; i++) {
        struct mft_entry *e = &m->e[i];
        puts("dev"); put_dec(i); puts(" name="); puts(e->name);
        puts(" type="); put_hex(e->type);
        puts(" attached="); put_dec(e->attached);
        if (e->type == MFT_DEV_NET_BASIC) {
            puts(" mac=");
            for (int k = 0; k < 6; k++) {
                const char *h = "0123456789abcdef";
                char x[3] = { h[e->u.net_basic.mac[k] >> 4],
                              h[e->u.net_basic.mac[k] & 15], k < 5 ? ':' : 0 };
                putn(x, k < 5 ? 3 : 2);
            }
            puts(" mtu="); put_dec(e->u.net_basic.mtu);
        }
        if (e->type == MFT_DEV_BLOCK_BASIC) {
            puts(" capacity="); put_dec(e->u.block_basic.capacity);
            puts(" block_size="); put_dec(e->u.block_basic.block_size);
        }
        puts(" host="); put_hex(e->b.pad);
        puts("\n");
    }
}

static void cmd_walltime(void) { kv_dec("walltime", walltime()); }

/* CPUID as this guest sees it in ring 0: on KVM's PVM backend that is the
 * table the tender set (ring 0 is emulated), where ring-3 code may see the
 * host's own. Leaf 1 ECX and leaf 7 EBX: the bits toolchain/tender/cpuid.c
 * may add. */
static void cmd_cpuid(void)
{
    u32 a, b, c, d;
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    kv_hex("leaf1_ecx", c);
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    kv_hex("leaf7_ebx", b);
    (void)a, (void)d;
}

/* Say so, then sleep in poll (a test signals the tender meanwhile). */
static void cmd_sleep(void)
{
    puts("sleeping\n");
    struct hvt_hc_poll p = { .timeout_nsecs = argc > 1 ? parse_u64(argv[1]) : 0 };
    HC(HVT_HYPERCALL_POLL, &p);
}

static void cmd_poll(void)
{
    struct hvt_hc_poll p = { .timeout_nsecs = argc > 1 ? parse_u64(argv[1]) : 0 };
    u64 before = walltime();
    HC(HVT_HYPERCALL_POLL, &p);
    u64 after = walltime();
    kv_dec("poll_ret", (u64)p.ret);
    kv_hex("poll_ready", p.ready_set);
    kv_dec("poll_slept_ns", after - before);
}

/* ---- network ----------------------------------------------------------- */

#define ETHERTYPE_TEST 0x88b5 /* IEEE 802 local experimental */
static u8 frame[2048];

static int netwrite(u64 handle, const void *data, u64 len)
{
    struct hvt_hc_netwrite w = { .handle = handle, .data = (u64)(uintptr_t)data, .len = len };
    HC(HVT_HYPERCALL_NETWRITE, &w);
    return w.ret;
}

static int netread(u64 handle, void *data, u64 *len)
{
    struct hvt_hc_netread r = { .handle = handle, .data = (u64)(uintptr_t)data, .len = *len };
    HC(HVT_HYPERCALL_NETREAD, &r);
    *len = r.len;
    return r.ret;
}

/* A broadcast test frame from our MAC carrying text. */
static u64 test_frame(u64 h, const char *text)
{
    const u8 *mac = manifest()->e[h].u.net_basic.mac;
    u64 n = slen(text);
    for (int i = 0; i < 6; i++) frame[i] = 0xff, frame[6 + i] = mac[i];
    frame[12] = ETHERTYPE_TEST >> 8;
    frame[13] = ETHERTYPE_TEST & 0xff;
    memcpy(frame + 14, text, n);
    u64 len = 14 + n;
    while (len < 60) frame[len++] = 0; /* minimum Ethernet frame */
    return len;
}

static void cmd_netsend(void)
{
    u64 h = device(MFT_DEV_NET_BASIC);
    u64 count = argc > 1 ? parse_u64(argv[1]) : 1;
    for (u64 i = 0; i < count; i++) {
        char text[] = "morgana tender test frame 0";
        text[sizeof text - 2] = (char)('0' + i % 10);
        kv_dec("netwrite_ret", (u64)netwrite(h, frame, test_frame(h, text)));
    }
}

/* Send a frame, then wait (up to ~10 s of polls) for a test frame back. */
static void cmd_netecho(void)
{
    u64 h = device(MFT_DEV_NET_BASIC);
    kv_dec("netwrite_ret", (u64)netwrite(h, frame, test_frame(h, "ping from the guest")));
    for (int tries = 0; tries < 10; tries++) {
        struct hvt_hc_poll p = { .timeout_nsecs = 1000000000ULL };
        HC(HVT_HYPERCALL_POLL, &p);
        if (p.ret <= 0) continue;
        kv_hex("poll_ready", p.ready_set);
        for (;;) {
            static u8 buf[2048];
            u64 len = sizeof buf;
            int rc = netread(h, buf, &len);
            if (rc != HVT_OK) break;
            if (len < 14 || buf[12] != ETHERTYPE_TEST >> 8 ||
                buf[13] != (ETHERTYPE_TEST & 0xff))
                continue; /* Linux's own traffic (IPv6 and such) */
            kv_dec("netread_len", len);
            puts("netread_payload=");
            u64 n = 14;
            while (n < len && buf[n] >= 32 && buf[n] < 127) n++;
            putn((const char *)buf + 14, n - 14);
            puts("\n");
            return;
        }
    }
    puts("no frame came back\n");
    halt(1);
}

/* Results of bad calls, which must be EINVAL and not stop the guest. */
static void cmd_netbad(void)
{
    u64 h = device(MFT_DEV_NET_BASIC);
    u64 mtu = manifest()->e[h].u.net_basic.mtu;
    u64 len = test_frame(h, "bad");
    kv_dec("write_reserved_handle", (u64)netwrite(0, frame, len));
    kv_dec("write_handle_99", (u64)netwrite(99, frame, len));
    kv_dec("write_too_short", (u64)netwrite(h, frame, 13));
    kv_dec("write_too_long", (u64)netwrite(h, frame, mtu + 15));
    u64 small = mtu + 13;
    kv_dec("read_buffer_too_small", (u64)netread(h, frame, &small));
    kv_dec("write_ok", (u64)netwrite(h, frame, len));
}

/* ---- net rings (boot/morgana_abi.h) ------------------------------------ */

#define RING_SLOTS 4
#define RING_SLOT 1536 /* >= MTU 1500 + 14, a multiple of 64 */
#define RING_BYTES MORGANA_RING_SIZE(RING_SLOTS, RING_SLOT)
static u8 rings[4][RING_BYTES] __attribute__((aligned(4096)));

static void netrings_port(u64 arg)
{
    __asm__ __volatile__("outl %0, %1" : : "a"((u32)arg),
                         "d"((uint16_t)MORGANA_HYPERCALL_NETRINGS_PORT) : "memory");
}

static int netrings(u64 handle, u64 rx, u64 tx, u32 slots, u32 slot_size)
{
    struct morgana_hc_netrings a = { .handle = handle, .rx = rx, .tx = tx,
                                     .slots = slots, .slot_size = slot_size, .ret = -1 };
    netrings_port((u64)(uintptr_t)&a);
    return a.ret;
}

#define RX ((u64)(uintptr_t)rings[0])
#define TX ((u64)(uintptr_t)rings[1])
static struct morgana_ring *ring(u64 at) { return (struct morgana_ring *)(uintptr_t)at; }
static u8 *slot(u64 at, u32 slots, u32 size, u32 i)
{
    return (u8 *)(uintptr_t)at + MORGANA_RING_DATA(slots) + (u64)(i % slots) * size;
}

/* Queue a test frame carrying text on the transmit ring. */
static void ring_send(u64 h, const char *text)
{
    struct morgana_ring *t = ring(TX);
    u64 len = test_frame(h, text);
    memcpy(slot(TX, RING_SLOTS, RING_SLOT, t->prod), frame, len);
    t->len[t->prod % RING_SLOTS] = (u32)len;
    t->prod++;
}

static u64 ring_poll(u64 ns)
{
    struct hvt_hc_poll p = { .timeout_nsecs = ns };
    HC(HVT_HYPERCALL_POLL, &p);
    return p.ready_set;
}

/* The offer, then what the tender answers to registrations it must refuse
 * (each key: 2, EINVAL), one it must accept (0), and a second one (2). */
static void cmd_rings(void)
{
    u64 h = device(MFT_DEV_NET_BASIC);
    kv_hex("offer", manifest()->e[h].b.pad);
    kv_dec("handle_0", (u64)netrings(0, RX, TX, RING_SLOTS, RING_SLOT));
    kv_dec("handle_99", (u64)netrings(99, RX, TX, RING_SLOTS, RING_SLOT));
    kv_dec("handle_huge", (u64)netrings(~0ULL, RX, TX, RING_SLOTS, RING_SLOT));
    kv_dec("slots_0", (u64)netrings(h, RX, TX, 0, RING_SLOT));
    kv_dec("slots_1", (u64)netrings(h, RX, TX, 1, RING_SLOT));
    kv_dec("slots_3", (u64)netrings(h, RX, TX, 3, RING_SLOT));
    kv_dec("slots_2048", (u64)netrings(h, RX, TX, 2048, RING_SLOT));
    kv_dec("slots_2p31", (u64)netrings(h, RX, TX, 1U << 31, RING_SLOT));
    kv_dec("slot_below_mtu", (u64)netrings(h, RX, TX, RING_SLOTS, 1472));
    kv_dec("slot_unaligned", (u64)netrings(h, RX, TX, RING_SLOTS, 1540));
    kv_dec("slot_huge", (u64)netrings(h, RX, TX, RING_SLOTS, 0x40000));
    kv_dec("slot_wraps", (u64)netrings(h, RX, TX, RING_SLOTS, 0xffffffc0u));
    kv_dec("rx_misaligned", (u64)netrings(h, RX + 8, TX, RING_SLOTS, RING_SLOT));
    kv_dec("tx_misaligned", (u64)netrings(h, RX, TX + 32, RING_SLOTS, RING_SLOT));
    kv_dec("rx_below_1mib", (u64)netrings(h, 0x20000, TX, RING_SLOTS, RING_SLOT));
    kv_dec("tx_at_0", (u64)netrings(h, RX, 0, RING_SLOTS, RING_SLOT));
    kv_dec("same_ring", (u64)netrings(h, RX, RX, RING_SLOTS, RING_SLOT));
    kv_dec("rings_overlap", (u64)netrings(h, RX, RX + RING_BYTES - 64, RING_SLOTS, RING_SLOT));
    kv_dec("rings_overlap_rev", (u64)netrings(h, TX, TX - RING_BYTES + 64, RING_SLOTS, RING_SLOT));
    kv_dec("ok", (u64)netrings(h, RX, TX, RING_SLOTS, RING_SLOT));
    kv_dec("second", (u64)netrings(h, (u64)(uintptr_t)rings[2], (u64)(uintptr_t)rings[3], RING_SLOTS, RING_SLOT));
    kv_dec("again_same", (u64)netrings(h, RX, TX, RING_SLOTS, RING_SLOT));
    /* The device's frames now go through its rings only. */
    kv_dec("plain_write", (u64)netwrite(h, frame, test_frame(h, "plain")));
    u64 len = sizeof frame;
    kv_dec("plain_read", (u64)netread(h, frame, &len));
}

/* Registrations and ring contents the tender must stop the guest for. */
static void cmd_ringfault(void)
{
    u64 h = device(MFT_DEV_NET_BASIC);
    const char *what = argc > 1 ? argv[1] : "";
    u64 mem = bi->mem_size;
    if (streq(what, "wildarg")) netrings_port(0xfffff000ULL);
    if (streq(what, "wildrx")) netrings(h, 0xfffff000ULL, TX, RING_SLOTS, RING_SLOT);
    if (streq(what, "rxpastend")) netrings(h, mem - 4096, TX, RING_SLOTS, RING_SLOT);
    if (streq(what, "txwraps")) netrings(h, RX, 0xffffffffffffffc0ULL, RING_SLOTS, RING_SLOT);
    kv_dec("registered", (u64)netrings(h, RX, TX, RING_SLOTS, RING_SLOT));
    if (streq(what, "rxcons")) ring(RX)->cons = 3; /* consumed 3 of 0 */
    if (streq(what, "txprod")) ring(TX)->prod = RING_SLOTS + 1;
    if (streq(what, "txshort") || streq(what, "txlong")) {
        ring_send(h, "ok");
        ring_send(h, "bad");
        ring(TX)->len[1] = streq(what, "txshort") ? 13 : 1515;
    }
    ring_poll(0);
    puts("not stopped\n");
}

/* Frames through the rings: a frame out, then pongs back. With a burst
 * argument N (pkt burst), the rings have 2 slots and are registered only
 * once all N pongs wait on the tap, so the receive ring fills up and the
 * rest must stay on the tap, in order, for the next polls. */
static void cmd_ringecho(void)
{
    u64 h = device(MFT_DEV_NET_BASIC);
    u64 burst = argc > 1 ? parse_u64(argv[1]) : 0;
    u32 slots = burst ? 2 : RING_SLOTS;
    if (burst) {
        kv_dec("plain_write", (u64)netwrite(h, frame, test_frame(h, "ping from the guest")));
        for (int i = 0; i < 10 && ring_poll(1000000000ULL) == 0; i++)
            ;
        for (u64 until = walltime() + 300000000ULL; walltime() < until;)
            ; /* the rest of the burst lands on the tap */
    }
    kv_dec("registered", (u64)netrings(h, RX, TX, slots, RING_SLOT));
    if (!burst) {
        ring_send(h, "ping from the guest");
        kv_dec("queued", ring(TX)->prod - ring(TX)->cons);
    }
    u64 want = burst ? burst : 1, got = 0;
    struct morgana_ring *r = ring(RX);
    u32 cons = 0;
    for (int tries = 0; tries < 20 && got < want; tries++) {
        u64 ready = ring_poll(1000000000ULL);
        if (!burst && tries == 0) kv_dec("sent", ring(TX)->cons);
        if (!ready) continue;
        kv_hex("poll_ready", ready);
        kv_dec("batch", r->prod - cons);
        for (; cons != r->prod; cons++) {
            u8 *f = slot(RX, slots, RING_SLOT, cons);
            u32 len = r->len[cons % slots];
            if (len < 14 || f[12] != ETHERTYPE_TEST >> 8 || f[13] != (ETHERTYPE_TEST & 0xff))
                continue; /* Linux's own traffic */
            puts("frame len=");
            put_dec(len);
            puts(" payload=");
            u64 n = 14;
            while (n < len && f[n] >= 32 && f[n] < 127) n++;
            putn((const char *)f + 14, n - 14);
            puts("\n");
            got++;
        }
        r->cons = cons;
    }
    kv_dec("received", got);
    kv_dec("tx_errors", ring(TX)->errors);
}

/* Send a frame every ~0.2 s through the transmit ring until the tender
 * reports one it could not write (a test takes the tap down meanwhile). */
static void cmd_ringerror(void)
{
    u64 h = device(MFT_DEV_NET_BASIC);
    kv_dec("registered", (u64)netrings(h, RX, TX, RING_SLOTS, RING_SLOT));
    puts("sending\n");
    for (int i = 0; i < 100 && ring(TX)->errors == 0; i++) {
        ring_send(h, "until it fails");
        ring_poll(200000000ULL);
        ring(RX)->cons = ring(RX)->prod; /* drop whatever came in */
    }
    kv_dec("tx_errors", ring(TX)->errors);
    kv_dec("tx_done", ring(TX)->cons);
}

/* ---- TCP segmentation offload on the transmit ring (MORGANA_NET_F_TSO4) */

#define TSO_SLOTS 64
#define TSO_BYTES MORGANA_RING_SIZE(TSO_SLOTS, RING_SLOT)
static u8 tso_rings[2][TSO_BYTES] __attribute__((aligned(4096)));
#define TRX ((u64)(uintptr_t)tso_rings[0])
#define TTX ((u64)(uintptr_t)tso_rings[1])
static u8 tso_frame[65536];

static int netrings_features(u64 handle, u64 rx, u64 tx, u32 slots, u32 slot_size, u32 features)
{
    struct morgana_hc_netrings a = { .handle = handle, .rx = rx, .tx = tx, .slots = slots,
                                     .slot_size = slot_size, .ret = -1, .features = features };
    netrings_port((u64)(uintptr_t)&a);
    return a.ret;
}

static void put16(u8 *p, u32 v) { p[0] = (u8)(v >> 8); p[1] = (u8)v; }
static void put32(u8 *p, u32 v) { put16(p, v >> 16); put16(p + 2, v); }

/* IPv4 10.0.0.2 -> 10.0.1.2, TCP 4000 -> 5000, sequence number 1000000,
 * `payload` bytes of byte i = (i * 7 + 3) & 0xff, in tso_frame with a
 * 20-byte IP header and a TCP header of `tcp_hl` bytes (NOP options), to
 * the tap's MAC 02:00:00:00:00:01; the TCP checksum field the folded
 * pseudo-header sum. Its length. */
static u32 tso_build(u64 h, u32 payload, u32 tcp_hl)
{
    u8 *f = tso_frame;
    const u8 *mac = manifest()->e[h].u.net_basic.mac;
    static const u8 tap[6] = { 2, 0, 0, 0, 0, 1 };
    memcpy(f, tap, 6);
    memcpy(f + 6, mac, 6);
    put16(f + 12, 0x0800);
    u8 *ip = f + 14, *tcp = ip + 20;
    u32 tcp_len = tcp_hl + payload;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + tcp_len);
    put16(ip + 4, 0x1234);
    put16(ip + 6, 0x4000); /* DF */
    ip[8] = 64;
    ip[9] = 6;
    static const u8 src[4] = { 10, 0, 0, 2 }, dst[4] = { 10, 0, 1, 2 };
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    u32 sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (u32)ip[i] << 8 | ip[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    put16(ip + 10, ~sum & 0xffff);
    memset(tcp, 0, tcp_hl);
    put16(tcp, 4000);
    put16(tcp + 2, 5000);
    put32(tcp + 4, 1000000);
    put32(tcp + 8, 1);
    tcp[12] = (u8)(tcp_hl / 4 << 4);
    tcp[13] = 0x18; /* PSH ACK */
    put16(tcp + 14, 65535);
    for (u32 i = 20; i < tcp_hl; i++) tcp[i] = 1; /* NOP */
    for (u32 i = 0; i < payload; i++) tcp[tcp_hl + i] = (u8)(i * 7 + 3);
    u32 ps = (10 << 8 | 0) + (0 << 8 | 2) + (10 << 8 | 0) + (1 << 8 | 2) + 6 + tcp_len;
    while (ps >> 16) ps = (ps & 0xffff) + (ps >> 16);
    put16(tcp + 16, ps);
    return 14 + 20 + tcp_len;
}

/* Queue tso_frame[0, len) with segment size mss (0: an ordinary frame) at
 * the transmit ring's prod, spanning and wrapping as morgana_abi.h says. */
static void tso_queue(u32 len, u32 mss)
{
    struct morgana_ring *t = ring(TTX);
    u8 *data = (u8 *)(uintptr_t)TTX + MORGANA_RING_DATA(TSO_SLOTS);
    u64 total = (u64)TSO_SLOTS * RING_SLOT, at = (u64)(t->prod % TSO_SLOTS) * RING_SLOT;
    u64 first = total - at < len ? total - at : len;
    memcpy(data + at, tso_frame, first);
    memcpy(data, tso_frame + first, len - first);
    t->len[t->prod % TSO_SLOTS] = len | mss << 16;
    t->prod += mss ? (len + RING_SLOT - 1) / RING_SLOT : 1;
}

/* TSO registrations, then frames: `tso` sends 40 ordinary test frames,
 * then a 40000-byte TSO frame (MSS 1448, 12 bytes of options) that wraps
 * around the ring's end, then one of a single short segment; `tsobad`
 * sends frames the tender must drop, then a good one; `tsofault WHAT` one
 * that stops the guest. */
static void cmd_tso(void)
{
    u64 h = device(MFT_DEV_NET_BASIC);
    const char *what = argc > 1 ? argv[1] : "";
    kv_dec("unknown_feature", (u64)netrings_features(h, TRX, TTX, TSO_SLOTS, RING_SLOT, 2));
    int reg = netrings_features(h, TRX, TTX, TSO_SLOTS, RING_SLOT, MORGANA_NET_F_TSO4);
    kv_dec("registered", (u64)reg);
    if (reg != HVT_OK) {
        kv_dec("registered_plain", (u64)netrings_features(h, TRX, TTX, TSO_SLOTS, RING_SLOT, 0));
        return;
    }
    struct morgana_ring *t = ring(TTX);
    if (streq(argv[0], "tso")) {
        for (int i = 0; i < 40; i++) {
            memcpy(tso_frame, frame, test_frame(h, "before"));
            tso_queue(60, 0);
        }
        ring_poll(0);
        tso_queue(tso_build(h, 40000, 32), 1448);
        tso_queue(tso_build(h, 500, 20), 1000);
        ring_poll(0);
    } else if (streq(argv[0], "tsobad")) {
        u32 len;
        len = tso_build(h, 3000, 20); tso_frame[12] = 0x86; tso_queue(len, 1000);        /* not IPv4 */
        len = tso_build(h, 3000, 20); tso_frame[14] = 0x65; tso_queue(len, 1000);        /* version 6 */
        len = tso_build(h, 3000, 20); tso_frame[14] = 0x44; tso_queue(len, 1000);        /* IHL 16 */
        len = tso_build(h, 3000, 20); tso_queue(len - 1, 1000);                          /* total length */
        len = tso_build(h, 3000, 20); tso_frame[20] = 0x60; tso_queue(len, 1000);        /* MF */
        len = tso_build(h, 3000, 20); tso_frame[21] = 8; tso_frame[20] = 0x40; tso_queue(len, 1000); /* offset */
        len = tso_build(h, 3000, 20); tso_frame[20] = 0; tso_queue(len, 1000);           /* DF clear */
        len = tso_build(h, 3000, 20); tso_frame[23] = 17; tso_queue(len, 1000);          /* UDP */
        len = tso_build(h, 3000, 20); tso_frame[46] = 0x40; tso_queue(len, 1000);        /* TCP header 16 */
        len = tso_build(h, 0, 20); tso_frame[46] = 0xf0; tso_queue(len, 1000);           /* TCP header past the end */
        len = tso_build(h, 0, 20); tso_queue(len, 1000);                                 /* no payload */
        len = tso_build(h, 3000, 20); tso_queue(len, 1461);                              /* segment too large */
        len = tso_build(h, 3000, 32); tso_queue(len, 1449);                              /* with options */
        len = tso_build(h, 3000, 20); tso_queue(len, 1460);                              /* good: 1460 + 40 = MTU */
        ring_poll(0);
        kv_dec("tx_errors", t->errors);
    } else if (streq(argv[0], "tsofault")) {
        u32 len = tso_build(h, 10000, 20);
        if (streq(what, "short")) tso_queue(13, 1000);
        if (streq(what, "slots")) {
            tso_queue(len, 1000);
            t->prod -= 1; /* says 6 of its 7 slots are queued */
        }
        if (streq(what, "plainlong")) tso_queue(1515, 0);
        ring_poll(0);
        puts("not stopped\n");
    }
    kv_dec("sent", t->cons);
}

/* ---- block ------------------------------------------------------------- */

static u8 sector[4096], back[4096];

static int blkio(int nr, u64 handle, u64 offset, void *data, u64 len)
{
    struct hvt_hc_blkread r = { .handle = handle, .offset = offset,
                                .data = (u64)(uintptr_t)data, .len = len };
    HC(nr, &r); /* blkwrite has the same layout up to ret */
    return r.ret;
}

static void cmd_blk(void)
{
    u64 h = device(MFT_DEV_BLOCK_BASIC);
    struct mft_entry *e = &manifest()->e[h];
    u64 bs = e->u.block_basic.block_size, cap = e->u.block_basic.capacity;
    kv_dec("capacity", cap);
    kv_dec("block_size", bs);
    for (u64 i = 0; i < bs; i++) sector[i] = (u8)('A' + i % 26);
    kv_dec("write_sector1", (u64)blkio(HVT_HYPERCALL_BLKWRITE, h, bs, sector, bs));
    kv_dec("read_sector1", (u64)blkio(HVT_HYPERCALL_BLKREAD, h, bs, back, bs));
    int same = 1;
    for (u64 i = 0; i < bs; i++) same &= sector[i] == back[i];
    kv_dec("read_matches", (u64)same);
    for (u64 i = 0; i < bs; i++) sector[i] = 'Z';
    kv_dec("write_last", (u64)blkio(HVT_HYPERCALL_BLKWRITE, h, cap - bs, sector, bs));
    kv_dec("write_unaligned_offset", (u64)blkio(HVT_HYPERCALL_BLKWRITE, h, 1, sector, bs));
    kv_dec("read_unaligned_len", (u64)blkio(HVT_HYPERCALL_BLKREAD, h, 0, back, 100));
    kv_dec("read_at_capacity", (u64)blkio(HVT_HYPERCALL_BLKREAD, h, cap, back, bs));
    kv_dec("write_past_end", (u64)blkio(HVT_HYPERCALL_BLKWRITE, h, cap - bs, sector, 2 * bs));
    kv_dec("read_offset_wraps", (u64)blkio(HVT_HYPERCALL_BLKREAD, h, (u64)0 - bs, back, 2 * bs));
    kv_dec("read_net_handle", (u64)blkio(HVT_HYPERCALL_BLKREAD, device(MFT_DEV_NET_BASIC), 0, back, bs));
    kv_dec("read_handle_99", (u64)blkio(HVT_HYPERCALL_BLKREAD, 99, 0, back, bs));
}

/* ---- faults: each of these must be stopped by the tender --------------- */

#define WILD 0xfffff000ULL /* beyond any guest memory the tests give */

static void cmd_wildputs(void)
{
    struct hvt_hc_puts p = { .data = WILD, .len = 16 };
    HC(HVT_HYPERCALL_PUTS, &p);
}
static void cmd_wildlen(void)
{
    struct hvt_hc_puts p = { .data = 0x100000, .len = ~0ULL - 0xff };
    HC(HVT_HYPERCALL_PUTS, &p);
}
static void cmd_wildarg(void) { hypercall(HVT_HYPERCALL_WALLTIME, WILD); }
static void cmd_wildcookie(void)
{
    struct hvt_hc_halt h = { .cookie = bi->mem_size - 100, .exit_status = 0 };
    HC(HVT_HYPERCALL_HALT, &h);
}
static void cmd_wildnet(void)
{
    netwrite(device(MFT_DEV_NET_BASIC), (void *)(uintptr_t)WILD, 60);
}
static void cmd_wildblk(void)
{
    u64 h = device(MFT_DEV_BLOCK_BASIC);
    blkio(HVT_HYPERCALL_BLKREAD, h, 0, (void *)(uintptr_t)WILD, manifest()->e[h].u.block_basic.block_size);
}
static void cmd_badcall(void) { hypercall(0, 0x100000); }
static void cmd_badport(void) { __asm__ __volatile__("outb %%al, $0x80" : : "a"(0)); }
static void cmd_hlt(void) { __asm__ __volatile__("cli; hlt"); }
static void cmd_triple(void)
{
    struct { uint16_t limit; u64 base; } __attribute__((packed)) idtr = { 0, 0 };
    __asm__ __volatile__("lidt %0; ud2" : : "m"(idtr));
}
/* The address goes through asm so that gcc does not see a constant NULL. */
static volatile u64 *hide(u64 a)
{
    __asm__("" : "+r"(a));
    return (volatile u64 *)(uintptr_t)a;
}
static void cmd_null(void) { kv_hex("null", *hide(8)); }
static void cmd_lowwrite(void) { *hide(bi->cmdline) = 0; }

/* Map 1 GiB with our own page tables, then touch memory past the end of
 * guest memory (which KVM reports as MMIO). */
static u64 pml4[512] __attribute__((aligned(4096)));
static u64 pdpt[512] __attribute__((aligned(4096)));
static u64 pd[512] __attribute__((aligned(4096)));
static void cmd_mmio(void)
{
    pml4[0] = (u64)(uintptr_t)pdpt | 3;
    pdpt[0] = (u64)(uintptr_t)pd | 3;
    for (u64 i = 0; i < 512; i++) pd[i] = (i << 21) | 0x83;
    __asm__ __volatile__("mov %0, %%cr3" : : "r"((u64)(uintptr_t)pml4) : "memory");
    *hide(bi->mem_size + 0x1000) = 0xdead;
}

static const struct { const char *name; void (*fn)(void); } commands[] = {
    { "hello", 0 }, { "echo", cmd_echo }, { "state", cmd_state },
    { "mft", cmd_mft }, { "walltime", cmd_walltime }, { "cpuid", cmd_cpuid }, { "poll", cmd_poll }, { "sleep", cmd_sleep },
    { "netsend", cmd_netsend }, { "netecho", cmd_netecho }, { "netbad", cmd_netbad },
    { "rings", cmd_rings }, { "ringfault", cmd_ringfault }, { "ringecho", cmd_ringecho },
    { "ringerror", cmd_ringerror }, { "tso", cmd_tso }, { "tsobad", cmd_tso }, { "tsofault", cmd_tso },
    { "blk", cmd_blk },
    { "wildputs", cmd_wildputs }, { "wildlen", cmd_wildlen }, { "wildarg", cmd_wildarg },
    { "wildcookie", cmd_wildcookie }, { "wildnet", cmd_wildnet }, { "wildblk", cmd_wildblk },
    { "badcall", cmd_badcall }, { "badport", cmd_badport }, { "hlt", cmd_hlt },
    { "triple", cmd_triple }, { "null", cmd_null }, { "lowwrite", cmd_lowwrite },
    { "mmio", cmd_mmio },
};

static char line[HVT_CMDLINE_SIZE];

__attribute__((noreturn, used)) void guest_main(struct hvt_boot_info *info)
{
    bi = info;
    /* Split a copy of the command line (the original is read-only). */
    const char *s = (const char *)(uintptr_t)bi->cmdline;
    unsigned long n = slen(s);
    memcpy(line, s, n + 1);
    for (char *p = line; *p && argc < 16;) {
        while (*p == ' ') *p++ = 0;
        if (!*p) break;
        argv[argc++] = p;
        while (*p && *p != ' ') p++;
    }
    const char *cmd = argc ? argv[0] : "hello";
    if (streq(cmd, "exit"))
        halt(argc > 1 ? (int)parse_u64(argv[1]) : 0);
    for (unsigned i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!streq(cmd, commands[i].name)) continue;
        if (commands[i].fn) commands[i].fn();
        else puts("hello from the guest\n");
        halt(0);
    }
    puts("unknown command: ");
    puts(cmd);
    puts("\n");
    halt(2);
}
