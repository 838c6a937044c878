/*
 * net.c: frames in and out of the net devices. On Morgana's tender, which
 * offers net rings in the manifest (morgana_abi.h, README "Net rings"),
 * each device gets a receive and a transmit ring carved from a pool in
 * .bss, registered once at boot; then a frame read or written costs no
 * exit: the tender moves frames between the rings and the tap during the
 * poll the event loop makes anyway (clock_poll). Anywhere else (every
 * Solo5 tender, or a device the pool has no room for) one hypercall per
 * frame, as the hvt ABI has it. The imports mean the same either way.
 *
 * Where the tender also takes TCP segmentation offload (version 2,
 * MORGANA_NET_F_TSO4), the transmit ring takes TCP/IPv4 frames of up to
 * 64 KiB, each spanning as many consecutive slots as it fills, which the
 * host cuts into MTU-sized segments (netWriteTso).
 */
#include "boot.h"
#include "hypercall.h"

#define ETH_HDR 14
/* Ethernet header plus an 802.1Q tag: what a frame may add to the MTU. */
#define FRAME_OVERHEAD 18
/* Enough for a burst: the tender fills the receive ring in one exit, the
 * transmit ring is flushed in one. More would only cost memory. */
#define MAX_SLOTS 256u
/* The link stage says how many net devices the manifest declares: an
 * image with none (hello) carries no pool, 1 MiB less guest memory. */
#ifndef MORGANA_NET_DEVICES
#define MORGANA_NET_DEVICES 1
#endif
/* Solo5 tenders never offer rings, and spt has only Solo5's. */
#if MORGANA_NET_DEVICES == 0 || defined(MORGANA_TARGET_SPT)
#define POOL_SIZE 0u
#else
#define POOL_SIZE (1u << 20)
#endif

/* Shared by the attached net devices that get rings. It lies below the
 * Wasm memory (out of reach of Wasm code), identity-mapped, below 4 GiB. */
static u8 pool[POOL_SIZE ? POOL_SIZE : 1] __attribute__((aligned(4096)));

struct netdev {
    struct morgana_ring *rx, *tx; /* NULL: plain hypercalls */
    u8 *rx_data, *tx_data;
    u32 slots, slot_size, max_frame; /* max_frame: MTU + 14 */
    u32 rx_cons, tx_prod;            /* our own indices; the tender's are in the rings */
    int tso;                         /* registered with MORGANA_NET_F_TSO4 */
};
static struct netdev devs[MFT_MAX_ENTRIES];
u64 hvt_calls[HVT_HYPERCALL_MAX];
static u64 ring_handles; /* bit h: device h uses rings */

static int offered(const struct mft_entry *e) { return e->b.pad == MORGANA_NET_OFFER; }

/* Carve two rings for entry h from the pool at *used, sized from its MTU
 * and a budget of `share` bytes, and register them. */
static void rings_for(u32 h, const struct mft_entry *e, u64 share, u64 *used) {
    u32 slot_size = ((u32)e->u.net_basic.mtu + FRAME_OVERHEAD + MORGANA_RING_ALIGN - 1) & ~(MORGANA_RING_ALIGN - 1);
    u32 slots = MAX_SLOTS;
    while (slots >= 2 && 2 * MORGANA_RING_SIZE(slots, slot_size) > share) slots /= 2;
    if (slots < 2) return; /* no room: this device stays on plain hypercalls */
    u64 size = MORGANA_RING_SIZE(slots, slot_size);
    u8 *rx = pool + *used, *tx = rx + size;
    /* Offload only where the transmit ring holds two of the largest frames
     * (MTU 1500: 256 slots, 43 for a 64 KiB frame); a tender that refuses
     * it (a tap without virtio-net headers) is asked again without. */
    int tso = (u64)slots * slot_size >= 2 * (u64)MORGANA_TSO_MAX_FRAME;
    struct morgana_hc_netrings a = {
        .handle = h, .rx = (uintptr_t)rx, .tx = (uintptr_t)tx, .slots = slots, .slot_size = slot_size,
        .features = tso ? MORGANA_NET_F_TSO4 : 0,
    };
    morgana_netrings(&a);
    if (a.ret != HVT_OK && tso) {
        tso = 0;
        a.features = 0;
        morgana_netrings(&a);
    }
    if (a.ret != HVT_OK) return; /* refused: plain hypercalls */
    *used += 2 * size;
    devs[h] = (struct netdev){
        .rx = (struct morgana_ring *)rx, .tx = (struct morgana_ring *)tx,
        .rx_data = rx + MORGANA_RING_DATA(slots), .tx_data = tx + MORGANA_RING_DATA(slots),
        .slots = slots, .slot_size = slot_size, .max_frame = (u32)e->u.net_basic.mtu + ETH_HDR, .tso = tso,
    };
    ring_handles |= 1ull << h;
}

/* Solo5's ring is taken only for frames up to this many bytes (MTU 2030
 * with an 802.1Q tag): measured on this project's host, jumbo frames went
 * slower through it than through hypercalls (README.md, "Solo5 ring
 * I/O"), as Solo5's own bindings send frames over 2 KiB by hypercall. */
