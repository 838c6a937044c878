/*
 * The net imports both ways, for the tests that run it with and without
 * the tender's net rings (boot/README.md, "Net rings"): the results of bad
 * calls, then one of two commands (the command line):
 *
 *   pong N    answer ARP for 10.0.0.2 and ICMP echo requests to it, the way
 *             the event loop does (poll, then every ready frame), until N
 *             echo requests were answered; then exit 0 at once, so the
 *             last answer is still queued when the image halts
 *   burst N   send N frames of ethertype 0x88b5 saying "burst I", I from
 *             0, as fast as netWrite takes them (more than a transmit
 *             ring holds), then exit 0
 */
#include "app.h"

#define FRAME 0x1000u /* frames are read here, in memory 0 */
#define CAP 1518u     /* MTU 1500 + 18 */

static u32 handle;
static u8 mac[6];
static const u8 addr[4] = {10, 0, 0, 2};

static u32 failed; /* netWrite results other than 0 */

/* Answer the frame at FRAME in place; 1 if it was an echo request. */
static int answer(u32 len) {
    u8 *f = M + FRAME;
    if (len < 42) return 0;
    if (f[12] == 0x08 && f[13] == 0x06) {
        if (f[21] != 1 || !same(f + 38, addr, 4)) return 0;
        copy(f, f + 22, 6);
        copy(f + 6, mac, 6);
        f[21] = 2;
        copy(f + 32, f + 22, 10);
        copy(f + 22, mac, 6);
        copy(f + 28, addr, 4);
        failed += app_import_morgana__netWrite(handle, FRAME, 42) != 0;
        return 0;
    }
    if (f[12] != 0x08 || f[13] != 0x00 || !same(f + 30, addr, 4) || f[23] != 1) return 0;
    u32 hl = (f[14] & 15u) * 4u;
    u32 total = (u32)f[16] << 8 | f[17];
    if (hl < 20 || 14 + total > len || total < hl + 8 || f[14 + hl] != 8) return 0;
    u8 *icmp = f + 14 + hl;
    icmp[0] = 0; /* echo reply; checksum + 0x0800 (RFC 1624) */
    u32 sum = ((u32)icmp[2] << 8 | icmp[3]) + 0x0800u;
    sum = (sum & 0xffff) + (sum >> 16);
    icmp[2] = (u8)(sum >> 8), icmp[3] = (u8)sum;
    u8 ip[4];
    copy(ip, f + 26, 4);
    copy(f + 26, f + 30, 4);
    copy(f + 30, ip, 4);
    copy(f, f + 6, 6);
    copy(f + 6, mac, 6);
    failed += app_import_morgana__netWrite(handle, FRAME, 14 + total) != 0;
    return 1;
}

static void pong(u32 want) {
    u32 answered = 0, frames = 0;
    while (answered < want) {
        app_import_morgana__poll(~0ull);
        for (;;) {
            u32 n = app_import_morgana__netRead(handle, FRAME, CAP);
            if ((int)n < 0) break;
            frames++;
            answered += (u32)answer(n);
        }
    }
    out_str("answered ");
    out_dec(answered);
    out_str(" of ");
    out_dec(frames);
    out_str(" frames, failed ");
    out_dec(failed);
    out_line();
}

static void burst(u32 count) {
    u8 *f = M + FRAME;
    for (u32 i = 0; i < count; i++) {
        for (int k = 0; k < 6; k++) f[k] = 0xff, f[6 + k] = mac[k];
        f[12] = 0x88, f[13] = 0xb5;
        u32 len = 14;
        for (const char *s = "burst "; *s; s++) f[len++] = (u8)*s;
        char d[10];
        int nd = 0;
        u32 v = i;
        do d[nd++] = (char)('0' + v % 10); while (v /= 10);
        while (nd) f[len++] = (u8)d[--nd];
        while (len < 60) f[len++] = 0;
        failed += app_import_morgana__netWrite(handle, FRAME, 60) != 0;
    }
    out_str("sent ");
    out_dec(count);
    out_str(" failed ");
    out_dec(failed);
    out_line();
}

static u32 number(u32 at, u32 end) {
    u32 v = 0;
    while (at < end && M[at] >= '0' && M[at] <= '9') v = v * 10 + (M[at++] - '0');
    return v;
}

static void run(void) {
    WRT_STACK_CHECK("run");
    u32 len = read_cmdline();
    M[0x300] = 's', M[0x301] = 'e', M[0x302] = 'r', M[0x303] = 'v', M[0x304] = 'i', M[0x305] = 'c', M[0x306] = 'e';
    handle = app_import_morgana__device(0x300, 7, 2);
    app_import_morgana__netInfo(handle, 0x200);
    copy(mac, M + 0x200, 6);
    /* What bad calls answer, the same with rings or without. */
    out_str("read small ");
    out_dec(-app_import_morgana__netRead(handle, FRAME, 1513));
    out_str(" write short ");
    out_dec(app_import_morgana__netWrite(handle, FRAME, 13));
    out_str(" write long ");
    out_dec(app_import_morgana__netWrite(handle, FRAME, 1515));
    out_line();
    out_str("ready");
    out_line();
    if (len > 5 && streq_mem(0, 5, "pong ")) pong(number(5, len));
    else if (len > 6 && streq_mem(0, 6, "burst ")) burst(number(6, len));
    app_import_morgana__exit(0);
}

const wrt_func_addr app_functions[] = {FUNC(run), FUNC(pong), FUNC(burst), FUNC(answer)};
const u32 app_function_count = 4;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    run();
}
