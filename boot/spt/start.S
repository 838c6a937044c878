/*
 * spt/start.S: the entry point and the fixed ELF markers of an spt image.
 *
 * The spt tender calls _start(boot info) on a stack at the top of guest
 * memory; that RAM belongs to the Wasm memory, so we move at once to the
 * boot stack in the image (spt.ld), as on hvt.
 */
    .section .text.boot, "ax", @progbits
    .globl _start
_start:
    lea morgana_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call morgana_spt_main       /* RDI still holds the boot info */
    ud2

/* One word of .data the linker always keeps: tenders load only segments
 * with file bytes, and .bss rides in the data segment (spt.ld). */
    .section .data.morgana_nonempty, "aw", @progbits
    .quad 0x616e61676f6d /* "morgana" */

/* A host kernel asked to run the image looks for this interpreter and
 * stops; only a tender runs it. */
    .section .interp, "a", @progbits
    .asciz "/nonexistent/solo5/"

/* ABI1 note: spt (target 2), ABI version 2, laid out as the hvt one. */
    .section .note.solo5.abi, "a", @note
    .p2align 2
    .long 6
    .long 16
    .long 0x31494241
    .asciz "Solo5"
    .byte 0, 0
    .long 2, 2, 0, 0

    .section .note.GNU-stack, "", @progbits
