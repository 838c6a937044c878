/*
 * boot.h: what the files of boot/ promise one another. Nothing outside
 * boot/ includes this; the application sees only wasm-rt.h and the
 * platform imports (see README.md).
 */
#ifndef MORGANA_BOOT_H
#define MORGANA_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "hvt_abi.h"
#include "morgana_abi.h"
#include "wasm-rt.h"

#define NORETURN __attribute__((noreturn))

/* Linker-script symbols (hvt.ld). Only their addresses mean anything. */
extern char morgana_app_text_start[], morgana_app_text_end[];
extern char morgana_stack_guard[], morgana_stack_bottom[], morgana_stack_top[];
extern char morgana_ist_guard[], morgana_ist_top[];
extern u8 morgana_memory0[];
extern char morgana_text_end[], morgana_rodata_end[];
extern char morgana_kernel_data[], morgana_kernel_data_end[];

#define PAGE_SIZE 4096ull
#define STACK_GUARD_SIZE PAGE_SIZE
/* Stack left below wrt_stack_limit for what Wasm code calls into (imports,
 * trap printing) and for leaf functions, which do not check the limit. */
#define STACK_MARGIN (32 * 1024)

/* The lowered application (prefix `app`, see toolchain/lower/README.md). */
void app_instantiate(void);
extern const wrt_func_addr app_functions[];
extern const u32 app_function_count;
/* Weak: hand-written C guests (tests/boot/apps) have no Wasm memory. */
extern const u32 app_memory0_initial_pages __attribute__((weak));

/*
 * Rings. Boot sets up the CPU in ring 0, then runs itself and the
 * application in ring 3. Some KVM hosts (kvm_pvm, as on Morgana's CI
 * machines) run a guest's ring-0 code through an instruction emulator:
 * slowly, and without SSE. Ring-3 code runs natively there as everywhere.
 * So ring-0 code is compiled without SSE (-mgeneral-regs-only) and kept
 * to the few things that need it: descriptor tables, page tables, the
 * exception handlers, and two services ring 3 asks for with an `out`,
 * which traps (#GP, IOPL 0) to ring 0:
 *   - a hypercall (port 0x501-0x508, or Morgana's net rings registration,
 *     MORGANA_HYPERCALL_NETRINGS_PORT) is made as is (start.S);
 *   - a kernel call (KCALL_PORT, service in EAX, arguments in RDI, RSI)
 *     is done by exception.c.
 */
#define KCALL_PORT 0x5f0
#define KCALL_MAP_MEMORY 1 /* paging_map_memory(RDI, RSI) */
#define KCALL_ACTIVATE_PAGING 2 /* paging_activate() */

/* Ring 3 asks ring 0 for a service (exception.c carries it out). On spt
 * there is no ring 0: guest memory is mapped whole, nothing to ask. */
#ifdef MORGANA_TARGET_SPT
static inline void kernel_call(u32 service, u64 a, u64 b) { (void)service, (void)a, (void)b; }
#else
static inline void kernel_call(u32 service, u64 a, u64 b) {
    __asm__ __volatile__("outl %%eax, %%dx" : : "a"(service), "d"(KCALL_PORT), "D"(a), "S"(b) : "memory");
}
#endif

/* cpu.c */
void cpu_init(void);
extern u64 morgana_fs_block[6]; /* %fs in ring 3: the stack canary at +0x28 */
NORETURN void cpu_halt_forever(void);
/* start.S: continue at fn(arg) in ring 3, on a fresh boot stack. */
NORETURN void morgana_enter_user(NORETURN void (*fn)(const struct hvt_boot_info *),
                                 const struct hvt_boot_info *arg);

/* paging.c: bootstrap, activate and map_memory run in ring 0, build in ring 3 */
void paging_bootstrap(void);
void paging_build(u64 premapped);
void paging_activate(void);
void paging_map_memory(u64 from, u64 to);
/* Ring 3, before paging_activate: Solo5's net ring at guest physical
 * `gpa` (0: none), mapped at SOLO5_RING_VA; that address, or NULL. */
