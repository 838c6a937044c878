/*
 * udprtt ADDR PORT SIZE COUNT: one UDP datagram of SIZE bytes at a time to
 * ADDR:PORT, each waiting for its echo (1 s at most), COUNT times. Prints
 * "sent N received N avg_us A p50_us B p99_us C" (round trips of the
 * datagrams that came back, in microseconds). Used by the net benchmark
 * inside the namespace it creates.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: udprtt ADDR PORT SIZE COUNT\n");
        return 2;
    }
    int size = atoi(argv[3]), count = atoi(argv[4]);
    if (size < 1 || size > 65507 || count < 1 || count > 10000000) return 2;
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) return 2;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof to) < 0) {
        perror("udprtt");
        return 1;
    }
    char *out = malloc(size), *in = malloc(65536);
    double *rtt = malloc(sizeof(double) * count);
    int got = 0;
    for (int i = 0; i < count; i++) {
        memset(out, 'a' + i % 26, size);
        double t0 = now_us();
        if (send(s, out, size, 0) != size) continue;
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, 1000) != 1) continue;
        ssize_t n = recv(s, in, 65536, 0);
        if (n == size && memcmp(in, out, size) == 0) rtt[got++] = now_us() - t0;
    }
    double sum = 0;
    for (int i = 0; i < got; i++) sum += rtt[i];
    qsort(rtt, got, sizeof(double), cmp);
    printf("sent %d received %d avg_us %.2f p50_us %.2f p99_us %.2f\n", count, got,
           got ? sum / got : 0, got ? rtt[got / 2] : 0, got ? rtt[got * 99 / 100] : 0);
    return 0;
}
