/*
 * wasm-rt.h: the C prelude of code lowered from WebAssembly by Morgana.
 *
 * Generated code includes this file and nothing else. It holds the value
 * types, the trap vocabulary, the memory and table objects, and one small
 * inline helper per Wasm operation whose meaning is not a plain C operator
 * (loads and stores, trapping division and conversion, IEEE-754 min/max and
 * rounding, bulk memory). The generator emits calls to these helpers; how a
 * bounds check is done is decided here, by macro, never by the generator.
 *
 * The embedder (boot/ for a unikernel, runtime/host.c for a Linux program,
 * or anyone else's program) provides the functions declared under
 * "embedder interface" below. See toolchain/lower/README.md.
 *
 * Configuration macros, set by the embedder when compiling generated code:
 *   WRT_BOUNDS_EXPLICIT   check every memory access against the memory's
 *                         size. Without it, accesses are unchecked and the
 *                         embedder must reserve WRT_GUARD_RESERVATION bytes
 *                         of address space per memory, inaccessible beyond
 *                         the current size, and turn a fault there into
 *                         wrt_trap(WRT_TRAP_OOB_MEMORY, ...).
 *   WRT_FIXED_MEMORY0     the name of a linker-provided byte array: a
 *                         module's own (not imported) memory 0 lives there
 *                         for the whole run, so the compiler folds the base
 *                         into every access. wrt_memory_init must set
 *                         data to it. Only for programs of one module.
 */
#ifndef MORGANA_WASM_RT_H
#define MORGANA_WASM_RT_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef int8_t s8;
typedef uint16_t u16;
typedef int16_t s16;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint64_t u64;
typedef int64_t s64;
typedef float f32;
typedef double f64;

#define WRT_LIKELY(x) __builtin_expect(!!(x), 1)
#define WRT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define WRT_INLINE static inline __attribute__((always_inline))

/* ------------------------------------------------------------------ */
/* Reference values. A funcref is a pointer to a wrt_func (NULL is     */
/* ref.null func); an externref is an opaque pointer (NULL is          */
/* ref.null extern).                                                    */

typedef const void *wrt_ref;

typedef struct wrt_func {
    /* Signature: one letter per parameter, ':', one per result.
     * i=i32 I=i64 f=f32 F=f64 r=funcref e=externref. Two functions have
     * the same type exactly when these strings are equal. */
    const char *type;
    void (*code)(void);
    const char *name;
} wrt_func;

/* ------------------------------------------------------------------ */
/* Traps                                                                */

typedef enum wrt_trap_kind {
    WRT_TRAP_UNREACHABLE = 1,
    WRT_TRAP_OOB_MEMORY,
    WRT_TRAP_OOB_TABLE,
    WRT_TRAP_DIV_ZERO,
    WRT_TRAP_INT_OVERFLOW,
    WRT_TRAP_INVALID_CONVERSION,
    WRT_TRAP_UNDEFINED_ELEMENT,     /* call_indirect index past the table */
    WRT_TRAP_UNINITIALIZED_ELEMENT, /* call_indirect through ref.null */
    WRT_TRAP_INDIRECT_TYPE,         /* call_indirect signature mismatch */
    WRT_TRAP_EXHAUSTION,            /* call stack exhausted */
    WRT_TRAP_ABORT,                 /* raised by an import, e.g. env.abort */
} wrt_trap_kind;

/* The spec suite's wording for each trap. */
static inline const char *wrt_trap_message(wrt_trap_kind k) {
    switch (k) {
    case WRT_TRAP_UNREACHABLE: return "unreachable";
    case WRT_TRAP_OOB_MEMORY: return "out of bounds memory access";
    case WRT_TRAP_OOB_TABLE: return "out of bounds table access";
    case WRT_TRAP_DIV_ZERO: return "integer divide by zero";
    case WRT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WRT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WRT_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case WRT_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case WRT_TRAP_INDIRECT_TYPE: return "indirect call type mismatch";
    case WRT_TRAP_EXHAUSTION: return "call stack exhausted";
    case WRT_TRAP_ABORT: return "abort";
    }
    return "trap";
}

/* ------------------------------------------------------------------ */
/* Memories and tables                                                  */

#define WRT_PAGE_SIZE 65536u
#define WRT_NO_MAX 0xffffffffu
/* Address space a guarded memory needs: any u32 address plus any u32
 * offset plus the widest access stays inside it. */
