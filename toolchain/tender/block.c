/*
 * block.c: block devices, one file (or host block device) each, read and
 * written with pread/pwrite; and the block write/read hypercalls.
 *
 * As solo5-hvt: the sector size is 512 unless --block-sector-size says
 * otherwise; the capacity is the file's size, which must be a whole number
 * of sectors and at least one. An I/O must lie inside the capacity. Stricter
 * than solo5-hvt's tender (which leaves this to the guest's bindings, see
 * solo5.h): offset and length must be multiples of the sector size, or the
 * result is EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tender.h"

int block_attach(const char *path, uint16_t sector_size, uint64_t *capacity)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        die(EXIT_REFUSED, "%s: cannot open the block device's file: %s%s", path,
            strerror(errno), errno == ENOENT ? " (create it first, e.g. "
            "truncate -s 1M FILE)" : "");
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        die(EXIT_REFUSED, "%s: not a regular file or block device", path);
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0)
        die(EXIT_REFUSED, "%s: cannot find its size: %s", path, strerror(errno));
    if ((uint64_t)size < sector_size || (uint64_t)size % sector_size)
        die(EXIT_REFUSED, "%s: its size (%lld bytes) must be a whole number of "
            "%u-byte sectors, at least one; resize it (truncate -s)", path,
            (long long)size, sector_size);
    *capacity = (uint64_t)size;
    return fd;
}

/* The I/O's result if it is refused, else HVT_OK. */
static int check_io(struct mft_entry *e, uint64_t offset, uint64_t len)
{
    if (!e)
        return HVT_EINVAL;
    uint64_t bs = e->u.block_basic.block_size;
    uint64_t cap = e->u.block_basic.capacity;
    if (offset % bs || len % bs || offset >= cap || len > cap - offset)
        return HVT_EINVAL;
    return HVT_OK;
}

static int transfer(int fd, uint8_t *p, uint64_t len, uint64_t off, bool wr)
{
    while (len > 0) {
        ssize_t n = wr ? pwrite(fd, p, len, (off_t)off)
                       : pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return HVT_EUNSPEC;
        p += n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return HVT_OK;
}

void hc_blkwrite(struct tender *t, uint64_t gpa)
{
    struct hvt_hc_blkwrite *w = GUEST_PTR(t, "blkwrite", gpa, sizeof *w);
    uint64_t off = w->offset, len = w->len;
    w->ret = check_io(mft_device(t, w->handle, MFT_DEV_BLOCK_BASIC), off, len);
    if (w->ret != HVT_OK)
        return;
    uint8_t *data = GUEST_PTR(t, "blkwrite", w->data, len);
    w->ret = transfer(t->dev[w->handle].fd, data, len, off, true);
}

void hc_blkread(struct tender *t, uint64_t gpa)
{
    struct hvt_hc_blkread *r = GUEST_PTR(t, "blkread", gpa, sizeof *r);
    uint64_t off = r->offset, len = r->len;
    r->ret = check_io(mft_device(t, r->handle, MFT_DEV_BLOCK_BASIC), off, len);
    if (r->ret != HVT_OK)
        return;
    uint8_t *data = GUEST_PTR(t, "blkread", r->data, len);
    r->ret = transfer(t->dev[r->handle].fd, data, len, off, false);
}
