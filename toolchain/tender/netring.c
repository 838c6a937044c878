/*
 * netring.c: Morgana's net rings (boot/morgana_abi.h; README "Net rings").
 * A guest that saw the offer in the manifest registers, once per net
 * device, a receive and a transmit ring in its own memory; from then on
 * that device's frames go through the rings, and the work is done in the
 * hypercalls the guest makes anyway: on poll (and halt) every queued frame
 * is written to the tap, and on poll every frame waiting on the tap is read
 * into the receive ring while it has room. No thread, no shared-memory
 * race: the vCPU is stopped whenever this code runs.
 *
 * Nothing the guest wrote is trusted. The geometry is checked once, at
 * registration, and kept here where the guest cannot change it; the
 * tender advances its own index of each ring (receive: prod, transmit:
 * cons) and only reads the guest's, checking it against its own on every
 * use, and every length it reads from a transmit slot. A refusal the guest
 * can act on comes back as EINVAL (it then uses plain hypercalls); a ring
 * outside guest memory, or an index or length that no correct guest
 * writes, stops the guest, as a wild pointer in any hypercall does.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tender.h"

#define ETH_HDR 14

static bool overlap(const struct ring *a, const struct ring *b)
{
    /* Both lie inside guest memory (at most 4 GiB): no sum overflows. */
    return a->gpa < b->gpa + b->size && b->gpa < a->gpa + a->size;
}

/* Describe the ring the guest offers at gpa; false if it is not where a
 * ring may be. A ring not inside guest memory stops the guest. */
static bool place(struct tender *t, struct ring *r, uint64_t gpa,
                  uint32_t slots, uint32_t slot_size)
{
    uint64_t size = MORGANA_RING_SIZE(slots, slot_size); /* < 2^28: checked sizes */
    uint8_t *p = GUEST_PTR(t, "netrings", gpa, size);
    if (gpa % MORGANA_RING_ALIGN != 0 || gpa < HVT_GUEST_MIN_BASE)
        return false; /* misaligned, or in the tender's area below 1 MiB */
    *r = (struct ring){ .hdr = (struct morgana_ring *)p,
                        .data = p + MORGANA_RING_DATA(slots), .gpa = gpa,
                        .size = size, .slots = slots, .slot_size = slot_size };
    return true;
}

void hc_netrings(struct tender *t, uint64_t gpa)
{
    struct morgana_hc_netrings *a = GUEST_PTR(t, "netrings", gpa, sizeof *a);
    uint64_t handle = a->handle, rx = a->rx, tx = a->tx;
    uint32_t slots = a->slots, slot_size = a->slot_size, features = a->features;
    a->ret = HVT_EINVAL;

    struct mft_entry *e = mft_device(t, handle, MFT_DEV_NET_BASIC);
    if (!e || t->dev[handle].rings)
        return; /* not an attached net device, or registered already */
    /* Unknown features; offload needs a tap that takes virtio-net headers
     * and has GSO on (net.c). */
    if ((features & ~MORGANA_NET_FEATURES) ||
        ((features & MORGANA_NET_F_TSO4) && !t->dev[handle].tso_ok))
        return;
    if (slots < 2 || slots > MORGANA_RING_MAX_SLOTS || (slots & (slots - 1)))
        return;
    /* A slot must hold any frame the tap can give (no silent truncation). */
    if (slot_size % MORGANA_RING_ALIGN != 0 ||
        slot_size < (uint32_t)e->u.net_basic.mtu + ETH_HDR ||
        slot_size > MORGANA_RING_MAX_SLOT_SIZE)
        return;
    struct ring r, w;
    if (!place(t, &r, rx, slots, slot_size) || !place(t, &w, tx, slots, slot_size) ||
        overlap(&r, &w))
        return;
    for (unsigned i = 1; i < t->mft->entries; i++)
        if (t->dev[i].rings && (overlap(&r, &t->dev[i].rx) || overlap(&r, &t->dev[i].tx) ||
                                overlap(&w, &t->dev[i].rx) || overlap(&w, &t->dev[i].tx)))
            return;

    memset(r.hdr, 0, sizeof *r.hdr);
    memset(w.hdr, 0, sizeof *w.hdr);
    struct device *d = &t->dev[handle];
    d->rx = r;
    d->tx = w;
    d->rings = true;
    d->tso = (features & MORGANA_NET_F_TSO4) != 0;
    a->ret = HVT_OK;
}