#define WRT_GUARD_RESERVATION ((u64)0x200000000ull + WRT_PAGE_SIZE)

typedef struct wrt_memory {
    u8 *data;       /* never moves after wrt_memory_init */
    u64 size;       /* bytes = pages * WRT_PAGE_SIZE */
    u32 pages;
    u32 max_pages;  /* declared maximum, or WRT_NO_MAX */
} wrt_memory;

typedef struct wrt_table {
    wrt_ref *data;
    u32 size;
    u32 max;        /* declared maximum, or WRT_NO_MAX */
} wrt_table;

/* For mapping a code address back to a Wasm function (guard-page traps,
 * imports that want to name their caller). */
typedef struct wrt_func_addr {
    void (*code)(void);
    const char *name;
} wrt_func_addr;

/* ------------------------------------------------------------------ */
/* Embedder interface                                                   */

/* Stop the current Wasm activation. `func` names the Wasm function in
 * which the trap happened (from the name section, or "$N"). */
_Noreturn void wrt_trap(wrt_trap_kind kind, const char *func);

/* Allocate a memory of `initial` pages that can grow to `max` pages
 * (WRT_NO_MAX: 65536). Zero-filled. Traps (WRT_TRAP_OOB_MEMORY) when the
 * initial size cannot be had. data must never move afterwards. */
void wrt_memory_init(wrt_memory *m, u32 initial, u32 max);
/* memory.grow: the old size in pages, or 0xffffffff. */
u32 wrt_memory_grow(wrt_memory *m, u32 delta);

/* Allocate a table of `initial` null entries. */
void wrt_table_init(wrt_table *t, u32 initial, u32 max);
/* table.grow: the old size, or 0xffffffff. */
u32 wrt_table_grow(wrt_table *t, wrt_ref init, u32 delta);

#ifdef WRT_FIXED_MEMORY0
/* The linker-provided start of the fixed memory 0 (see the top). */
extern u8 WRT_FIXED_MEMORY0[];
#endif

/* Lowest stack address Wasm code may use before it traps with
 * WRT_TRAP_EXHAUSTION; checked on entry to every function that calls. */
extern uintptr_t wrt_stack_limit;

/* ------------------------------------------------------------------ */
/* Bit casts                                                            */

WRT_INLINE u32 wrt_f32_bits(f32 x) { u32 r; __builtin_memcpy(&r, &x, 4); return r; }
WRT_INLINE u64 wrt_f64_bits(f64 x) { u64 r; __builtin_memcpy(&r, &x, 8); return r; }
WRT_INLINE f32 wrt_f32_from(u32 x) { f32 r; __builtin_memcpy(&r, &x, 4); return r; }
WRT_INLINE f64 wrt_f64_from(u64 x) { f64 r; __builtin_memcpy(&r, &x, 8); return r; }

/* ------------------------------------------------------------------ */
/* Stack check                                                          */

#if defined(__x86_64__)
#define WRT_STACK_POINTER() ({ uintptr_t sp_; __asm__("mov %%rsp, %0" : "=r"(sp_)); sp_; })
#else
#define WRT_STACK_POINTER() ((uintptr_t)__builtin_frame_address(0))
#endif
#define WRT_STACK_CHECK(fn)                                         \
    do {                                                            \
        if (WRT_UNLIKELY(WRT_STACK_POINTER() < wrt_stack_limit))    \
            wrt_trap(WRT_TRAP_EXHAUSTION, fn);                      \
    } while (0)

/* ------------------------------------------------------------------ */
/* Memory access. `ea` is the effective address: the u32 operand plus the */
/* static offset, computed in 64 bits so that it cannot wrap.            */

#ifdef WRT_BOUNDS_EXPLICIT
#define WRT_BOUNDS(m, ea, n, fn)                                       \
    do {                                                               \
        if (WRT_UNLIKELY((ea) + (n) > (m)->size))                      \
            wrt_trap(WRT_TRAP_OOB_MEMORY, fn);                         \
    } while (0)
#else
#define WRT_BOUNDS(m, ea, n, fn) ((void)(m), (void)(fn))
#endif

