/*
 * devices.c: what the tender told us at boot, kept for the imports: the
 * manifest with the devices it attached (handle = index; entry 0 is
 * reserved) and the command line.
 *
 * Both live in the tender's area below 1 MiB, which stays mapped; the
 * command line is copied anyway, so that its length is measured once.
 */
#include "boot.h"

static const struct mft *mft;
static char cmdline[HVT_CMDLINE_SIZE];
static size_t cmdline_len;

void devices_init(const struct mft *m, const char *line) {
    mft = m;
    while (line && cmdline_len < sizeof cmdline - 1 && line[cmdline_len]) {
        cmdline[cmdline_len] = line[cmdline_len];
        cmdline_len++;
    }
}

size_t cmdline_copy(u8 *dst, size_t cap) {
    __builtin_memcpy(dst, cmdline, cap < cmdline_len ? cap : cmdline_len);
    return cmdline_len;
}

/* Whether the command line holds `word` as one of its space-separated
 * words (boot's own few switches; libos declares and checks them too). */
int cmdline_has(const char *word) {
    size_t n = 0;
    while (word[n]) n++;
    for (size_t i = 0; i + n <= cmdline_len; i++)
        if ((i == 0 || cmdline[i - 1] == ' ') && (i + n == cmdline_len || cmdline[i + n] == ' ') &&
            __builtin_memcmp(cmdline + i, word, n) == 0)
            return 1;
    return 0;
}

/* The attached entry `handle` of this type, or NULL. */
const struct mft_entry *device_entry(u32 handle, u32 type) {
    if (!mft || handle == 0 || handle >= mft->entries || handle >= MFT_MAX_ENTRIES) return 0;
    const struct mft_entry *e = &mft->e[handle];
    return e->type == type && e->attached ? e : 0;
}

s32 device_find(const u8 *name, u32 len, u32 type) {
    if (len >= MFT_NAME_SIZE) return -1;
    for (u32 h = 1; mft && h < mft->entries && h < MFT_MAX_ENTRIES; h++) {
        const struct mft_entry *e = device_entry(h, type);
        if (e && e->name[len] == 0 && __builtin_memcmp(e->name, name, len) == 0) return (s32)h;
    }
    return -1;
}
