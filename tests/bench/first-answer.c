/*
 * first-answer [--netns NAME] http ADDR PORT PATH -- COMMAND ARGS...
 * first-answer [--netns NAME] dns ADDR PORT QNAME -- COMMAND ARGS...
 *
 * Starts COMMAND (a tender, nginx, nsd) and measures the time from just
 * before the fork to the first "200" answer to `GET PATH` on ADDR:PORT,
 * or to the first NOERROR answer to a UDP query for QNAME's SOA.
 * The probe is C so that the figure is the server's, not a client's:
 * a Node probe spent more time scheduling its own sockets (1-4 ms between
 * a connect and its request) than the unikernel took to answer.
 *
 * It opens a new non-blocking connection every 0.5 ms (at most MAX_OPEN at
 * once, each given up after 200 ms), sends the request as soon as one
 * connects and prints "first answer after X ms" once a response starts
 * with "HTTP/1.x 200". For dns it sends a query every 0.5 ms from one
 * socket, each with the next ID. With --netns the command runs in the named network
 * namespace (setns in the child, so no `ip netns exec` adds to its start)
 * while the probe stays in the caller's. COMMAND keeps running after the
 * answer; SIGTERM and SIGINT are passed on to it, it dies with the probe
 * (PR_SET_PDEATHSIG), and its exit status becomes ours. Gives up (exit 3)
 * when no answer came within 10 s.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_OPEN 64
#define ATTEMPT_EVERY_NS 500000L
#define ATTEMPT_LIFE_NS 200000000L
#define GIVE_UP_NS 10000000000L

struct attempt {
    int fd;
    long started;
    int sent;
};

static pid_t child;

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void pass_on(int sig) {
    if (child > 0) kill(child, sig);
}

static int wait_for_child(void) {
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) return 1;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

static void start_command(const char *netns, char **argv) {
    pid_t parent = getpid();
    child = fork();
    if (child < 0) {
        perror("first-answer: fork");
        exit(2);
    }
    if (child > 0) return;
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent) _exit(2);
    if (netns) {
        char path[256];
        snprintf(path, sizeof path, "/var/run/netns/%s", netns);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
            fprintf(stderr, "first-answer: cannot enter network namespace %s: %s\n", netns, strerror(errno));
            _exit(2);
        }
        close(fd);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "first-answer: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static int open_attempt(const struct sockaddr_in *to) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (const struct sockaddr *)to, sizeof *to) < 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

/* 1 when the answer on `a` is a 200, 0 while it may still come, -1 when
 * this attempt is over (refused, reset, another status). */
static int step(struct attempt *a, short revents, const char *request) {
    if (!a->sent) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) return -1;
        if (!(revents & POLLOUT)) return 0;
        size_t n = strlen(request);
        if (send(a->fd, request, n, MSG_NOSIGNAL) != (ssize_t)n) return -1;
        a->sent = 1;
        return 0;
    }
    if (!(revents & (POLLIN | POLLHUP | POLLERR))) return 0;
    char head[16];
    ssize_t got = recv(a->fd, head, sizeof head - 1, MSG_PEEK);
    if (got <= 0) return -1;
    if (got < 12) return 0;
    head[got] = 0;
    return strncmp(head, "HTTP/1.", 7) == 0 && strncmp(head + 8, " 200", 4) == 0 ? 1 : -1;
}

/* A query for QNAME's SOA with ID `id` (RFC 1035 section 4.1); its
 * length, or 0 when QNAME does not fit. */
static size_t dns_query(unsigned char *q, size_t cap, const char *qname, unsigned id) {
    size_t n = 12;
    memset(q, 0, 12);
    q[0] = id >> 8, q[1] = id & 0xff, q[2] = 0x01, q[5] = 1; /* RD, one question */
    for (const char *label = qname; *label;) {
        const char *dot = strchr(label, '.');
        size_t len = dot ? (size_t)(dot - label) : strlen(label);
        if (len == 0 || len > 63 || n + len + 6 > cap) return 0;
        q[n++] = (unsigned char)len;
        memcpy(q + n, label, len);
        n += len;
        label += len + (dot ? 1 : 0);
    }
    q[n++] = 0;
    q[n++] = 0, q[n++] = 6; /* SOA */
    q[n++] = 0, q[n++] = 1; /* IN */
    return n;
}

/* Sends a query every ATTEMPT_EVERY_NS until a NOERROR answer with one of
 * the IDs sent comes back; the time it came, or -1. */