/* With guard pages, a load whose value is unused must still fault when out
 * of bounds, and one whose value is only partly used must still read every
 * byte (the compiler would otherwise narrow an i64.load feeding i32.wrap to
 * a 4-byte read, which does not reach the guard page). An empty asm that
 * takes the value in a register keeps it, all of it: WRT_KEEP_INT and
 * WRT_KEEP_FLOAT. wrt_load_* keep their own result, which costs the
 * compiler the folding of the load into the instruction that uses it.
 * wrt_load_*_tracked do not: generated code uses them and keeps instead
 * the value of the last operation of a chain that needs every bit of the
 * loaded value (see c/function.ts, "pending"), which is in a register
 * anyway. With explicit checks nothing needs keeping. */
#ifdef WRT_BOUNDS_EXPLICIT
#define WRT_KEEP_INT(v) ((void)0)
#define WRT_KEEP_FLOAT(v) ((void)0)
#else
#define WRT_KEEP_INT(v) __asm__ volatile("" ::"r"(v))
#define WRT_KEEP_FLOAT(v) __asm__ volatile("" ::"x"(v))
#endif

#define WRT_DEFINE_LOAD(name, T, n, keep)                                      \
    WRT_INLINE T name##_tracked(const wrt_memory *m, const u8 *base, u64 ea,   \
                                const char *fn) {                              \
        WRT_BOUNDS(m, ea, n, fn);                                              \
        T v;                                                                   \
        __builtin_memcpy(&v, base + ea, n);                                    \
        return v;                                                              \
    }                                                                          \
    WRT_INLINE T name(const wrt_memory *m, const u8 *base, u64 ea,             \
                      const char *fn) {                                        \
        T v = name##_tracked(m, base, ea, fn);                                 \
        keep(v);                                                               \
        return v;                                                              \
    }
#define WRT_DEFINE_STORE(name, T, n)                                           \
    WRT_INLINE void name(const wrt_memory *m, u8 *base, u64 ea, T v,           \
                         const char *fn) {                                     \
        WRT_BOUNDS(m, ea, n, fn);                                              \
        __builtin_memcpy(base + ea, &v, n);                                    \
    }

WRT_DEFINE_LOAD(wrt_load_u8, u8, 1, WRT_KEEP_INT)
WRT_DEFINE_LOAD(wrt_load_s8, s8, 1, WRT_KEEP_INT)
WRT_DEFINE_LOAD(wrt_load_u16, u16, 2, WRT_KEEP_INT)
WRT_DEFINE_LOAD(wrt_load_s16, s16, 2, WRT_KEEP_INT)
WRT_DEFINE_LOAD(wrt_load_u32, u32, 4, WRT_KEEP_INT)
WRT_DEFINE_LOAD(wrt_load_s32, s32, 4, WRT_KEEP_INT)
WRT_DEFINE_LOAD(wrt_load_u64, u64, 8, WRT_KEEP_INT)
WRT_DEFINE_LOAD(wrt_load_f32, f32, 4, WRT_KEEP_FLOAT)
WRT_DEFINE_LOAD(wrt_load_f64, f64, 8, WRT_KEEP_FLOAT)
WRT_DEFINE_STORE(wrt_store_u8, u8, 1)
WRT_DEFINE_STORE(wrt_store_u16, u16, 2)
WRT_DEFINE_STORE(wrt_store_u32, u32, 4)
WRT_DEFINE_STORE(wrt_store_u64, u64, 8)
WRT_DEFINE_STORE(wrt_store_f32, f32, 4)
WRT_DEFINE_STORE(wrt_store_f64, f64, 8)

/* ------------------------------------------------------------------ */
/* Integer operations that trap or that C leaves undefined              */

