/*
 * net.c: network devices, one Linux tap each (/dev/net/tun, IFF_TAP |
 * IFF_NO_PI, non-blocking), and the net write/read hypercalls. A frame is a
 * whole Ethernet frame without FCS: 14 to MTU + 14 bytes.
 *
 * As solo5-hvt: the tap must already exist and be up (opening
 * /dev/net/tun would otherwise create a new one); "@N" names an already
 * open tap file descriptor N; the MTU is the interface's; without
 * --net-mac the MAC is random, unicast and locally administered.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
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

static int attach_fd(const char *iface, uint16_t *mtu)
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
    return (int)fd;
}

int net_attach(const char *iface, uint16_t *mtu)
{
    if (iface[0] == '@')
        return attach_fd(iface, mtu);
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
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
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
    *mtu = iface_mtu(iface);
    return fd;
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
    void *data = GUEST_PTR(t, "netwrite", w->data, len);
    ssize_t n = write(t->dev[w->handle].fd, data, len);
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
    ssize_t n = read(t->dev[r->handle].fd, data, len);
    if (n > 0) {
        r->len = (uint64_t)n;
        r->ret = HVT_OK;
    } else {
        r->ret = n == 0 || errno == EAGAIN || errno == EINTR ? HVT_EAGAIN
                                                             : HVT_EUNSPEC;
    }
}
