/*
 * mft.c: the application manifest (the MFT1 note's descriptor, layout in
 * boot/hvt_abi.h). The image declares its devices; the command line
 * attaches them. A device handle is its index in the manifest.
 *
 * Refused: a manifest that is not version 1, has more than 64 entries, has
 * a size other than 8 + 104 * entries, whose entry 0 is not the reserved
 * one, or whose names are empty, not alphanumeric, unterminated or repeated;
 * a command-line device the image does not declare, or declares with
 * another type; a declared device that is not attached.
 */
#include <stdio.h>
#include <string.h>

#include "tender.h"

static const char *type_name(uint32_t type)
{
    return type == MFT_DEV_NET_BASIC ? "net"
         : type == MFT_DEV_BLOCK_BASIC ? "block" : "unknown";
}

static bool valid_name(const char *name)
{
    size_t n = strnlen(name, MFT_NAME_SIZE);
    if (n == 0 || n == MFT_NAME_SIZE)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

void mft_validate(struct tender *t)
{
    struct mft *m = t->mft;
    const char *f = t->image;
    if (m->version != MFT_VERSION)
        die(EXIT_REFUSED, "%s: manifest version %u; this tender reads version "
            "%d: rebuild the image", f, m->version, MFT_VERSION);
    if (m->entries < 1 || m->entries > MFT_MAX_ENTRIES)
        die(EXIT_REFUSED, "%s: malformed manifest: %u entries (1 to %d, "
            "entry 0 being reserved)", f, m->entries, MFT_MAX_ENTRIES);
    if (t->mft_size != sizeof *m + m->entries * sizeof m->e[0])
        die(EXIT_REFUSED, "%s: malformed manifest: %zu bytes for %u entries "
            "(expected %zu)", f, t->mft_size, m->entries,
            sizeof *m + m->entries * sizeof m->e[0]);
    if (m->e[0].type != MFT_RESERVED_FIRST || m->e[0].name[0] != 0)
        die(EXIT_REFUSED, "%s: malformed manifest: entry 0 must be the "
            "reserved entry (empty name, type 1<<30)", f);
    for (unsigned i = 1; i < m->entries; i++) {
        struct mft_entry *e = &m->e[i];
        if (!valid_name(e->name))
            die(EXIT_REFUSED, "%s: malformed manifest: entry %u's name is "
                "empty, too long or not letters and digits", f, i);
        if (e->type != MFT_DEV_NET_BASIC && e->type != MFT_DEV_BLOCK_BASIC)
            die(EXIT_REFUSED, "%s: manifest entry %u ('%s') has type %u; this "
                "tender knows net (2) and block (1)", f, i, e->name, e->type);
        for (unsigned j = 1; j < i; j++)
            if (strcmp(m->e[j].name, e->name) == 0)
                die(EXIT_REFUSED, "%s: malformed manifest: device '%s' is "
                    "declared twice", f, e->name);
    }
    /* What the image says in the tender's fields means nothing: clear it. */
    for (unsigned i = 0; i < m->entries; i++) {
        memset(&m->e[i].u, 0, sizeof m->e[i].u);
        memset(&m->e[i].b, 0, sizeof m->e[i].b);
        m->e[i].attached = 0;
        t->dev[i].fd = -1;
    }
}

/* The declared devices, for messages: "service (net), disk (block)". */
static const char *declared(const struct tender *t)
{
    static char buf[MFT_MAX_ENTRIES * (MFT_NAME_SIZE + 10)];
    size_t used = 0;
    buf[0] = 0;
    for (unsigned i = 1; i < t->mft->entries; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s (%s)",
                                 i > 1 ? ", " : "", t->mft->e[i].name,
                                 type_name(t->mft->e[i].type));
    return used ? buf : "none";
}

static unsigned lookup(struct tender *t, const struct dev_arg *d, uint32_t type)
{
    const char *opt = type == MFT_DEV_NET_BASIC ? "--net" : "--block";
    for (unsigned i = 1; i < t->mft->entries; i++) {
        struct mft_entry *e = &t->mft->e[i];
        if (strcmp(e->name, d->name) != 0)
            continue;
        if (e->type != type)
            die(EXIT_REFUSED, "%s: '%s' is a %s device in the image's "
                "manifest, not a %s device; attach it with %s:%s=...",
                d->text, d->name, type_name(e->type), type_name(type),
                e->type == MFT_DEV_NET_BASIC ? "--net" : "--block", d->name);
        return i;
    }
    die(EXIT_REFUSED, "%s: the image declares no device named '%s' (it "
        "declares: %s); use %s:NAME=... with one of those names",
        d->text, d->name, declared(t), opt);
}

void mft_attach(struct tender *t, const struct args *a)
{
    struct mft *m = t->mft;
    uint16_t sector[MFT_MAX_ENTRIES] = { 0 };
    bool has_mac[MFT_MAX_ENTRIES] = { false };

    /* Settings first, so that they may come before or after the device. */
    for (int k = 0; k < a->ndev; k++) {
        const struct dev_arg *d = &a->dev[k];
        if (d->kind == ARG_NET_MAC) {
            unsigned i = lookup(t, d, MFT_DEV_NET_BASIC);
            memcpy(m->e[i].u.net_basic.mac, d->mac, 6);
            has_mac[i] = true;
        } else if (d->kind == ARG_BLOCK_SECTOR) {
            sector[lookup(t, d, MFT_DEV_BLOCK_BASIC)] = d->sector_size;
        }
    }
    for (int k = 0; k < a->ndev; k++) {
        const struct dev_arg *d = &a->dev[k];
        if (d->kind != ARG_NET && d->kind != ARG_BLOCK)
            continue;
        bool net = d->kind == ARG_NET;
        unsigned i = lookup(t, d, net ? MFT_DEV_NET_BASIC : MFT_DEV_BLOCK_BASIC);
        struct mft_entry *e = &m->e[i];
        if (e->attached)
            die(EXIT_REFUSED, "%s: device '%s' is already attached (to %s)",
                d->text, d->name, t->dev[i].what);
        if (net) {
            t->dev[i].fd = net_attach(d->value, &e->u.net_basic.mtu, &t->dev[i].vnet,
                                     &t->dev[i].tso_ok);
            /* The net rings offer (boot/morgana_abi.h): a value no Solo5
             * tender ever leaves in this field. */
            if (t->net_rings)
                e->b.pad = MORGANA_NET_OFFER;
        } else {
            uint16_t size = sector[i] ? sector[i] : 512;
            t->dev[i].fd = block_attach(d->value, size,
                                        &e->u.block_basic.capacity);
            e->u.block_basic.block_size = size;
        }
        t->dev[i].what = d->value;
        e->attached = 1;
    }
    for (unsigned i = 1; i < m->entries; i++) {
        struct mft_entry *e = &m->e[i];
        if (!e->attached)
            die(EXIT_REFUSED, "the image declares the %s device '%s' but it is "
                "not attached; add %s:%s=%s", type_name(e->type), e->name,
                e->type == MFT_DEV_NET_BASIC ? "--net" : "--block", e->name,
                e->type == MFT_DEV_NET_BASIC ? "TAP" : "PATH");
        if (e->type == MFT_DEV_NET_BASIC && !has_mac[i])
            net_random_mac(e->u.net_basic.mac);
    }
}

struct mft_entry *mft_device(struct tender *t, uint64_t handle, uint32_t type)
{
    if (handle >= t->mft->entries)
        return NULL;
    struct mft_entry *e = &t->mft->e[handle];
    return e->type == type && e->attached ? e : NULL;
}
