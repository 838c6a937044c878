/*
 * The yardstick for libos/net's answer path: a hand-written responder in C
 * shaped like lowered code (it calls the same platform imports through the
 * same boot stub), doing the least a responder can: ARP requests for
 * 10.0.0.2 and ICMP echo requests are answered in place, UDP datagrams to
 * port 7 are echoed in place. No checks beyond what it needs to find its
 * fields: no checksum verification, no fragments, no options, no counters.
 * Whatever echo.hvt costs on top of this is the price of the stack.
 */
#include "../../boot/apps/app.h"

#define FRAME 0x1000u /* frames are read here, in memory 0 */
#define CAP 1518u

static u32 handle;
static u8 mac[6];
static const u8 addr[4] = {10, 0, 0, 2};

static void answer(u32 len) {
    u8 *f = M + FRAME;
    if (len < 42) return;
    if (f[12] == 0x08 && f[13] == 0x06) {
        if (f[21] != 1 || !same(f + 38, addr, 4)) return;
        copy(f, f + 22, 6);      /* to the asker */
        copy(f + 6, mac, 6);
        f[21] = 2;               /* reply */
        copy(f + 32, f + 22, 10); /* target = asker */
        copy(f + 22, mac, 6);
        copy(f + 28, addr, 4);
        app_import_morgana__netWrite(handle, FRAME, 42);
        return;
    }
    if (f[12] != 0x08 || f[13] != 0x00 || !same(f + 30, addr, 4)) return;
    u32 hl = (f[14] & 15u) * 4u;
    u32 total = (u32)f[16] << 8 | f[17];
    if (hl < 20 || 14 + total > len || total < hl + 8) return;
    u8 *l4 = f + 14 + hl;
    if (f[23] == 1 && l4[0] == 8) {
        l4[0] = 0; /* echo reply; checksum + 0x0800 (RFC 1624) */
        u32 sum = ((u32)l4[2] << 8 | l4[3]) + 0x0800u;
        sum = (sum & 0xffff) + (sum >> 16);
        l4[2] = (u8)(sum >> 8), l4[3] = (u8)sum;
    } else if (f[23] == 17 && l4[2] == 0 && l4[3] == 7) {
        u8 port[2] = {l4[0], l4[1]}; /* swapping ports keeps the checksum */
        l4[0] = l4[2], l4[1] = l4[3], l4[2] = port[0], l4[3] = port[1];
    } else {
        return;
    }
    u8 ip[4];
    copy(ip, f + 26, 4); /* swapping addresses keeps every checksum */
    copy(f + 26, f + 30, 4);
    copy(f + 30, ip, 4);
    copy(f, f + 6, 6);
    copy(f + 6, mac, 6);
    app_import_morgana__netWrite(handle, FRAME, 14 + total);
}

static void serve(void) {
    M[0x100] = 's', M[0x101] = 'e', M[0x102] = 'r', M[0x103] = 'v', M[0x104] = 'i', M[0x105] = 'c', M[0x106] = 'e';
    handle = app_import_morgana__device(0x100, 7, 2);
    app_import_morgana__netInfo(handle, 0x200);
    copy(mac, M + 0x200, 6);
    out_str("responder ready");
    out_line();
    for (;;) {
        app_import_morgana__poll(0x7fffffffffffffffull);
        for (;;) {
            u32 n = app_import_morgana__netRead(handle, FRAME, CAP);
            if ((int)n < 0) break;
            answer(n);
        }
    }
}

const wrt_func_addr app_functions[] = {FUNC(serve), FUNC(answer)};
const u32 app_function_count = 2;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    serve();
}
