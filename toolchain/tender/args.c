/*
 * args.c: the command line, read as solo5-hvt reads it:
 *
 *   [--mem=MB] [--net:NAME=IFACE] [--net-mac:NAME=HWADDR]
 *   [--block:NAME=PATH] [--block-sector-size:NAME=N] [--] KERNEL [ARGS...]
 *
 * Options stop at "--" or at the first word not starting with '-'. Only the
 * syntax is checked here; whether NAME is declared in the image, and with
 * which type, is checked by mft.c once the image is read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tender.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " TENDER_NAME " [OPTIONS] [--] KERNEL [ARGS...]\n"
        "Boots KERNEL, a Solo5 hvt unikernel (ABI version 2), under KVM.\n"
        "ARGS, joined by spaces, become the guest's command line.\n"
        "Options:\n"
        "  --mem=MB                    guest memory in MiB (default 512, at most 4096;\n"
        "                              rounded down to a multiple of 2)\n"
        "  --net:NAME=IFACE            attach the existing, up tap IFACE as the\n"
        "                              network device NAME (or @FD: an open tap fd)\n"
        "  --net-mac:NAME=HWADDR       its MAC address (default: random, locally\n"
        "                              administered)\n"
        "  --block:NAME=PATH           attach the file PATH as the block device NAME\n"
        "  --block-sector-size:NAME=N  its sector size: a power of two >= 512\n"
        "                              (default 512)\n"
        "  --help                      show this help\n"
        "Morgana's own (solo5-hvt has none of these):\n"
        "  --x-no-net-rings            do not offer net rings: the guest makes one\n"
        "                              hypercall per frame, as on solo5-hvt\n"
        "  --x-exit-stats              at exit, print hypercall and frame counts\n"
        "                              on stderr\n"
        "Every device the image declares must be attached.\n");
}

/* NAME as the manifest allows it: 1 to 67 ASCII letters and digits. Copies
 * it into name and returns what follows the '='. */
static const char *parse_name(const char *opt, const char *p, char *name)
{
    size_t n = 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
           (*p >= '0' && *p <= '9')) {
        if (n == MFT_NAME_SIZE - 1)
            die(EXIT_REFUSED, "%s: the device name is longer than %d characters",
                opt, MFT_NAME_SIZE - 1);
        name[n++] = *p++;
    }
    name[n] = 0;
    if (n == 0 || *p != '=')
        die(EXIT_REFUSED,
            "%s: expected NAME=VALUE, NAME being the device's name in the "
            "image's manifest (letters and digits only)", opt);
    return p + 1;
}

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* HWADDR: six pairs of hex digits separated by ':'. Multicast and all-zero
 * addresses are refused: a NIC's own address is unicast, and solo5-hvt
 * reads all-zero as "not given". */
static void parse_mac(const char *opt, const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int hi = hexdigit(s[0]), lo = hi < 0 ? -1 : hexdigit(s[1]);
        if (hi < 0 || lo < 0 || s[2] != (i == 5 ? 0 : ':'))
            die(EXIT_REFUSED,
                "%s: malformed MAC address; write six hex pairs separated "
                "by colons, e.g. 02:00:00:00:00:01", opt);
        mac[i] = (uint8_t)(hi << 4 | lo);
        s += 3;
    }
    if (mac[0] & 1)
        die(EXIT_REFUSED,
            "%s: %02x:... is a multicast address; a device's own MAC must be "
            "unicast (lowest bit of the first byte clear), e.g. 02:00:00:00:00:01",
            opt, mac[0]);
    if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
        die(EXIT_REFUSED, "%s: the all-zero MAC address is not a valid address",
            opt);
}

/* A decimal number with nothing after it, or -1. */
static long long parse_decimal(const char *s)
{
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > (1ULL << 40))
        return -1;
    return (long long)v;
}

