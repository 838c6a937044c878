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
    uint32_t slots = a->slots, slot_size = a->slot_size;
    a->ret = HVT_EINVAL;

    struct mft_entry *e = mft_device(t, handle, MFT_DEV_NET_BASIC);
    if (!e || t->dev[handle].rings)
        return; /* not an attached net device, or registered already */
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

/* Write every frame queued on device h's transmit ring, in order. */
static void flush(struct tender *t, unsigned h)
{
    struct device *d = &t->dev[h];
    struct ring *r = &d->tx;
    const char *name = t->mft->e[h].name;
    uint32_t max = (uint32_t)t->mft->e[h].u.net_basic.mtu + ETH_HDR;
    uint32_t prod = r->hdr->prod;
    if (prod - r->own > r->slots)
        die_at(EXIT_ABORT, __FILE__, __LINE__, "net ring: the guest's transmit "
               "ring of '%s' says %u frames are queued, in %u slots; guest "
               "stopped", name, prod - r->own, r->slots);
    for (; r->own != prod; r->own++) {
        uint32_t i = r->own & (r->slots - 1);
        uint32_t len = r->hdr->len[i];
        if (len < ETH_HDR || len > max)
            die_at(EXIT_ABORT, __FILE__, __LINE__, "net ring: the guest queued "
                   "a frame of %u bytes on '%s' (14 to %u); guest stopped",
                   len, name, max);
        ssize_t n;
        do
            n = write(d->fd, r->data + (uint64_t)i * r->slot_size, len);
        while (n < 0 && errno == EINTR);
        if (n == (ssize_t)len)
            d->tx_frames++;
        else
            tx_error(d, name, n < 0 ? errno : 0);
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
        ssize_t n;
        do
            n = read(d->fd, r->data + (uint64_t)i * r->slot_size, r->slot_size);
        while (n < 0 && errno == EINTR);
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
