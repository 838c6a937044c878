/*
 * assets.c: the asset imports (README.md, "Assets"). The pack is our own
 * build's output, placed by the link stage at morgana_assets; it is still
 * read defensively, every offset checked against the pack's end, so a
 * damaged pack reads as empty rather than past it.
 */
#include "boot.h"

extern const u8 morgana_assets[];
extern const u8 morgana_assets_end[];

#define PACK_MAGIC 0x3141474du /* "MGA1" */

struct asset {
    const u8 *name;
    u32 name_len;
    const u8 *data;
    u32 size;
};

static u32 rd32(const u8 *p) { u32 v; __builtin_memcpy(&v, p, 4); return v; }

static u64 pack_size(void) { return (u64)(morgana_assets_end - morgana_assets); }

static u32 asset_count(void) {
    if (pack_size() < 8 || rd32(morgana_assets) != PACK_MAGIC) return 0;
    u32 n = rd32(morgana_assets + 4);
    return (8 + (u64)n * 16 <= pack_size()) ? n : 0;
}

static int asset_get(u32 index, struct asset *a) {
    if (index >= asset_count()) return 0;
    const u8 *e = morgana_assets + 8 + (u64)index * 16;
    u32 name_off = rd32(e), name_len = rd32(e + 4), data_off = rd32(e + 8), size = rd32(e + 12);
    if ((u64)name_off + name_len > pack_size() || (u64)data_off + size > pack_size()) return 0;
    a->name = morgana_assets + name_off;
    a->name_len = name_len;
    a->data = morgana_assets + data_off;
    a->size = size;
    return 1;
}

u32 app_import_morgana__assetCount(void) { return asset_count(); }

u32 app_import_morgana__assetName(u32 index, u32 ptr, u32 cap) {
    u8 *dst = memory_at(ptr, cap, CALLER());
    struct asset a;
    if (!asset_get(index, &a)) return (u32)-1;
    __builtin_memcpy(dst, a.name, a.name_len < cap ? a.name_len : cap);
    return a.name_len;
}

u32 app_import_morgana__assetSize(u32 index) {
    struct asset a;
    return asset_get(index, &a) ? a.size : (u32)-1;
}

u32 app_import_morgana__assetRead(u32 index, u32 offset, u32 ptr, u32 len) {
    u8 *dst = memory_at(ptr, len, CALLER());
    struct asset a;
    if (!asset_get(index, &a)) return (u32)-1;
    if (offset >= a.size) return 0;
    u32 n = a.size - offset < len ? a.size - offset : len;
    __builtin_memcpy(dst, a.data + offset, n);
    return n;
}
