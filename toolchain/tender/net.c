/*
 * net.c: network devices, one Linux tap each (/dev/net/tun, IFF_TAP |
 * IFF_NO_PI | IFF_VNET_HDR, non-blocking), and the net write/read
 * hypercalls. A frame is a whole Ethernet frame without FCS: 14 to MTU + 14
 * bytes.
 *
 * The tap carries a 10-byte struct virtio_net_hdr before each frame, so
 * that the net rings can hand the kernel TCP segmentation offload frames
 * (netring.c). The guest never sees it: writes add a zero header, reads
 * strip it. Offloads on receive stay off (TUNSETOFFLOAD 0), so the kernel
 * hands us only whole frames with complete checksums: a header that says
 * otherwise (GSO, or a checksum still to compute) drops the frame, counted.
 * An already open tap ("@N") opened without IFF_VNET_HDR works as before,
 * without offloads.
 *
 * As solo5-hvt: the tap must already exist and be up (opening
 * /dev/net/tun would otherwise create a new one); "@N" names an already
 * open tap file descriptor N; the MTU is the interface's; without
 * --net-mac the MAC is random, unicast and locally administered.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tender.h"

#define ETH_HDR 14

/* The interface's MTU, or 1500 when it cannot be read. */
static uint16_t iface_mtu(const char *name)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int mtu = 1500;
    if (s >= 0 && ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0 &&
        ifr.ifr_mtu <= 65535 - ETH_HDR)
        mtu = ifr.ifr_mtu;
    if (s >= 0)
        close(s);
    return (uint16_t)mtu;
}

/* The tap's header size and receive offloads: no offload at all. */
static void vnet_setup(int fd, const char *iface)
{
    int size = sizeof(struct virtio_net_hdr);
    if (ioctl(fd, TUNSETVNETHDRSZ, &size) < 0 || ioctl(fd, TUNSETOFFLOAD, 0UL) < 0)
        die(EXIT_REFUSED, "%s: cannot set up the tap's virtio-net header: %s",
            iface, strerror(errno));
}

/* Whether the interface has generic segmentation offload on (ethtool -K
 * IFACE gso): turned off, whoever set up the tap wants no frame on it
 * longer than the MTU (a program reading it with a packet socket sees
 * what the guest writes before the kernel cuts it), so the guest gets no
 * segmentation offload. */
static bool iface_gso(const char *name)
{
    struct ethtool_value v = { .cmd = ETHTOOL_GGSO };
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    ifr.ifr_data = (void *)&v;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool on = s >= 0 && ioctl(s, SIOCETHTOOL, &ifr) == 0 && v.data;
    if (s >= 0)
        close(s);
    return on;
}

static int attach_fd(const char *iface, uint16_t *mtu, bool *vnet, bool *tso)
{
    char *end;
    errno = 0;
    long fd = strtol(iface + 1, &end, 10);
    struct ifreq ifr;
    if (errno || end == iface + 1 || *end || fd < 0 || fd > 65535 ||
        fcntl((int)fd, F_SETFL, O_NONBLOCK) < 0)
        die(EXIT_REFUSED, "--net:...=%s: not an open file descriptor", iface);
    memset(&ifr, 0, sizeof ifr);
    if (ioctl((int)fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP))
        die(EXIT_REFUSED, "--net:...=%s: file descriptor %ld is not a tap "
            "device", iface, fd);
    *mtu = iface_mtu(ifr.ifr_name);
    *vnet = (ifr.ifr_flags & IFF_VNET_HDR) != 0;
    if (*vnet)
        vnet_setup((int)fd, iface);
    *tso = *vnet && iface_gso(ifr.ifr_name);
    return (int)fd;
}

int net_attach(const char *iface, uint16_t *mtu, bool *vnet, bool *tso)
{
    if (iface[0] == '@')
        return attach_fd(iface, mtu, vnet, tso);
    if (strlen(iface) >= IFNAMSIZ)
        die(EXIT_REFUSED, "%s: an interface name has at most %d characters",
            iface, IFNAMSIZ - 1);

    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, iface, IFNAMSIZ - 1);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        die(EXIT_REFUSED, "%s: no such network interface here; create the tap "
            "first: ip tuntap add dev %s mode tap && ip link set dev %s up",
            iface, iface, iface);
    close(s);
    if (!(ifr.ifr_flags & IFF_UP))
        die(EXIT_REFUSED, "%s: the interface is down; bring it up: ip link "
            "set dev %s up", iface, iface);

    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        die(EXIT_REFUSED, "%s: cannot open /dev/net/tun: %s", iface,
            strerror(errno));
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, iface, IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        die(EXIT_REFUSED, "%s: cannot attach to the tap: %s%s", iface,
            strerror(errno),
            errno == EBUSY ? " (another process has it open)"
            : errno == EPERM ? " (run as root, or create the tap with "
                               "'user USER' for the user running the tender)"
            : errno == EINVAL ? " (is it a tap device? a tun or other "
                                "interface will not do)" : "");
    /* A name with a '%d' pattern would give a different, new device. */
    if (strncmp(ifr.ifr_name, iface, IFNAMSIZ) != 0)
        die(EXIT_REFUSED, "%s: not a plain interface name", iface);
    vnet_setup(fd, iface);
    *vnet = true;
    *tso = iface_gso(iface);
    *mtu = iface_mtu(iface);
    return fd;
}

