/*
 * Block imports with a device named "storage" attached: blockInfo, a
 * write of one block at offset 512, a read of it back, a write past the
 * end (EINVAL), then exit(7) through the exit import.
 */
#include "app.h"

u32 app_import_morgana__blockInfo(u32 handle, u32 ptr);
u32 app_import_morgana__blockWrite(u32 handle, u64 offset, u32 ptr, u32 len);
u32 app_import_morgana__blockRead(u32 handle, u64 offset, u32 ptr, u32 len);

static void block(void) {
    WRT_STACK_CHECK("block");
    const char *name = "storage";
    for (u32 i = 0; name[i]; i++) M[0x100 + i] = (u8)name[i];
    u32 h = app_import_morgana__device(0x100, 7, 1);
    u32 r = app_import_morgana__blockInfo(h, 0x200);
    u64 capacity;
    __builtin_memcpy(&capacity, M + 0x200, 8);
    out_str("storage ");
    out_dec(h);
    out_str(" info ");
    out_dec(r);
    out_str(" capacity ");
    out_dec(capacity);
    out_str(" block ");
    out_dec(M[0x208] | (u32)M[0x209] << 8);
    out_line();
    for (u32 i = 0; i < 512; i++) M[0x1000 + i] = (u8)(i * 7 + 1);
    out_str("write ");
    out_dec(app_import_morgana__blockWrite(h, 512, 0x1000, 512));
    out_str(" read ");
    out_dec(app_import_morgana__blockRead(h, 512, 0x2000, 512));
    u32 same = 1;
    for (u32 i = 0; i < 512; i++) same &= M[0x2000 + i] == M[0x1000 + i];
    out_str(same ? " same" : " different");
    out_str(" past end ");
    out_dec(app_import_morgana__blockWrite(h, capacity, 0x1000, 512));
    out_line();
    app_import_morgana__exit(7);
}

const wrt_func_addr app_functions[] = {FUNC(block)};
const u32 app_function_count = 1;

void app_instantiate(void) {
    wrt_memory_init(&memory, 1, WRT_NO_MAX);
    block();
    out_str("exit returned");
    out_line();
}