/* A failed write to the tap loses that frame: count it, tell the guest
 * (the ring's `errors`) and say so on stderr at the 1st, 2nd, 4th, 8th...
 * failure, so that a persistent fault is reported without flooding. */
static void tx_error(struct device *d, const char *name, int err)
{
    d->tx_errors++;
    if ((d->tx_errors & (d->tx_errors - 1)) == 0)
        warn_msg("net '%s' (%s): %llu frame%s from the guest could not be "
                 "written to the tap (last: %s)", name, d->what,
                 (unsigned long long)d->tx_errors, d->tx_errors == 1 ? "" : "s",
                 err ? strerror(err) : "short write");
}

/* A failed read from the tap (not "nothing to read"): counted and said as
 * for writes; the guest sees only that no frame came. */
static void rx_error(struct device *d, const char *name, int err)
{
    d->rx_errors++;
    if ((d->rx_errors & (d->rx_errors - 1)) == 0)
        warn_msg("net '%s' (%s): %llu failed read%s from the tap (last: %s)",
                 name, d->what, (unsigned long long)d->rx_errors,
                 d->rx_errors == 1 ? "" : "s", strerror(err));
}

/* A TSO frame refused (not written): counted, and said at the 1st, 2nd,
 * 4th, 8th... with the reason. The guest goes on. */
static void tso_refused(struct device *d, const char *name, const char *why)
{
    d->tx_dropped++;
    if ((d->tx_dropped & (d->tx_dropped - 1)) == 0)
        warn_msg("net '%s' (%s): %llu TSO frame%s from the guest dropped (last: "
                 "%s)", name, d->what, (unsigned long long)d->tx_dropped,
                 d->tx_dropped == 1 ? "" : "s", why);
}

/* Copy `len` bytes at byte `off` of the frame that starts in slot i of r,
 * whose bytes run on from slot to slot and wrap at the ring's end. */
static void ring_copy(const struct ring *r, uint32_t i, uint32_t off, void *to, uint32_t len)
{
    uint64_t total = (uint64_t)r->slots * r->slot_size;
    uint64_t at = ((uint64_t)i * r->slot_size + off) % total;
    uint64_t first = total - at < len ? total - at : len;
    memcpy(to, r->data + at, first);
    memcpy((uint8_t *)to + first, r->data, len - first);
}

#define TSO_HDR_MAX (ETH_HDR + 60 + 60)

/* The virtio-net header for the TSO frame of `len` bytes (2^16 > len >=
 * 14) in slot i, segment size mss; NULL (and *why) if the frame is not
 * one the host may cut: an untagged IPv4 frame without options beyond
 * 60 bytes, not a fragment, DF set, its total length the frame's, TCP
 * with a 20-60 byte header inside it, some payload, and segments that
 * fit the MTU. */
static const char *tso_header(const struct ring *r, uint32_t i, uint32_t len, uint32_t mss,
                              uint32_t mtu, struct virtio_net_hdr *h)
{
    uint8_t b[TSO_HDR_MAX];
    uint32_t have = len < TSO_HDR_MAX ? len : TSO_HDR_MAX;
    ring_copy(r, i, 0, b, have);
    if (have < ETH_HDR + 20 + 20)
        return "shorter than Ethernet, IPv4 and TCP headers";
    if (b[12] != 0x08 || b[13] != 0x00)
        return "not IPv4 (ethertype)";
    const uint8_t *ip = b + ETH_HDR;
    uint32_t ihl = (uint32_t)(ip[0] & 15) * 4;
    if (ip[0] >> 4 != 4 || ihl < 20)
        return "not an IPv4 header";
    if ((uint32_t)(ip[2] << 8 | ip[3]) != len - ETH_HDR)
        return "IPv4 total length is not the frame's";
    if ((ip[6] & 0x3f) != 0 || ip[7] != 0 || (ip[6] & 0x80) != 0)
        return "an IPv4 fragment";
    if (!(ip[6] & 0x40))
        return "IPv4 DF not set";
    if (ip[9] != 6)
        return "not TCP";
    if (ETH_HDR + ihl + 20 > len)
        return "no room for the TCP header";
    const uint8_t *tcp = ip + ihl;
    uint32_t doff = (uint32_t)(tcp[12] >> 4) * 4;
    uint32_t hdr = ETH_HDR + ihl + doff;
    if (doff < 20 || hdr > len)
        return "bad TCP header length";
    if (hdr == len)
        return "no TCP payload";
    if (mss + ihl + doff > mtu)
        return "segment size too large for the MTU";
    *h = (struct virtio_net_hdr){
        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
        .gso_type = len - hdr > mss ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_NONE,
        .hdr_len = (uint16_t)hdr,
        .gso_size = len - hdr > mss ? (uint16_t)mss : 0,
        .csum_start = (uint16_t)(ETH_HDR + ihl),
        .csum_offset = 16,
    };
    return NULL;
}

