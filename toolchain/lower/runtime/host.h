/*
 * host.h: running lowered code in a Linux program (see host.c).
 *
 *   wrt_host_init();                 once, before anything else
 *   int trap = WRT_HOST_TRY(r = m_export_f(1u));
 *   if (trap) printf("%s in %s\n", wrt_trap_message(trap), wrt_host_trap_func);
 */
#ifndef MORGANA_WASM_HOST_H
#define MORGANA_WASM_HOST_H

#include <setjmp.h>

#include "wasm-rt.h"

void wrt_host_init(void);

/* The innermost active WRT_HOST_TRY, and the function named by the last trap. */
extern sigjmp_buf *wrt_host_jmp;
extern const char *wrt_host_trap_func;

/* Run `stmt`: 0 if it completed, otherwise the wrt_trap_kind it raised.
 * Variables assigned in `stmt` are not to be read after a trap. */
#define WRT_HOST_TRY(stmt)                                  \
    ({                                                      \
        sigjmp_buf here_, *outer_ = wrt_host_jmp;           \
        int kind_ = sigsetjmp(here_, 1);                    \
        if (kind_ == 0) {                                   \
            wrt_host_jmp = &here_;                          \
            stmt;                                           \
        }                                                   \
        wrt_host_jmp = outer_;                              \
        kind_;                                              \
    })

#endif
