/*
 * Net imports with a device named "service" attached: its handle by name,
 * lookups that must fail (unknown name, wrong type), netInfo for it and
 * for a bad handle, and one frame sent (a broadcast ARP request from the
 * device's own MAC).
 */
#include "app.h"

static void put_name(u32 at, const char *s) {
    while (*s) M[at++] = (u8)*s++;
}

static void net(void) {
    WRT_STACK_CHECK("net");
    put_name(0x100, "service");
    put_name(0x110, "servic");
    u32 h = app_import_morgana__device(0x100, 7, 2);
    out_str("service net ");
    out_dec(h);
    out_line();
    out_str("service block ");
    out_dec(app_import_morgana__device(0x100, 7, 1) + 1); /* -1 prints as 0 */
    out_line();
    out_str("servic net ");
    out_dec(app_import_morgana__device(0x110, 6, 2) + 1);
    out_line();
    u32 r = app_import_morgana__netInfo(h, 0x200);
    out_str("netInfo ");
    out_dec(r);
    out_str(" mac ");
    out_hex(M + 0x200, 6);
    out_str(" mtu ");
    out_dec(M[0x206] | (u32)M[0x207] << 8);
    out_line();
    out_str("netInfo bad handle ");
    out_dec(app_import_morgana__netInfo(5, 0x200) + 1);
    out_line();
    u8 *f = M + 0x300; /* Ethernet broadcast, ARP who-has 10.0.0.1 */
    for (int i = 0; i < 6; i++) f[i] = 0xff, f[6 + i] = M[0x200 + i], f[22 + i] = M[0x200 + i];
    f[12] = 0x08, f[13] = 0x06, f[14] = 0, f[15] = 1, f[16] = 8, f[17] = 0, f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;
    f[28] = 10, f[29] = 0, f[30] = 0, f[31] = 2;
    for (int i = 32; i < 38; i++) f[i] = 0;
    f[38] = 10, f[39] = 0, f[40] = 0, f[41] = 1;
    out_str("netWrite ");
    out_dec(app_import_morgana__netWrite(h, 0x300, 60));
    out_line();
}

const wrt_func_addr app_functions[] = {FUNC(net), FUNC(put_name)};
const u32 app_function_count = 2;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    net();
}