WRT_INLINE u32 wrt_i32_div_s(u32 a, u32 b, const char *fn) {
    if (WRT_UNLIKELY(b == 0)) wrt_trap(WRT_TRAP_DIV_ZERO, fn);
    if (WRT_UNLIKELY(a == 0x80000000u && b == 0xffffffffu)) wrt_trap(WRT_TRAP_INT_OVERFLOW, fn);
    return (u32)((s32)a / (s32)b);
}
WRT_INLINE u32 wrt_i32_rem_s(u32 a, u32 b, const char *fn) {
    if (WRT_UNLIKELY(b == 0)) wrt_trap(WRT_TRAP_DIV_ZERO, fn);
    if (WRT_UNLIKELY(b == 0xffffffffu)) return 0; /* INT_MIN % -1 is UB in C */
    return (u32)((s32)a % (s32)b);
}
WRT_INLINE u32 wrt_i32_div_u(u32 a, u32 b, const char *fn) {
    if (WRT_UNLIKELY(b == 0)) wrt_trap(WRT_TRAP_DIV_ZERO, fn);
    return a / b;
}
WRT_INLINE u32 wrt_i32_rem_u(u32 a, u32 b, const char *fn) {
    if (WRT_UNLIKELY(b == 0)) wrt_trap(WRT_TRAP_DIV_ZERO, fn);
    return a % b;
}
WRT_INLINE u64 wrt_i64_div_s(u64 a, u64 b, const char *fn) {
    if (WRT_UNLIKELY(b == 0)) wrt_trap(WRT_TRAP_DIV_ZERO, fn);
    if (WRT_UNLIKELY(a == 0x8000000000000000ull && b == ~0ull)) wrt_trap(WRT_TRAP_INT_OVERFLOW, fn);
    return (u64)((s64)a / (s64)b);
}
WRT_INLINE u64 wrt_i64_rem_s(u64 a, u64 b, const char *fn) {
    if (WRT_UNLIKELY(b == 0)) wrt_trap(WRT_TRAP_DIV_ZERO, fn);
    if (WRT_UNLIKELY(b == ~0ull)) return 0;
    return (u64)((s64)a % (s64)b);
}
WRT_INLINE u64 wrt_i64_div_u(u64 a, u64 b, const char *fn) {
    if (WRT_UNLIKELY(b == 0)) wrt_trap(WRT_TRAP_DIV_ZERO, fn);
    return a / b;
}
WRT_INLINE u64 wrt_i64_rem_u(u64 a, u64 b, const char *fn) {
    if (WRT_UNLIKELY(b == 0)) wrt_trap(WRT_TRAP_DIV_ZERO, fn);
    return a % b;
}

WRT_INLINE u32 wrt_i32_clz(u32 x) { return x ? (u32)__builtin_clz(x) : 32; }
WRT_INLINE u32 wrt_i32_ctz(u32 x) { return x ? (u32)__builtin_ctz(x) : 32; }
WRT_INLINE u64 wrt_i64_clz(u64 x) { return x ? (u64)__builtin_clzll(x) : 64; }
WRT_INLINE u64 wrt_i64_ctz(u64 x) { return x ? (u64)__builtin_ctzll(x) : 64; }
/* Bit tricks rather than __builtin_popcount: without -mpopcnt that is a
 * libgcc call, and freestanding images link no libgcc. */
WRT_INLINE u32 wrt_i32_popcnt(u32 x) {
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (x * 0x01010101u) >> 24;
}
WRT_INLINE u64 wrt_i64_popcnt(u64 x) {
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (x * 0x0101010101010101ull) >> 56;
}
WRT_INLINE u32 wrt_i32_rotl(u32 a, u32 b) { b &= 31; return (a << b) | (a >> ((32 - b) & 31)); }
WRT_INLINE u32 wrt_i32_rotr(u32 a, u32 b) { b &= 31; return (a >> b) | (a << ((32 - b) & 31)); }
WRT_INLINE u64 wrt_i64_rotl(u64 a, u64 b) { b &= 63; return (a << b) | (a >> ((64 - b) & 63)); }
WRT_INLINE u64 wrt_i64_rotr(u64 a, u64 b) { b &= 63; return (a >> b) | (a << ((64 - b) & 63)); }

/* ------------------------------------------------------------------ */
/* Floating point, exactly as the spec defines it (no fast-math).       */

WRT_INLINE f32 wrt_f32_neg(f32 x) { return wrt_f32_from(wrt_f32_bits(x) ^ 0x80000000u); }
WRT_INLINE f64 wrt_f64_neg(f64 x) { return wrt_f64_from(wrt_f64_bits(x) ^ 0x8000000000000000ull); }
WRT_INLINE f32 wrt_f32_abs(f32 x) { return wrt_f32_from(wrt_f32_bits(x) & 0x7fffffffu); }
WRT_INLINE f64 wrt_f64_abs(f64 x) { return wrt_f64_from(wrt_f64_bits(x) & 0x7fffffffffffffffull); }
WRT_INLINE f32 wrt_f32_copysign(f32 a, f32 b) {
    return wrt_f32_from((wrt_f32_bits(a) & 0x7fffffffu) | (wrt_f32_bits(b) & 0x80000000u));
}
WRT_INLINE f64 wrt_f64_copysign(f64 a, f64 b) {
    return wrt_f64_from((wrt_f64_bits(a) & 0x7fffffffffffffffull) |
                        (wrt_f64_bits(b) & 0x8000000000000000ull));
}

