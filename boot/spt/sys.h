/*
 * sys.h: the Linux system calls an spt guest may make, and nothing else.
 *
 * On Solo5's spt target the image runs as the tender's own process under a
 * seccomp filter (tenders/spt in the Solo5 release) that allows exactly:
 * write to fd 1, exit_group, clock_gettime of CLOCK_MONOTONIC and
 * CLOCK_REALTIME, epoll_pwait on the tender's epoll fd, timerfd_settime on
 * its timer fd, read and write on each attached tap's fd, pread64 and
 * pwrite64 of one block on each attached block file's fd, and
 * arch_prctl(ARCH_SET_FS). Any other call kills the process (SIGSYS).
 *
 * x86-64 convention: number in RAX, arguments in RDI, RSI, RDX, R10, R8,
 * R9; the kernel clobbers RCX and R11; a result in [-4095, -1] is -errno.
 */
#ifndef MORGANA_SPT_SYS_H
#define MORGANA_SPT_SYS_H

#include <stdint.h>

#define SYS_READ 0
#define SYS_WRITE 1
#define SYS_PREAD64 17
#define SYS_PWRITE64 18
#define SYS_CLOCK_GETTIME 228
#define SYS_EXIT_GROUP 231
#define SYS_EPOLL_PWAIT 281
#define SYS_TIMERFD_SETTIME 286

#define SYS_CLOCK_REALTIME 0
#define SYS_CLOCK_MONOTONIC 1
#define SYS_EAGAIN 11
#define SYS_EINTR 4

static inline long sys_call6(long nr, long a, long b, long c, long d, long e, long f) {
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    /* "memory": the kernel reads and writes buffers behind the compiler. */
    __asm__ __volatile__("syscall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                         : "rcx", "r11", "memory");
    return ret;
}

#define sys_call3(nr, a, b, c) sys_call6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)

struct sys_timespec {
    long tv_sec, tv_nsec;
};
struct sys_itimerspec {
    struct sys_timespec interval, value;
};
/* struct epoll_event is packed on x86-64: 12 bytes. */
struct sys_epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));

static inline uint64_t sys_clock_ns(long clock) {
    struct sys_timespec ts = {0, 0};
    sys_call3(SYS_CLOCK_GETTIME, clock, &ts, 0);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The two descriptors of the tender's own that the filter names (boot
 * info); set by the spt boot before anything else runs. */
extern int spt_epollfd, spt_timerfd;

#endif