static long probe_dns(const struct sockaddr_in *to, const char *qname, long t0) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    unsigned id = 0;
    long next = t0;
    for (;;) {
        long now = now_ns();
        if (now - t0 > GIVE_UP_NS || waitpid(child, NULL, WNOHANG) == child) break;
        if (now >= next) {
            unsigned char q[300];
            size_t n = dns_query(q, sizeof q, qname, ++id & 0xffff);
            if (n == 0) break;
            sendto(fd, q, n, 0, (const struct sockaddr *)to, sizeof *to);
            next = now + ATTEMPT_EVERY_NS;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        struct timespec wait = {0, next > now ? next - now : 0};
        if (ppoll(&p, 1, &wait, NULL) < 0 && errno != EINTR) break;
        unsigned char r[1500];
        ssize_t got = recv(fd, r, sizeof r, 0);
        if (got >= 12 && (r[2] & 0x80) && (r[3] & 0x0f) == 0 && ((unsigned)r[0] << 8 | r[1]) <= (id & 0xffff)) {
            close(fd);
            return now_ns();
        }
    }
    close(fd);
    return -1;
}

static long probe_http(const struct sockaddr_in *to, const char *host, const char *path, long t0) {
    char request[512];
    snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
    struct attempt open_[MAX_OPEN];
    int n = 0;
    long next = t0, answered = -1;
    while (answered < 0) {
        long now = now_ns();
        if (now - t0 > GIVE_UP_NS || waitpid(child, NULL, WNOHANG) == child) break;
        for (int k = 0; k < n;) { /* drop attempts that had their chance */
            if (now - open_[k].started > ATTEMPT_LIFE_NS) {
                close(open_[k].fd);
                open_[k] = open_[--n];
            } else {
                k++;
            }
        }
        if (now >= next && n < MAX_OPEN) {
            int fd = open_attempt(to);
            if (fd >= 0) open_[n++] = (struct attempt){.fd = fd, .started = now};
            next = now + ATTEMPT_EVERY_NS;
        }
        struct pollfd p[MAX_OPEN];
        for (int k = 0; k < n; k++)
            p[k] = (struct pollfd){.fd = open_[k].fd, .events = open_[k].sent ? POLLIN : POLLOUT};
        struct timespec wait = {0, next > now ? next - now : 0};
        if (ppoll(p, n, &wait, NULL) < 0 && errno != EINTR) break;
        long at = now_ns();
        for (int k = 0; k < n;) {
            int r = p[k].revents ? step(&open_[k], p[k].revents, request) : 0;
            if (r == 1) answered = at;
            if (r != 0) {
                close(open_[k].fd);
                open_[k] = open_[--n];
                p[k] = p[n];
            } else {
                k++;
            }
        }
    }
    for (int k = 0; k < n; k++) close(open_[k].fd);
    return answered;
}

int main(int argc, char **argv) {
    const char *netns = NULL;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--netns") == 0) {
        netns = argv[i + 1];
        i += 2;
    }
    int dns = argc - i >= 1 && strcmp(argv[i], "dns") == 0;
    if (argc - i < 6 || (!dns && strcmp(argv[i], "http") != 0) || strcmp(argv[i + 4], "--") != 0) {
        fprintf(stderr, "usage: first-answer [--netns NAME] http ADDR PORT PATH -- COMMAND ARGS...\n"
                        "       first-answer [--netns NAME] dns ADDR PORT QNAME -- COMMAND ARGS...\n");
        return 2;
    }
    const char *addr = argv[i + 1], *port = argv[i + 2], *what = argv[i + 3], *command = argv[i + 5];
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
    if (inet_pton(AF_INET, addr, &to.sin_addr) != 1) {
        fprintf(stderr, "first-answer: bad address %s\n", addr);
        return 2;
    }

    struct sigaction sa = {.sa_handler = pass_on};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    long t0 = now_ns();
    start_command(netns, argv + i + 5);
    long answered = dns ? probe_dns(&to, what, t0) : probe_http(&to, addr, what, t0);
    if (answered < 0) {
        fprintf(stderr, "first-answer: no answer from %s:%s within 10 s, or %s exited first\n", addr, port, command);
        kill(child, SIGTERM);
        wait_for_child();
        return 3;
    }
    printf("first answer after %.2f ms\n", (answered - t0) / 1e6);
    fflush(stdout);
    return wait_for_child();
}