/* A NaN operand yields a NaN (a + b quiets it); -0 is below +0. */
WRT_INLINE f32 wrt_f32_min(f32 a, f32 b) {
    if (a != a || b != b) return a + b;
    if (a == b) return wrt_f32_from(wrt_f32_bits(a) | wrt_f32_bits(b));
    return a < b ? a : b;
}
WRT_INLINE f32 wrt_f32_max(f32 a, f32 b) {
    if (a != a || b != b) return a + b;
    if (a == b) return wrt_f32_from(wrt_f32_bits(a) & wrt_f32_bits(b));
    return a > b ? a : b;
}
WRT_INLINE f64 wrt_f64_min(f64 a, f64 b) {
    if (a != a || b != b) return a + b;
    if (a == b) return wrt_f64_from(wrt_f64_bits(a) | wrt_f64_bits(b));
    return a < b ? a : b;
}
WRT_INLINE f64 wrt_f64_max(f64 a, f64 b) {
    if (a != a || b != b) return a + b;
    if (a == b) return wrt_f64_from(wrt_f64_bits(a) & wrt_f64_bits(b));
    return a > b ? a : b;
}

/* sqrtss/sqrtsd write only the low lane of their destination, so a
 * destination other than the source waits for whatever last wrote it (a
 * false dependency that serialises independent square roots): the asm
 * computes in place, and gcc copies the operand first if it still needs it. */
WRT_INLINE f32 wrt_f32_sqrt(f32 x) {
#if defined(__x86_64__)
    __asm__("sqrtss %0, %0" : "+x"(x));
    return x;
#else
    return __builtin_sqrtf(x);
#endif
}
WRT_INLINE f64 wrt_f64_sqrt(f64 x) {
#if defined(__x86_64__)
    __asm__("sqrtsd %0, %0" : "+x"(x));
    return x;
#else
    return __builtin_sqrt(x);
#endif
}

/* f64.promote_f32 by the instruction itself: the compiler would otherwise
 * fold demote(promote(x)) to x, which keeps a signalling NaN signalling. */
WRT_INLINE f64 wrt_f64_promote(f32 x) {
#if defined(__x86_64__)
    f64 r;
    __asm__("cvtss2sd %1, %0" : "=x"(r) : "x"(x));
    return r;
#else
    return (f64)x;
#endif
}

/* Rounding without libm and without SSE4.1: clear the fraction bits below
 * the binary point. Values at or above 2^23 (f32) / 2^52 (f64) are already
 * integral; a NaN is returned quieted (x + x). */
WRT_INLINE f32 wrt_f32_trunc(f32 x) {
    u32 b = wrt_f32_bits(x);
    int e = (int)((b >> 23) & 0xff) - 127;
    if (e >= 23) return e == 128 ? x + x : x;
    if (e < 0) return wrt_f32_from(b & 0x80000000u);
    return wrt_f32_from(b & ~(0x007fffffu >> e));
}
WRT_INLINE f64 wrt_f64_trunc(f64 x) {
    u64 b = wrt_f64_bits(x);
    int e = (int)((b >> 52) & 0x7ff) - 1023;
    if (e >= 52) return e == 1024 ? x + x : x;
    if (e < 0) return wrt_f64_from(b & 0x8000000000000000ull);
    return wrt_f64_from(b & ~(0x000fffffffffffffull >> e));
}
WRT_INLINE f32 wrt_f32_floor(f32 x) { f32 t = wrt_f32_trunc(x); return t > x ? t - 1.0f : t; }
WRT_INLINE f64 wrt_f64_floor(f64 x) { f64 t = wrt_f64_trunc(x); return t > x ? t - 1.0 : t; }
WRT_INLINE f32 wrt_f32_ceil(f32 x) {
    f32 t = wrt_f32_trunc(x);
    /* ceil(-0.5) is -0: t is already -0 and not below x */
    return t < x ? t + 1.0f : t;
}
WRT_INLINE f64 wrt_f64_ceil(f64 x) { f64 t = wrt_f64_trunc(x); return t < x ? t + 1.0 : t; }
/* Round half to even: adding and removing 2^23 (2^52) leaves the integer
 * the current (default, nearest-even) rounding mode picks. */