#define SOLO5_RING_MAX_FRAME 2048u
static int solo5_ring_declined; /* offered, not taken: frames too long */

/* The boot line naming the path device h's frames take, so a log says
 * which one an image used (and tests can check it). */
static void say_path(u32 h, const struct mft_entry *e, int forced_off) {
    con_str("boot: net ");
    con_str(e->name);
    con_str(": ");
#ifdef MORGANA_TARGET_SPT
    con_str("one system call a frame");
#else
    if (devs[h].rx)
        con_str(devs[h].tso ? "Morgana net rings, TCP segmentation offload" : "Morgana net rings");
    else if (solo5_ring_active())
        con_str("Solo5 ring I/O");
    else
        con_str(solo5_ring_declined ? "one hypercall a frame (Solo5 ring I/O declined: MTU over 2030)" : "one hypercall a frame");
#endif
    if (forced_off) con_str(" (--net-rings=false)");
    con_str("\n");
    con_flush();
}

/* Rings for every attached net device whose manifest entry carries the
 * offer, the pool shared equally among them; else Solo5's ring where the
 * tender offers it (`solo5_ring`, mapped), the pool holding its transmit
 * buffers. `--net-rings=false` on the command line refuses both (to
 * measure one against the other on the same image). */
void net_init(void *solo5_ring) {
    u32 n = 0, attached = 0, max_frame = 0;
    const struct mft_entry *e;
    int forced_off = cmdline_has("--net-rings=false");
    for (u32 h = 1; h < MFT_MAX_ENTRIES; h++) {
        if (!(e = device_entry(h, MFT_DEV_NET_BASIC))) continue;
        attached++;
        if (offered(e)) n++;
        if ((u32)e->u.net_basic.mtu + FRAME_OVERHEAD > max_frame) max_frame = (u32)e->u.net_basic.mtu + FRAME_OVERHEAD;
    }
    if (forced_off || POOL_SIZE == 0) {
        /* plain hypercalls */
    } else if (n > 0) {
        u64 used = 0, share = (POOL_SIZE / n) & ~(u64)(MORGANA_RING_ALIGN - 1);
        for (u32 h = 1; h < MFT_MAX_ENTRIES; h++)
            if ((e = device_entry(h, MFT_DEV_NET_BASIC)) && offered(e)) rings_for(h, e, share, &used);
    } else if (attached > 0 && solo5_ring) {
        if (max_frame <= SOLO5_RING_MAX_FRAME)
            solo5_ring_init(solo5_ring, pool, POOL_SIZE, max_frame);
        else
            solo5_ring_declined = 1;
    }
    for (u32 h = 1; h < MFT_MAX_ENTRIES; h++)
        if ((e = device_entry(h, MFT_DEV_NET_BASIC))) say_path(h, e, forced_off);
}

/* Devices whose receive ring holds frames, or whose frames Solo5's ring
 * read ahead. */
u64 net_rings_ready(void) {
    u64 ready = 0;
    u32 ahead;
    if (solo5_ring_queued(&ahead)) ready |= 1ull << ahead;
    for (u64 m = ring_handles; m; m &= m - 1) {
        u32 h = (u32)__builtin_ctzll(m);
        if (devs[h].rx->prod != devs[h].rx_cons) ready |= 1ull << h;
    }
    return ready;
}

/* Whether a transmit ring holds frames the tender has not written yet. */
int net_rings_pending(void) {
    for (u64 m = ring_handles; m; m &= m - 1) {
        u32 h = (u32)__builtin_ctzll(m);
        if (devs[h].tx->cons != devs[h].tx_prod) return 1;
    }
    return 0;
}

/* The hvt result: HVT_OK once queued (the tender writes it at the next
 * poll), HVT_EINVAL for a frame shorter than 14 or longer than MTU + 14
 * bytes, as the tender answers. */
int net_write(u32 handle, const u8 *data, u32 len) {
    struct netdev *d = &devs[handle];
    if (!d->tx) {
        if (solo5_ring_active()) {
            const struct mft_entry *e = device_entry(handle, MFT_DEV_NET_BASIC);
            if (len < ETH_HDR || len > (u32)e->u.net_basic.mtu + FRAME_OVERHEAD) return HVT_EINVAL;
            return solo5_ring_write(handle, data, len);
        }
        return hvt_netwrite(handle, data, len);
    }
    if (len < ETH_HDR || len > d->max_frame) return HVT_EINVAL;
    if (d->tx_prod - d->tx->cons == d->slots) {
        hvt_poll(0); /* full: the tender writes every queued frame */
        if (d->tx_prod - d->tx->cons == d->slots) return HVT_EUNSPEC;
    }
    u32 i = d->tx_prod & (d->slots - 1);
    __builtin_memcpy(d->tx_data + (u64)i * d->slot_size, data, len);
    d->tx->len[i] = len;
    d->tx->prod = ++d->tx_prod;
    return HVT_OK;
}

