/*
 * imports.c: the platform imports of Wasm module `morgana` (table in
 * README.md). Pointers are offsets into memory 0; memory_at checks each
 * range against the memory's size, and a bad one is an out-of-bounds trap
 * in the calling function, found from the return address.
 */
#include "boot.h"
#include "hypercall.h"

void app_import_morgana__puts(u32 ptr, u32 len) { hvt_puts(memory_at(ptr, len, CALLER()), len); }

u64 app_import_morgana__walltime(void) { return clock_wall(); }

u64 app_import_morgana__monotonic(void) { return clock_monotonic(); }

u64 app_import_morgana__poll(u64 deadline) { return clock_poll(deadline); }

void app_import_morgana__exit(u32 status) {
    solo5_ring_drain(); /* frames still queued for Solo5's ring thread */
    hvt_halt((int)status);
}

u32 app_import_morgana__cmdline(u32 ptr, u32 cap) {
    u8 *dst = memory_at(ptr, cap, CALLER());
    return (u32)cmdline_copy(dst, cap);
}

void app_import_morgana__entropy(u32 ptr, u32 len) { entropy_fill(memory_at(ptr, len, CALLER()), len); }

u32 app_import_morgana__entropySource(void) { return entropy_source(); }

u32 app_import_morgana__device(u32 name, u32 len, u32 type) {
    return (u32)device_find(memory_at(name, len, CALLER()), len, type);
}

u32 app_import_morgana__netInfo(u32 handle, u32 ptr) {
    u8 *out = memory_at(ptr, 8, CALLER());
    const struct mft_entry *e = device_entry(handle, MFT_DEV_NET_BASIC);
    if (!e) return (u32)-1;
    __builtin_memcpy(out, e->u.net_basic.mac, 6);
    __builtin_memcpy(out + 6, &e->u.net_basic.mtu, 2);
    return 0;
}

u32 app_import_morgana__netWrite(u32 handle, u32 ptr, u32 len) {
    u8 *data = memory_at(ptr, len, CALLER());
    if (!device_entry(handle, MFT_DEV_NET_BASIC)) return HVT_EINVAL;
    return (u32)net_write(handle, data, len);
}

u32 app_import_morgana__netOffload(u32 handle) {
    if (!device_entry(handle, MFT_DEV_NET_BASIC)) return 0;
    return (u32)net_offload(handle);
}

u32 app_import_morgana__netWriteTso(u32 handle, u32 ptr, u32 len, u32 mss) {
    u8 *data = memory_at(ptr, len, CALLER());
    if (!device_entry(handle, MFT_DEV_NET_BASIC)) return HVT_EINVAL;
    return (u32)net_write_tso(handle, data, len, mss);
}

u32 app_import_morgana__netRead(u32 handle, u32 ptr, u32 cap) {
    u8 *data = memory_at(ptr, cap, CALLER());
    if (!device_entry(handle, MFT_DEV_NET_BASIC)) return (u32)-HVT_EINVAL;
    return (u32)net_read(handle, data, cap);
}

u32 app_import_morgana__blockInfo(u32 handle, u32 ptr) {
    u8 *out = memory_at(ptr, 10, CALLER());
    const struct mft_entry *e = device_entry(handle, MFT_DEV_BLOCK_BASIC);
    if (!e) return (u32)-1;
    __builtin_memcpy(out, &e->u.block_basic.capacity, 8);
    __builtin_memcpy(out + 8, &e->u.block_basic.block_size, 2);
    return 0;
}

u32 app_import_morgana__blockWrite(u32 handle, u64 offset, u32 ptr, u32 len) {
    u8 *data = memory_at(ptr, len, CALLER());
    if (!device_entry(handle, MFT_DEV_BLOCK_BASIC)) return HVT_EINVAL;
    return (u32)hvt_blkwrite(handle, offset, data, len);
}

u32 app_import_morgana__blockRead(u32 handle, u64 offset, u32 ptr, u32 len) {
    u8 *data = memory_at(ptr, len, CALLER());
    if (!device_entry(handle, MFT_DEV_BLOCK_BASIC)) return HVT_EINVAL;
    u64 n = len;
    return (u32)hvt_blkread(handle, offset, data, &n);
}

u64 app_import_morgana__memoryLimit(void) { return memory_limit(); }

u64 app_import_morgana__exits(u32 kind) {
#ifdef MORGANA_TARGET_SPT
    (void)kind;
    return (u64)-1; /* system calls, not exits: not counted */
#else
    return kind < HVT_HYPERCALL_MAX ? hvt_calls[kind] : (u64)-1;
#endif
}