WRT_INLINE f32 wrt_f32_nearest(f32 x) {
    f32 a = wrt_f32_abs(x);
    if (!(a < 8388608.0f)) return x != x ? x + x : x; /* integral, inf, or NaN */
    f32 r = (a + 8388608.0f) - 8388608.0f;
    return wrt_f32_copysign(r, x);
}
WRT_INLINE f64 wrt_f64_nearest(f64 x) {
    f64 a = wrt_f64_abs(x);
    if (!(a < 4503599627370496.0)) return x != x ? x + x : x;
    f64 r = (a + 4503599627370496.0) - 4503599627370496.0;
    return wrt_f64_copysign(r, x);
}

/* ------------------------------------------------------------------ */
/* Float to integer: trapping (NaN -> invalid conversion, out of range  */
/* -> integer overflow) and saturating.                                 */

#define WRT_DEFINE_TRUNC(name, F, R, S, lo, hi)                               \
    WRT_INLINE R name(F x, const char *fn) {                                  \
        if (WRT_UNLIKELY(x != x)) wrt_trap(WRT_TRAP_INVALID_CONVERSION, fn);  \
        if (WRT_UNLIKELY(!(x > (F)(lo) && x < (F)(hi))))                      \
            wrt_trap(WRT_TRAP_INT_OVERFLOW, fn);                              \
        return (R)(S)x;                                                       \
    }
/* Bounds are exclusive and exactly representable in the source type. */
WRT_DEFINE_TRUNC(wrt_i32_trunc_f32_s, f32, u32, s32, -2147483904.0, 2147483648.0)
WRT_DEFINE_TRUNC(wrt_i32_trunc_f32_u, f32, u32, u32, -1.0, 4294967296.0)
WRT_DEFINE_TRUNC(wrt_i32_trunc_f64_s, f64, u32, s32, -2147483649.0, 2147483648.0)
WRT_DEFINE_TRUNC(wrt_i32_trunc_f64_u, f64, u32, u32, -1.0, 4294967296.0)
WRT_DEFINE_TRUNC(wrt_i64_trunc_f32_s, f32, u64, s64, -9223373136366403584.0, 9223372036854775808.0)
WRT_DEFINE_TRUNC(wrt_i64_trunc_f32_u, f32, u64, u64, -1.0, 18446744073709551616.0)
WRT_DEFINE_TRUNC(wrt_i64_trunc_f64_s, f64, u64, s64, -9223372036854777856.0, 9223372036854775808.0)
WRT_DEFINE_TRUNC(wrt_i64_trunc_f64_u, f64, u64, u64, -1.0, 18446744073709551616.0)

#define WRT_DEFINE_TRUNC_SAT(name, F, R, S, lo, hi, minv, maxv)              \
    WRT_INLINE R name(F x) {                                                 \
        if (x != x) return 0;                                                \
        if (!(x > (F)(lo))) return (R)(minv);                                \
        if (!(x < (F)(hi))) return (R)(maxv);                                \
        return (R)(S)x;                                                      \
    }
WRT_DEFINE_TRUNC_SAT(wrt_i32_trunc_sat_f32_s, f32, u32, s32, -2147483904.0, 2147483648.0, 0x80000000u, 0x7fffffffu)
WRT_DEFINE_TRUNC_SAT(wrt_i32_trunc_sat_f32_u, f32, u32, u32, -1.0, 4294967296.0, 0u, 0xffffffffu)
WRT_DEFINE_TRUNC_SAT(wrt_i32_trunc_sat_f64_s, f64, u32, s32, -2147483649.0, 2147483648.0, 0x80000000u, 0x7fffffffu)
WRT_DEFINE_TRUNC_SAT(wrt_i32_trunc_sat_f64_u, f64, u32, u32, -1.0, 4294967296.0, 0u, 0xffffffffu)
WRT_DEFINE_TRUNC_SAT(wrt_i64_trunc_sat_f32_s, f32, u64, s64, -9223373136366403584.0, 9223372036854775808.0, 0x8000000000000000ull, 0x7fffffffffffffffull)
WRT_DEFINE_TRUNC_SAT(wrt_i64_trunc_sat_f32_u, f32, u64, u64, -1.0, 18446744073709551616.0, 0ull, ~0ull)
WRT_DEFINE_TRUNC_SAT(wrt_i64_trunc_sat_f64_s, f64, u64, s64, -9223372036854777856.0, 9223372036854775808.0, 0x8000000000000000ull, 0x7fffffffffffffffull)
WRT_DEFINE_TRUNC_SAT(wrt_i64_trunc_sat_f64_u, f64, u64, u64, -1.0, 18446744073709551616.0, 0ull, ~0ull)