static void parse_mem(struct args *a, const char *opt)
{
    long long mb = parse_decimal(opt + strlen("--mem="));
    if (mb <= 0)
        die(EXIT_REFUSED, "%s: expected a whole number of MiB, at least 1 "
            "(e.g. --mem=64)", opt);
    if ((uint64_t)mb > GUEST_MEM_MAX >> 20)
        die(EXIT_REFUSED, "%s: guest memory is at most %llu MiB", opt,
            GUEST_MEM_MAX >> 20);
    uint64_t bytes = (uint64_t)mb << 20;
    uint64_t rounded = bytes / GUEST_PAGE_SIZE * GUEST_PAGE_SIZE;
    if (rounded == 0)
        rounded = GUEST_PAGE_SIZE;
    if (rounded != bytes)
        warn_msg("adjusting guest memory to %llu MiB (a multiple of 2 MiB)",
                 (unsigned long long)(rounded >> 20));
    a->mem_size = rounded;
}

static void parse_sector(const char *opt, const char *v, struct dev_arg *d)
{
    long long n = parse_decimal(v);
    if (n < 512 || n > 32768 || (n & (n - 1)))
        die(EXIT_REFUSED, "%s: the sector size must be a power of two from 512 "
            "to 32768", opt);
    d->sector_size = (uint16_t)n;
}

static bool prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* One device option, or false if opt is not one. */
static bool parse_device(struct args *a, const char *opt)
{
    static const struct { const char *prefix; int kind; } kinds[] = {
        { "--net:", ARG_NET }, { "--net-mac:", ARG_NET_MAC },
        { "--block:", ARG_BLOCK }, { "--block-sector-size:", ARG_BLOCK_SECTOR },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (!prefix(opt, kinds[k].prefix))
            continue;
        if (a->ndev == (int)(sizeof a->dev / sizeof a->dev[0]))
            die(EXIT_REFUSED, "%s: too many device options", opt);
        struct dev_arg *d = &a->dev[a->ndev++];
        memset(d, 0, sizeof *d);
        d->kind = kinds[k].kind;
        d->text = opt;
        d->value = parse_name(opt, opt + strlen(kinds[k].prefix), d->name);
        if (*d->value == 0)
            die(EXIT_REFUSED, "%s: nothing after '='", opt);
        if (d->kind == ARG_NET_MAC)
            parse_mac(opt, d->value, d->mac);
        if (d->kind == ARG_BLOCK_SECTOR)
            parse_sector(opt, d->value, d);
        return true;
    }
    return false;
}

void args_parse(struct args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->mem_size = GUEST_MEM_DEFAULT;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(opt, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (prefix(opt, "--mem="))
            parse_mem(a, opt);
        else if (strcmp(opt, "--x-no-net-rings") == 0)
            a->no_net_rings = true;
        else if (strcmp(opt, "--x-exit-stats") == 0)
            a->exit_stats = true;
        else if (!parse_device(a, opt)) {
            fprintf(stderr, TENDER_NAME ": unknown option '%s'\n", opt);
            usage(stderr);
            exit(EXIT_REFUSED);
        }
    }
    if (i == argc) {
        fprintf(stderr, TENDER_NAME ": missing KERNEL, the image to boot\n");
        usage(stderr);
        exit(EXIT_REFUSED);
    }
    a->image = argv[i++];
    a->guest_argc = argc - i;
    a->guest_argv = argv + i;
}

/* The guest command line: ARGS joined by single spaces. */
void args_cmdline(const struct args *a, char *out)
{
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < a->guest_argc; i++) {
        size_t n = strlen(a->guest_argv[i]);
        size_t need = n + (i > 0); /* the separating space */
        if (need >= HVT_CMDLINE_SIZE - used)
            die(EXIT_REFUSED,
                "the guest command line is too long: at most %d bytes "
                "(ARGS joined by spaces); shorten ARGS", HVT_CMDLINE_SIZE - 1);
        if (i > 0)
            out[used++] = ' ';
        memcpy(out + used, a->guest_argv[i], n);
        used += n;
        out[used] = 0;
    }
}
