/*
 * main.c: Morgana's hvt tender. Boot order, top to bottom: read the command
 * line, load the image into fresh guest memory and check its notes, attach
 * the devices it declares, create the KVM virtual machine and write the
 * guest's boot state, run it, and exit with its halt status. Everything
 * that can refuse an image or a command line runs before KVM is touched.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tender.h"

static void vmessage(const char *fmt, va_list ap)
{
    fflush(stdout);
    fprintf(stderr, TENDER_NAME ": ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
}

void die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    exit(status);
}

void die_at(int status, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    fprintf(stderr, TENDER_NAME ": ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " [%s:%d]\n", file, line);
    va_end(ap);
    exit(status);
}

void warn_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

/* --x-exit-stats: the tender whose counters to print at exit, once the
 * guest runs (stats.c). */
static const struct tender *stats_of;

static void stats_at_exit(void)
{
    print_exit_stats(stats_of);
}

/* As solo5-hvt: SIGINT and SIGTERM end the tender with status 1 and a line
 * saying so (write(2) only: we are in a signal handler). */
static void on_signal(int sig)
{
    if (stats_of)
        print_exit_stats(stats_of);
    char msg[] = TENDER_NAME ": exiting on signal NN\n";
    char *p = strstr(msg, "NN");
    p[0] = (char)('0' + sig / 10 % 10);
    p[1] = (char)('0' + sig % 10);
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    _exit(EXIT_REFUSED);
}

int main(int argc, char **argv)
{
    static struct args a;
    static struct tender t;

    args_parse(&a, argc, argv);
    args_cmdline(&a, t.cmdline);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A console reader that goes away must not kill the guest mid-write. */
    signal(SIGPIPE, SIG_IGN);

    t.image = a.image;
    t.mem_size = a.mem_size;
    t.net_rings = !a.no_net_rings;
    t.exit_stats = a.exit_stats;
    vm_memory(&t);
    elf_load(&t);
    mft_validate(&t);
    mft_attach(&t, &a);
    vm_create(&t);
    vm_boot_state(&t);
    if (t.exit_stats) {
        stats_of = &t;
        atexit(stats_at_exit); /* also when the tender stops the guest */
    }
    return vm_run(&t);
}
