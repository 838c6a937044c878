/*
 * pkt: the Linux end of the tender's network tests, run inside the test's
 * network namespace. A raw AF_PACKET socket on the tap sees the frames the
 * guest writes and can send frames the guest will read (packet(7)).
 *
 *   pkt recv IFACE ETHERTYPE TIMEOUT_MS [COUNT]
 *       print every frame of ETHERTYPE coming from the guest, stop after
 *       COUNT (default 1): exit 0, or 1 at the timeout
 *   pkt echo IFACE ETHERTYPE TIMEOUT_MS
 *       wait for one such frame, then answer its sender with a frame of
 *       the same ETHERTYPE from the tap's own MAC saying "pong from linux"
 *   pkt burst IFACE ETHERTYPE TIMEOUT_MS COUNT
 *       the same, but answer with COUNT frames back to back, saying
 *       "pong 0 from linux", "pong 1 from linux", ...
 *
 * Each prints "ready" once its socket is bound, then one line per frame:
 *   frame len=N dst=MAC src=MAC payload=TEXT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void mac_str(const unsigned char *m, char *out)
{
    sprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: pkt recv|echo|burst IFACE ETHERTYPE TIMEOUT_MS [COUNT]\n");
        return 2;
    }
    int burst = strcmp(argv[1], "burst") == 0;
    int echo = burst || strcmp(argv[1], "echo") == 0;
    const char *iface = argv[2];
    unsigned type = (unsigned)strtoul(argv[3], NULL, 0);
    long long deadline = now_ms() + atoll(argv[4]);
    int want = argc > 5 && !burst ? atoi(argv[5]) : 1;
    int pongs = burst && argc > 5 ? atoi(argv[5]) : 1;

    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (s < 0) { perror("socket"); return 2; }
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                               .sll_ifindex = (int)if_nametoindex(iface) };
    if (!sll.sll_ifindex || bind(s, (struct sockaddr *)&sll, sizeof sll) < 0) {
        perror(iface);
        return 2;
    }
    /* Room for a burst the tender writes all at once (SO_RCVBUFFORCE: root). */
    int rcvbuf = 8 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
    printf("ready\n");
    fflush(stdout);

    int got = 0;
    unsigned char buf[65536];
    while (got < want) {
        long long left = deadline - now_ms();
        struct pollfd p = { .fd = s, .events = POLLIN };
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        struct sockaddr_ll from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n < 14 || from.sll_pkttype == PACKET_OUTGOING)
            continue;
        if (((unsigned)buf[12] << 8 | buf[13]) != type)
            continue;
        char dst[18], src[18];
        mac_str(buf, dst);
        mac_str(buf + 6, src);
        int end = 14;
        while (end < n && buf[end] >= 32 && buf[end] < 127) end++;
        printf("frame len=%zd dst=%s src=%s payload=%.*s\n", n, dst, src, end - 14,
               (char *)buf + 14);
        fflush(stdout);
        got++;
        if (echo) {
            struct ifreq ifr;
            memset(&ifr, 0, sizeof ifr);
            strncpy(ifr.ifr_name, iface, IFNAMSIZ - 1);
            if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) { perror("SIOCGIFHWADDR"); return 2; }
            for (int i = 0; i < pongs; i++) {
                unsigned char out[60] = { 0 };
                memcpy(out, buf + 6, 6);
                memcpy(out + 6, ifr.ifr_hwaddr.sa_data, 6);
                out[12] = (unsigned char)(type >> 8);
                out[13] = (unsigned char)type;
                if (burst)
                    snprintf((char *)out + 14, sizeof out - 14, "pong %d from linux", i);
                else
                    memcpy(out + 14, "pong from linux", 15);
                if (send(s, out, sizeof out, 0) != sizeof out) { perror("send"); return 2; }
            }
            if (burst)
                printf("sent %d pongs\n", pongs);
            else
                printf("sent pong\n");
            fflush(stdout);
        }
    }
    return got == want ? 0 : 1;
}