void *paging_map_ring(u64 gpa);

/* memory.c */
void memory_init(u64 mem_size);
u64 memory_limit(void);
u64 memory_premap(void);
/* Stops the image with "out of memory: ..." if a memory.grow was refused
 * (the allocator's `unreachable` after one is how AssemblyScript runs out);
 * returns otherwise. `func` names where it happened. */
void memory_check_exhausted(const char *func);
/* The bytes [ptr, ptr + len) of memory 0, or a Wasm out-of-bounds trap
 * naming the function that contains code address `caller`. */
u8 *memory_at(u32 ptr, u64 len, uintptr_t caller);

static inline u64 rdtsc(void) {
    u32 lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64)hi << 32 | lo;
}

/* clock.c */
void clock_init(u64 tsc_hz);
u64 clock_monotonic(void);
u64 clock_wall(void);
u64 clock_ticks(u64 ns);
u64 clock_poll(u64 deadline);

/* entropy.c */
void entropy_init(void);
void entropy_fill(u8 *p, size_t n);
u64 entropy_jitter_word(void);
/* Where entropy_fill's bytes come from (the entropySource import). */
#define ENTROPY_JITTER 0
#define ENTROPY_RDRAND 1
#define ENTROPY_RDSEED 2
#define ENTROPY_PROBED 0x100 /* found by executing it: CPUID hides it */
u32 entropy_source(void);

/* probe.c (spt/probe.c: always 0): whether the instruction executes even
 * though CPUID does not list it; probe_resume is exception.c's fixup. */
int probe_rdrand(void);
int probe_rdseed(void);
int probe_resume(u64 vector, u64 *rip);

/* devices.c */
void devices_init(const struct mft *mft, const char *cmdline);
const struct mft_entry *device_entry(u32 handle, u32 type);
s32 device_find(const u8 *name, u32 len, u32 type);
size_t cmdline_copy(u8 *dst, size_t cap);
int cmdline_has(const char *word);

/* net.c: frames through rings where the tender offers them (Morgana's net
 * rings, or Solo5 0.12's ring at `solo5_ring`, mapped by paging_map_ring),
 * else one hypercall each; the results are the hvt ones (net_read: a
 * length or minus a result). */
void net_init(void *solo5_ring);
u64 net_rings_ready(void);
int net_rings_pending(void);
int net_write(u32 handle, const u8 *data, u32 len);
int net_read(u32 handle, u8 *data, u32 cap);
/* One frame by hypercall, whatever the device's path. */
int net_read_plain(u32 handle, u8 *data, u32 cap);
/* TCP segmentation offload (MORGANA_NET_F_TSO4): whether device `handle`
 * takes TSO frames; queue one (the hvt result; EINVAL where not offered). */
int net_offload(u32 handle);
/* After each poll hypercall (clock.c): the ready set, and the TSC ticks
 * it took (whether it waited). */
void net_polled(u64 ready, u64 ticks);
int net_write_tso(u32 handle, const u8 *data, u32 len, u32 mss);

/* solo5_ring.c (hvt only): Solo5 0.12's ring I/O, solo5_ring_abi.h */
u64 solo5_ring_offered(const struct hvt_boot_info *bi);
int solo5_ring_init(void *va, u8 *pool, u64 pool_size, u32 max_frame);
int solo5_ring_active(void);
int solo5_ring_write(u32 handle, const u8 *data, u32 len);
int solo5_ring_read(u32 handle, u8 *data, u32 cap);
int solo5_ring_queued(u32 *handle);
int solo5_ring_plain(u32 handle);
void solo5_ring_read_plain(void);
void solo5_ring_drain(void);
void solo5_ring_polled(void);

/* console.c: one line at a time, built up then written by con_flush. */
void con_bytes(const void *p, size_t n);
void con_str(const char *s);
void con_dec(u64 v);
void con_hex(u64 v);
void con_flush(void);

/* trap.c */
const char *function_at(uintptr_t addr);
int in_app_text(uintptr_t addr);
#define CALLER() ((uintptr_t)__builtin_return_address(0) - 1)

#endif
