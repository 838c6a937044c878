/*
 * udprate ADDR PORT SIZE COUNT WINDOW: UDP echo throughput. Keeps up to
 * WINDOW datagrams of SIZE bytes in flight to ADDR:PORT until COUNT were
 * sent, then waits up to 1 s for the last echoes. A datagram not echoed
 * within 200 ms is counted lost and frees its place in the window. Prints
 * "sent N received N lost N seconds S rate R" (echoes a second). Used by
 * the net benchmark inside the namespace it creates.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: udprate ADDR PORT SIZE COUNT WINDOW\n");
        return 2;
    }
    int size = atoi(argv[3]), count = atoi(argv[4]), window = atoi(argv[5]);
    if (size < 1 || size > 65507 || count < 1 || window < 1 || window > 4096) return 2;
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) return 2;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int buf = 4 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof to) < 0) {
        perror("udprate");
        return 1;
    }
    char *out = calloc(1, size), *in = malloc(65536);
    int sent = 0, received = 0, lost = 0;
    double start = now_s(), last_echo = start;
    while (received + lost < count) {
        while (sent < count && sent - received - lost < window) {
            if (send(s, out, size, 0) == size) sent++;
            else break;
        }
        struct pollfd p = {.fd = s, .events = POLLIN};
        int ready = poll(&p, 1, 200);
        if (ready == 1) {
            while (recv(s, in, 65536, MSG_DONTWAIT) == size) received++;
            last_echo = now_s();
        } else if (ready == 0) {
            /* Nothing for 200 ms: whatever is in flight is lost. */
            lost += sent - received - lost;
            if (now_s() - last_echo > 1.0 && sent == count) break;
        }
    }
    double seconds = last_echo - start;
    printf("sent %d received %d lost %d seconds %.3f rate %.0f\n", sent, received, lost, seconds,
           seconds > 0 ? received / seconds : 0);
    return 0;
}