/* Write one frame, the `iovcnt` pieces of iov, with header h (NULL: all
 * zero, an ordinary frame) when the tap takes one. The bytes of the frame
 * written, or -1 with errno. */
ssize_t net_tap_write(struct device *d, const struct iovec *iov, int iovcnt,
                      const struct virtio_net_hdr *h)
{
    static const struct virtio_net_hdr zero;
    struct iovec v[4];
    int n = 0;
    if (d->vnet)
        v[n++] = (struct iovec){ .iov_base = (void *)(h ? h : &zero), .iov_len = sizeof zero };
    for (int i = 0; i < iovcnt && i < 3; i++)
        v[n++] = iov[i];
    ssize_t w;
    do
        w = writev(d->fd, v, n);
    while (w < 0 && errno == EINTR);
    if (w > 0 && d->vnet)
        w = w >= (ssize_t)sizeof zero ? w - (ssize_t)sizeof zero : 0;
    return w;
}

/* The dropped frames of device d, said at the 1st, 2nd, 4th, 8th... */
static void rx_dropped(struct device *d, const char *name, const struct virtio_net_hdr *h)
{
    d->rx_dropped++;
    if ((d->rx_dropped & (d->rx_dropped - 1)) == 0)
        warn_msg("net '%s' (%s): %llu frame%s from the tap came with offload "
                 "metadata (flags %#x, gso_type %#x) and were dropped", name,
                 d->what, (unsigned long long)d->rx_dropped,
                 d->rx_dropped == 1 ? "" : "s", h->flags, h->gso_type);
}

/* Read one frame into buf (at most cap bytes), without the tap's header:
 * its length, 0 or -1 with errno EAGAIN when none waits, -1 with errno on
 * an error. A frame whose header asks for anything but "checksum already
 * verified" is dropped (counted) and the next one read. */
ssize_t net_tap_read(struct device *d, const char *name, void *buf, size_t cap)
{
    for (;;) {
        struct virtio_net_hdr h;
        struct iovec v[2] = { { &h, sizeof h }, { buf, cap } };
        ssize_t n;
        do
            n = d->vnet ? readv(d->fd, v, 2) : read(d->fd, buf, cap);
        while (n < 0 && errno == EINTR);
        if (n <= 0 || !d->vnet)
            return n;
        if (n < (ssize_t)sizeof h) {
            errno = EAGAIN; /* no such frame: the kernel always writes the header */
            return -1;
        }
        if ((h.flags & ~VIRTIO_NET_HDR_F_DATA_VALID) == 0 && h.gso_type == VIRTIO_NET_HDR_GSO_NONE &&
            h.hdr_len == 0 && h.gso_size == 0 && h.csum_start == 0 && h.csum_offset == 0)
            return n - (ssize_t)sizeof h;
        rx_dropped(d, name, &h);
    }
}

void net_random_mac(uint8_t mac[6])
{
    if (getrandom(mac, 6, 0) != 6)
        die(EXIT_REFUSED, "cannot read random bytes for a MAC address: %s",
            strerror(errno));
    mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02); /* unicast, local */
}

void hc_netwrite(struct tender *t, uint64_t gpa)
{
    struct hvt_hc_netwrite *w = GUEST_PTR(t, "netwrite", gpa, sizeof *w);
    uint64_t len = w->len;
    struct mft_entry *e = mft_device(t, w->handle, MFT_DEV_NET_BASIC);
    /* A device with rings sends through them only: a frame written here
     * would overtake those queued (netring.c). */
    if (!e || t->dev[w->handle].rings || len < ETH_HDR || len > (uint64_t)e->u.net_basic.mtu + ETH_HDR) {
        w->ret = HVT_EINVAL;
        return;
    }
    struct iovec v = { GUEST_PTR(t, "netwrite", w->data, len), len };
    ssize_t n = net_tap_write(&t->dev[w->handle], &v, 1, NULL);
    w->ret = n == (ssize_t)len ? HVT_OK : HVT_EUNSPEC;
}

void hc_netread(struct tender *t, uint64_t gpa)
{
    struct hvt_hc_netread *r = GUEST_PTR(t, "netread", gpa, sizeof *r);
    uint64_t len = r->len;
    struct mft_entry *e = mft_device(t, r->handle, MFT_DEV_NET_BASIC);
    /* A smaller buffer could silently truncate a frame (IFF_NO_PI). A
     * device with rings receives through them only, in order. */
    if (!e || t->dev[r->handle].rings || len < (uint64_t)e->u.net_basic.mtu + ETH_HDR) {
        r->ret = HVT_EINVAL;
        return;
    }
    void *data = GUEST_PTR(t, "netread", r->data, len);
    ssize_t n = net_tap_read(&t->dev[r->handle], e->name, data, len);
    if (n > 0) {
        r->len = (uint64_t)n;
        r->ret = HVT_OK;
    } else {
        r->ret = n == 0 || errno == EAGAIN ? HVT_EAGAIN : HVT_EUNSPEC;
    }
}