/* ------------------------------------------------------------------ */
/* Bulk memory and tables. Every range is checked before anything is    */
/* written, so a trapping operation changes nothing.                    */

WRT_INLINE void wrt_memory_fill(const wrt_memory *m, u8 *base, u32 d, u32 v, u32 n, const char *fn) {
    if (WRT_UNLIKELY((u64)d + n > m->size)) wrt_trap(WRT_TRAP_OOB_MEMORY, fn);
    __builtin_memset(base + d, (int)(v & 0xff), n);
}
WRT_INLINE void wrt_memory_copy(const wrt_memory *dm, u8 *dbase, const wrt_memory *sm,
                                const u8 *sbase, u32 d, u32 s, u32 n, const char *fn) {
    if (WRT_UNLIKELY((u64)d + n > dm->size || (u64)s + n > sm->size))
        wrt_trap(WRT_TRAP_OOB_MEMORY, fn);
    __builtin_memmove(dbase + d, sbase + s, n);
}
/* memory.init from a data segment whose current length is `seg_len`
 * (0 once dropped). */
WRT_INLINE void wrt_memory_init_segment(const wrt_memory *m, u8 *base, const u8 *seg, u32 seg_len,
                                        u32 d, u32 s, u32 n, const char *fn) {
    if (WRT_UNLIKELY((u64)s + n > seg_len || (u64)d + n > m->size))
        wrt_trap(WRT_TRAP_OOB_MEMORY, fn);
    __builtin_memcpy(base + d, seg + s, n);
}

WRT_INLINE wrt_ref wrt_table_get(const wrt_table *t, u32 i, const char *fn) {
    if (WRT_UNLIKELY(i >= t->size)) wrt_trap(WRT_TRAP_OOB_TABLE, fn);
    return t->data[i];
}
WRT_INLINE void wrt_table_set(wrt_table *t, u32 i, wrt_ref v, const char *fn) {
    if (WRT_UNLIKELY(i >= t->size)) wrt_trap(WRT_TRAP_OOB_TABLE, fn);
    t->data[i] = v;
}
WRT_INLINE void wrt_table_fill(wrt_table *t, u32 i, wrt_ref v, u32 n, const char *fn) {
    if (WRT_UNLIKELY((u64)i + n > t->size)) wrt_trap(WRT_TRAP_OOB_TABLE, fn);
    for (u32 k = 0; k < n; k++) t->data[i + k] = v;
}
WRT_INLINE void wrt_table_copy(wrt_table *dt, const wrt_table *st, u32 d, u32 s, u32 n, const char *fn) {
    if (WRT_UNLIKELY((u64)d + n > dt->size || (u64)s + n > st->size))
        wrt_trap(WRT_TRAP_OOB_TABLE, fn);
    __builtin_memmove(dt->data + d, st->data + s, (size_t)n * sizeof(wrt_ref));
}
WRT_INLINE void wrt_table_init_segment(wrt_table *t, const wrt_ref *seg, u32 seg_len,
                                       u32 d, u32 s, u32 n, const char *fn) {
    if (WRT_UNLIKELY((u64)s + n > seg_len || (u64)d + n > t->size))
        wrt_trap(WRT_TRAP_OOB_TABLE, fn);
    __builtin_memcpy(t->data + d, seg + s, (size_t)n * sizeof(wrt_ref));
}

WRT_INLINE int wrt_type_equal(const char *a, const char *b) {
    if (a == b) return 1;
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}
/* The callee of call_indirect, after every check the spec asks for. */
WRT_INLINE const wrt_func *wrt_indirect(const wrt_table *t, u32 i, const char *type, const char *fn) {
    if (WRT_UNLIKELY(i >= t->size)) wrt_trap(WRT_TRAP_UNDEFINED_ELEMENT, fn);
    const wrt_func *f = (const wrt_func *)t->data[i];
    if (WRT_UNLIKELY(!f)) wrt_trap(WRT_TRAP_UNINITIALIZED_ELEMENT, fn);
    if (WRT_UNLIKELY(!wrt_type_equal(f->type, type))) wrt_trap(WRT_TRAP_INDIRECT_TYPE, fn);
    return f;
}

#endif
