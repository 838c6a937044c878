/*
 * start.S: the first instructions, the way into ring 3, the exception
 * entry stubs, and the two fixed ELF markers (.interp and the ABI1 note).
 *
 * The tender enters _start in ring 0, 64-bit mode, RDI = boot info, RSP
 * at the top of guest memory. That RAM belongs to the Wasm memory, so we
 * move at once to the boot stack in the image (hvt.ld).
 */
    .section .text.boot, "ax", @progbits
    .globl _start
_start:
    lea morgana_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call morgana_main           /* RDI still holds the boot info */
1:  cli
    hlt
    jmp 1b

/*
 * morgana_enter_user(fn, arg): continue in ring 3 at fn(arg), on a fresh
 * boot stack. x87 and SSE get their documented reset state there (the
 * lowering relies on round-to-nearest and masked exceptions); ring 0 never
 * touches them (boot.h says why).
 */
    .globl morgana_enter_user
morgana_enter_user:
    lea morgana_stack_top(%rip), %rax
    pushq $0x1b                 /* SS: user data, RPL 3 */
    pushq %rax                  /* RSP */
    pushq $0x2                  /* RFLAGS: IOPL 0, so `out` traps to us */
    pushq $0x23                 /* CS: user code, RPL 3 */
    lea user_entry(%rip), %rax
    pushq %rax
    mov %rdi, %r12
    mov %rsi, %rdi
    iretq
user_entry:                     /* RSP = stack top: 16-byte aligned for the call */
    fninit
    pushq $0x1f80
    ldmxcsr (%rsp)
    add $8, %rsp
    call *%r12
2:  ud2
    jmp 2b

/*
 * One 16-byte stub per CPU exception vector 0-31, so cpu.c finds stub V at
 * morgana_exception_stubs + 16 * V. Each leaves the same frame: vector,
 * error code (0 where the CPU pushes none), then the CPU's RIP, CS,
 * RFLAGS, RSP, SS. All run on the IST stack (cpu.c), so a fault caused by
 * stack overflow still has a stack to report on.
 */
    .section .text.exceptions, "ax", @progbits
    .p2align 4
    .globl morgana_exception_stubs
