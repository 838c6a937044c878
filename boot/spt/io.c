/*
 * spt/io.c: frames and blocks on spt, straight to the host descriptors the
 * tender attached (a manifest entry's host union holds the fd), with the
 * checks and results the hvt tender gives: a frame is 14 to MTU + 14
 * bytes, a block access whole blocks within the capacity. The tap is
 * non-blocking, so a read with no frame waiting is EAGAIN.
 */
#include "boot.h"
#include "hypercall.h"

#define ETH_HDR 14

int hvt_netwrite(u64 handle, const void *data, u64 len) {
    const struct mft_entry *e = device_entry((u32)handle, MFT_DEV_NET_BASIC);
    if (!e || len < ETH_HDR || len > (u64)e->u.net_basic.mtu + ETH_HDR) return HVT_EINVAL;
    long n = sys_call3(SYS_WRITE, e->b.hostfd, data, len);
    return n == (long)len ? HVT_OK : HVT_EUNSPEC;
}

int hvt_netread(u64 handle, void *data, u64 *len) {
    const struct mft_entry *e = device_entry((u32)handle, MFT_DEV_NET_BASIC);
    if (!e || *len < (u64)e->u.net_basic.mtu + ETH_HDR) return HVT_EINVAL;
    long n = sys_call3(SYS_READ, e->b.hostfd, data, *len);
    if (n == -SYS_EAGAIN) return HVT_EAGAIN;
    if (n <= 0) return HVT_EUNSPEC;
    *len = (u64)n;
    return HVT_OK;
}

/* The block device `handle`, when [offset, offset + len) is whole blocks
 * inside it; else NULL. */
static const struct mft_entry *blocks(u64 handle, u64 offset, u64 len) {
    const struct mft_entry *e = device_entry((u32)handle, MFT_DEV_BLOCK_BASIC);
    if (!e) return 0;
    u64 bs = e->u.block_basic.block_size, cap = e->u.block_basic.capacity;
    if (bs == 0 || offset % bs || len % bs || offset > cap || len > cap - offset) return 0;
    return e;
}

int hvt_blkwrite(u64 handle, u64 offset, const void *data, u64 len) {
    const struct mft_entry *e = blocks(handle, offset, len);
    if (!e) return HVT_EINVAL;
    u64 bs = e->u.block_basic.block_size;
    for (u64 done = 0; done < len; done += bs)
        if (sys_call6(SYS_PWRITE64, e->b.hostfd, (long)data + (long)done, (long)bs, (long)(offset + done), 0, 0) != (long)bs)
            return HVT_EUNSPEC;
    return HVT_OK;
}

int hvt_blkread(u64 handle, u64 offset, void *data, u64 *len) {
    const struct mft_entry *e = blocks(handle, offset, *len);
    if (!e) return HVT_EINVAL;
    u64 bs = e->u.block_basic.block_size;
    for (u64 done = 0; done < *len; done += bs)
        if (sys_call6(SYS_PREAD64, e->b.hostfd, (long)data + (long)done, (long)bs, (long)(offset + done), 0, 0) != (long)bs)
            return HVT_EUNSPEC;
    return HVT_OK;
}