/* Write every frame queued on device h's transmit ring, in order. */
static void flush(struct tender *t, unsigned h)
{
    struct device *d = &t->dev[h];
    struct ring *r = &d->tx;
    const char *name = t->mft->e[h].name;
    uint32_t mtu = t->mft->e[h].u.net_basic.mtu;
    uint32_t max = mtu + ETH_HDR;
    uint32_t prod = r->hdr->prod;
    if (prod - r->own > r->slots)
        die_at(EXIT_ABORT, __FILE__, __LINE__, "net ring: the guest's transmit "
               "ring of '%s' says %u frames are queued, in %u slots; guest "
               "stopped", name, prod - r->own, r->slots);
    while (r->own != prod) {
        uint32_t i = r->own & (r->slots - 1);
        uint32_t word = r->hdr->len[i];
        uint32_t len = d->tso ? MORGANA_TX_LEN(word) : word;
        uint32_t mss = d->tso ? MORGANA_TX_MSS(word) : 0;
        if (len < ETH_HDR || (mss == 0 && len > max))
            die_at(EXIT_ABORT, __FILE__, __LINE__, "net ring: the guest queued "
                   "a frame of %u bytes on '%s' (14 to %u); guest stopped",
                   len, name, max);
        /* Slots the frame takes: one, or as many as its bytes fill. */
        uint32_t used = mss == 0 ? 1 : (len + r->slot_size - 1) / r->slot_size;
        if (used > prod - r->own)
            die_at(EXIT_ABORT, __FILE__, __LINE__, "net ring: the guest queued "
                   "a frame of %u bytes on '%s' that needs %u slots, but only "
                   "%u are queued; guest stopped", len, name, used, prod - r->own);
        struct virtio_net_hdr vh, *hp = NULL;
        const char *why = NULL;
        if (mss != 0)
            why = tso_header(r, i, len, mss, mtu, hp = &vh);
        if (why) {
            tso_refused(d, name, why);
        } else {
            /* The frame's bytes, in one piece or two where it wraps. */
            uint64_t total = (uint64_t)r->slots * r->slot_size;
            uint64_t at = (uint64_t)i * r->slot_size;
            uint64_t first = total - at < len ? total - at : len;
            struct iovec v[2] = { { r->data + at, first }, { r->data, len - first } };
            ssize_t n = net_tap_write(d, v, first < len ? 2 : 1, hp);
            if (n == (ssize_t)len) {
                d->tx_frames++;
                if (mss != 0)
                    d->tso_frames++;
            } else {
                tx_error(d, name, n < 0 ? errno : 0);
            }
        }
        r->own += used;
    }
    r->hdr->cons = r->own;
    r->hdr->errors = (uint32_t)d->tx_errors;
}

void netrings_flush(struct tender *t)
{
    for (unsigned h = 1; h < t->mft->entries; h++)
        if (t->dev[h].rings)
            flush(t, h);
}

/* Read frames waiting on device h's tap into its receive ring while it has
 * room. Its bit in a ready set if the ring holds frames, else 0. Frames
 * that do not fit stay in the tap, in order, for a later poll. */
uint64_t netrings_fill(struct tender *t, unsigned h)
{
    struct device *d = &t->dev[h];
    struct ring *r = &d->rx;
    uint32_t held = r->own - r->hdr->cons;
    if (held > r->slots)
        die_at(EXIT_ABORT, __FILE__, __LINE__, "net ring: the guest's receive "
               "ring of '%s' says it holds %u frames, in %u slots; guest "
               "stopped", t->mft->e[h].name, held, r->slots);
    for (; held < r->slots; held++) {
        uint32_t i = r->own & (r->slots - 1);
        ssize_t n = net_tap_read(d, t->mft->e[h].name,
                                 r->data + (uint64_t)i * r->slot_size, r->slot_size);
        if (n < 0 && errno != EAGAIN)
            rx_error(d, t->mft->e[h].name, errno);
        if (n <= 0)
            break; /* nothing more for now */
        r->hdr->len[i] = (uint32_t)n;
        r->own++;
        d->rx_frames++;
    }
    r->hdr->prod = r->own;
    return held ? 1ULL << h : 0;
}