morgana_exception_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .p2align 4
    .if \v == 13
    jmp general_protection
    .else
    .if (\v == 8) || (\v == 10) || (\v == 11) || (\v == 12) || (\v == 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
    .else
    pushq $0
    .endif
    pushq $\v
    jmp exception_common
    .endif
    .endr

/*
 * #GP. Ring 3 may not use `out`, so a hypercall made by the application
 * lands here: when the faulting instruction is `out %eax, %dx` (0xef) to a
 * hypercall port (0x501-0x508, the kick of Solo5's ring thread, or
 * Morgana's net rings registration, which is checked last as it is made
 * once), make the hypercall on its behalf and resume after it.
 * Kept in assembly and short: some hosts emulate ring-0 code instruction
 * by instruction. Anything else goes to morgana_exception.
 */
general_protection:
    push %rcx
    mov 16(%rsp), %rcx          /* the faulting RIP */
    cmpb $0xef, (%rcx)
    jne 3f
    cmp $0x501, %dx
    jb 3f
    cmp $0x508, %dx
    ja 4f
5:  outl %eax, %dx
    incq 16(%rsp)               /* skip the one-byte `out` */
    pop %rcx
    add $8, %rsp                /* the error code */
    iretq
4:  cmp $0x600, %dx            /* SOLO5_RING_KICK_PORT */
    je 5b
    cmp $0x5e1, %dx            /* MORGANA_HYPERCALL_NETRINGS_PORT, once at boot */
    je 5b
3:  pop %rcx
    pushq $13
    /* fall through */

/* Saves the registers a C function may clobber, so that morgana_exception
 * can return (it does so only for a kernel call, see exception.c). The
 * IST stack is 16-byte aligned, and so is RSP after the 128 bytes here. */
exception_common:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    mov %rsp, %rdi
    call morgana_exception
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    add $16, %rsp               /* vector and error code */
    iretq

/*
 * The CPU's tables, as data at fixed addresses (hvt.ld puts this section
 * at 0x100000 and the exception stubs at 0x101000), so that no ring-0 code
 * has to compute them: on hosts that emulate ring 0, every instruction
 * there costs about a microsecond. Layout: IDT (32 gates, 0x100000), GDT
 * (0x100200), TSS (0x100240), the GDTR and IDTR operands (0x1002b0), and
 * the TSS's I/O permission bitmap (0x100340).
 */
    .set CPU_TABLES, 0x100000
    .set STUBS, 0x101000
    .set TSS_BASE, CPU_TABLES + 0x240
    .set IOMAP, 0x100           /* the bitmap's offset in the TSS */
    .set TSS_LIMIT, IOMAP + 0xc2 - 1
    .section .morgana.cpu, "aw", @progbits
    .globl morgana_idt, morgana_gdt, morgana_tss, morgana_gdtr, morgana_idtr
morgana_idt:                    /* interrupt gates, ring 0, IST1 */
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .short (STUBS + 16 * \v) & 0xffff
    .short 0x08                 /* kernel code selector */
    .byte 1, 0x8e               /* IST1; present, ring 0, 64-bit interrupt gate */
    .short (STUBS + 16 * \v) >> 16
    .long 0, 0                  /* handler bits 63:32 (zero below 4 GiB), reserved */
    .endr
morgana_gdt:                    /* null, ring-0 code and data, ring-3 data and code, TSS */
    .quad 0, 0x00af9a000000ffff, 0x00cf92000000ffff, 0x00cff2000000ffff, 0x00affa000000ffff
    .quad TSS_LIMIT | (TSS_BASE << 16) | (0x89 << 40)   /* present 64-bit TSS, base below 16 MiB */
    .quad 0
    .p2align 6
morgana_tss:
    .long 0
    .quad morgana_ist_top       /* RSP0: unused, every gate names IST1 */
    .quad 0, 0, 0
    .quad morgana_ist_top       /* IST1 */
    .quad 0, 0, 0, 0, 0, 0, 0
    .short 0
    .short IOMAP                /* the I/O permission bitmap, below */
    .p2align 4
morgana_gdtr:
    .short 7 * 8 - 1
    .quad morgana_gdt
    .p2align 4
morgana_idtr:
    .short 32 * 16 - 1
    .quad morgana_idt
/*
 * The I/O permission bitmap: ring 3 may `outl` (4 ports wide) to the
 * hypercall ports 0x501-0x508, Morgana's net rings registration 0x5e1 and
 * the kick of Solo5's ring thread 0x600 itself, so a hypercall is one
 * exit with no #GP to ring 0 first (on hosts that emulate ring 0, that
 * detour costs more than the exit). Every other port, the kernel call's
 * 0x5f0 among them, stays a #GP (bit set = refused). A host that ignores
 * the bitmap still gets the #GP path above.
 */
    .org TSS_BASE - CPU_TABLES + IOMAP
    .fill 0xa0, 1, 0xff         /* ports 0x000-0x4ff */
    .byte 0x01                  /* 0x500-0x507: 0x501-0x507 allowed */
    .byte 0xf0                  /* 0x508-0x50f: 0x508-0x50b (outl at 0x508) */
    .fill 0x1a, 1, 0xff         /* 0x510-0x5df */
    .byte 0xe1                  /* 0x5e0-0x5e7: 0x5e1-0x5e4 */
    .fill 3, 1, 0xff            /* 0x5e8-0x5ff: the kernel call's 0x5f0 refused */
    .byte 0xf0                  /* 0x600-0x607: 0x600-0x603 */
    .byte 0xff                  /* the end: the CPU may read a byte past the last port it checks */

/* One word of .data the linker always keeps: tenders load only segments
 * with file bytes, and .bss rides in the data segment (hvt.ld). */
    .section .data.morgana_nonempty, "aw", @progbits
    .quad 0x616e61676f6d /* "morgana" */

/* A host kernel asked to run the image looks for this interpreter and
 * stops; only a tender runs it. */
    .section .interp, "a", @progbits
    .asciz "/nonexistent/solo5/"

/* ABI1 note: hvt, ABI version 2. Header (namesz, descsz, type), the name
 * "Solo5" padded to 8 bytes, then the 4-byte aligned descriptor. */
    .section .note.solo5.abi, "a", @note
    .p2align 2
    .long 6
    .long 16
    .long 0x31494241
    .asciz "Solo5"
    .byte 0, 0
    .long 1, 2, 0, 0

    .section .note.GNU-stack, "", @progbits
