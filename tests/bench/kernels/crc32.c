/* CRC-32 (IEEE 802.3, reflected, table-driven one byte at a time) over a
 * 4 MiB buffer, 16 times. Checked first against "123456789". */
#include "kernel.h"

#define BUF (4u << 20)
static u8 buf[BUF];
static u32 table[256];

static void make_table(void) {
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static u32 crc32(u32 crc, const u8 *p, u32 n) {
    crc = ~crc;
    for (u32 i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

KERNEL_EXPORT u32 kernel_run(void) {
    make_table();
    if (crc32(0, (const u8 *)"123456789", 9) != 0xcbf43926u) return 0xbad;
    u32 s = 0x9e3779b9;
    for (u32 i = 0; i < BUF; i++) buf[i] = (u8)rng_next(&s);
    u32 crc = 0;
    for (int round = 0; round < 16; round++) crc = crc32(crc, buf + round, BUF - round);
    return crc;
}