int net_offload(u32 handle) { return devs[handle].tso ? 1 : 0; }

/* A TSO frame (morgana_abi.h): `len` bytes (14 to 65535) in as many
 * consecutive slots as it fills, wrapping at the ring's end, with segment
 * size `mss` (1 to 65535) beside its length. The tender checks the rest
 * (that it is TCP/IPv4, the sizes) and drops, counted, what is not. */
int net_write_tso(u32 handle, const u8 *data, u32 len, u32 mss) {
    struct netdev *d = &devs[handle];
    if (!d->tso || len < ETH_HDR || len > MORGANA_TSO_MAX_FRAME || mss == 0 || mss > 0xffff) return HVT_EINVAL;
    u32 used = (len + d->slot_size - 1) / d->slot_size;
    if (d->slots - (d->tx_prod - d->tx->cons) < used) {
        hvt_poll(0); /* no room: the tender writes every queued frame */
        if (d->slots - (d->tx_prod - d->tx->cons) < used) return HVT_EUNSPEC;
    }
    u32 i = d->tx_prod & (d->slots - 1);
    u64 total = (u64)d->slots * d->slot_size, at = (u64)i * d->slot_size;
    u64 first = total - at < len ? total - at : len;
    __builtin_memcpy(d->tx_data + at, data, first);
    if (first < len) __builtin_memcpy(d->tx_data, data + first, len - first);
    d->tx->len[i] = len | mss << 16;
    d->tx_prod += used;
    d->tx->prod = d->tx_prod;
    return HVT_OK;
}

/* One frame by hypercall: its length, or minus the hvt result. */
int net_read_plain(u32 handle, u8 *data, u32 cap) {
    u64 len = cap;
    int r = hvt_netread(handle, data, &len);
    return r == HVT_OK ? (int)len : -r;
}

/*
 * Plain hypercalls cost an exit per read, and the event loop reads until
 * a read finds nothing: poll, read, read (none), so a lone request costs
 * an exit more than it must. But readiness is level-triggered: a frame
 * left on the tap makes the next poll return at once. So a device whose
 * last wake-up brought one frame is guessed to bring one again: after its
 * first frame since the poll, "none" is answered without asking (`cut`).
 * A wrong guess costs one exit (the poll returns at once, the frame is
 * read then) and is noticed: a poll that reports a cut device back faster
 * than two read hypercalls take did not wait. hvt only: spt's own clock
 * knows nothing of it, and its calls are no exits.
 */
#ifndef MORGANA_TARGET_SPT
static u64 lone, took, cut; /* bit h: guess one frame a wake-up; read one since the poll; answered "none" */
static u64 read_ticks = ~0ull; /* TSC ticks the last read hypercall took: what an exit costs */

static int guessed_empty(u32 handle) {
    u64 bit = 1ull << handle;
    if (!(took & lone & bit)) return 0;
    cut |= bit;
    return 1;
}

static int read_counted(u32 handle, u8 *data, u32 cap) {
    u64 bit = 1ull << handle, t0 = rdtsc();
    int r = net_read_plain(handle, data, cap);
    read_ticks = rdtsc() - t0;
    if (r >= 0) {
        if (took & bit) lone &= ~bit; /* a second frame: a burst */
        took |= bit;
    } else if (r == -HVT_EAGAIN && (took & bit)) {
        lone |= bit; /* one frame this time */
    }
    return r;
}

void net_polled(u64 ready, u64 ticks) {
    if (ticks < 2 * read_ticks) lone &= ~(ready & cut);
    took = cut = 0;
    solo5_ring_polled();
}
#else
static int guessed_empty(u32 handle) { return (void)handle, 0; }
static int read_counted(u32 handle, u8 *data, u32 cap) { return net_read_plain(handle, data, cap); }
#endif

/* A frame's length, or -HVT_EAGAIN (none), or -HVT_EINVAL for a buffer
 * smaller than MTU + 14 bytes, as the tender answers. */
int net_read(u32 handle, u8 *data, u32 cap) {
    struct netdev *d = &devs[handle];
    if (!d->rx) {
        if (solo5_ring_active() && !solo5_ring_plain(handle)) return solo5_ring_read(handle, data, cap);
        if (guessed_empty(handle)) return -HVT_EAGAIN;
        int r = read_counted(handle, data, cap);
        if (r >= 0 && solo5_ring_active()) solo5_ring_read_plain();
        return r;
    }
    if (cap < d->max_frame) return -HVT_EINVAL;
    if (d->rx->prod == d->rx_cons) return -HVT_EAGAIN;
    u32 i = d->rx_cons & (d->slots - 1);
    u32 len = d->rx->len[i];
    if (len > cap) len = cap; /* an 802.1Q-tagged frame into an MTU + 14 buffer */
    __builtin_memcpy(data, d->rx_data + (u64)i * d->slot_size, len);
    d->rx->cons = ++d->rx_cons;
    return (int)len;
}
