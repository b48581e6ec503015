// Random-instruction test harness (in the spirit of RISU), used by `egret isa --random`.
//
// Reads fixed-size case records from stdin; for each one it writes the test instruction into
// an executable page, loads the whole register file, NZCV, FPCR, FPSR and a 256-byte scratch
// buffer from the record, runs the instruction, and writes the resulting state to stdout as a
// record of the same layout. No libc: only read, write, mmap and exit_group.
//
// Record layout (little-endian, REC bytes):
//     0  in: test instruction word (u32) / out: 1 if the instruction branched to +8, else 0
//     8  NZCV      16 FPCR      24 FPSR
//    32  X0..X30 (31 x 8)      280 SP
//   288  V0..V31 (32 x 16)
//   800  scratch buffer (256 bytes; its address is `scratch` below, fixed by the link)
//
// Before the first record the harness writes a 16-byte header: the address of the test page
// and of the scratch buffer (both fixed by the link, so the same under every emulator).
//
// The test page holds: +0 the instruction, +4 `b ret_fallthrough`, +8 `b ret_taken`.
// TPIDR_EL0 is the one register the harness keeps for itself (it saves X0 on return).

        .equ REC, 1056
        .equ SYS_read, 63
        .equ SYS_write, 64
        .equ SYS_exit_group, 94

        .text
        .globl _start
_start:
        // header: test page and scratch addresses
        adr     x1, outbuf
        adr     x9, test_page
        adr     x10, scratch
        stp     x9, x10, [x1]
        mov     x0, #1
        mov     x2, #16
        mov     x8, #SYS_write
        svc     #0
        cmp     x0, #16
        b.ne    fail
        // +4: b ret_fallthrough, +8: b ret_taken
        adr     x10, ret_fallthrough
        add     x11, x9, #4
        bl      encode_b
        str     w0, [x11]
        adr     x10, ret_taken
        add     x11, x9, #8
        bl      encode_b
        str     w0, [x11]
        mov     x0, sp
        adr     x1, saved_sp
        str     x0, [x1]

next_case:
        // read one record (a pipe may return it in pieces)
        adr     x19, inbuf
        mov     x20, #0
1:      mov     x0, #0
        add     x1, x19, x20
        mov     x2, #REC
        sub     x2, x2, x20
        mov     x8, #SYS_read
        svc     #0
        cmp     x0, #0
        b.lt    fail
        b.eq    eof
        add     x20, x20, x0
        cmp     x20, #REC
        b.lo    1b

        // the instruction, made visible to instruction fetch
        adr     x9, test_page
        ldr     w0, [x19]
        str     w0, [x9]
        dc      cvau, x9
        dsb     ish
        ic      ivau, x9
        dsb     ish
        isb

        // scratch buffer from the record
        add     x0, x19, #800
        adr     x1, scratch
        mov     x2, #256
2:      ldp     x3, x4, [x0], #16
        stp     x3, x4, [x1], #16
        subs    x2, x2, #16
        b.ne    2b

        clrex
        mov     x0, x19
        ldr     x1, [x0, #8]
        msr     nzcv, x1
        ldr     x1, [x0, #16]
        msr     fpcr, x1
        ldr     x1, [x0, #24]
        msr     fpsr, x1
        ldr     x1, [x0, #280]
        mov     sp, x1
        add     x1, x0, #288
        ldp     q0, q1, [x1, #0]
        ldp     q2, q3, [x1, #32]
        ldp     q4, q5, [x1, #64]
        ldp     q6, q7, [x1, #96]
        ldp     q8, q9, [x1, #128]
        ldp     q10, q11, [x1, #160]
        ldp     q12, q13, [x1, #192]
        ldp     q14, q15, [x1, #224]
        ldp     q16, q17, [x1, #256]
        ldp     q18, q19, [x1, #288]
        ldp     q20, q21, [x1, #320]
        ldp     q22, q23, [x1, #352]
        ldp     q24, q25, [x1, #384]
        ldp     q26, q27, [x1, #416]
        ldp     q28, q29, [x1, #448]
        ldp     q30, q31, [x1, #480]
        ldr     x1, [x0, #40]
        ldp     x2, x3, [x0, #48]
        ldp     x4, x5, [x0, #64]
        ldp     x6, x7, [x0, #80]
        ldp     x8, x9, [x0, #96]
        ldp     x10, x11, [x0, #112]
        ldp     x12, x13, [x0, #128]
        ldp     x14, x15, [x0, #144]
        ldp     x16, x17, [x0, #160]
        ldp     x18, x19, [x0, #176]
        ldp     x20, x21, [x0, #192]
        ldp     x22, x23, [x0, #208]
        ldp     x24, x25, [x0, #224]
        ldp     x26, x27, [x0, #240]
        ldp     x28, x29, [x0, #256]
        ldr     x30, [x0, #272]
        ldr     x0, [x0, #32]
        b       test_page

ret_fallthrough:
        msr     tpidr_el0, x0
        adr     x0, outbuf
        str     x1, [x0, #40]
        mov     x1, #0
        b       save
ret_taken:
        msr     tpidr_el0, x0
        adr     x0, outbuf
        str     x1, [x0, #40]
        mov     x1, #1
save:
        str     x1, [x0, #0]
        mrs     x1, nzcv
        str     x1, [x0, #8]
        mrs     x1, fpcr
        str     x1, [x0, #16]
        mrs     x1, fpsr
        str     x1, [x0, #24]
        mov     x1, sp
        str     x1, [x0, #280]
        mrs     x1, tpidr_el0
        str     x1, [x0, #32]
        stp     x2, x3, [x0, #48]
        stp     x4, x5, [x0, #64]
        stp     x6, x7, [x0, #80]
        stp     x8, x9, [x0, #96]
        stp     x10, x11, [x0, #112]
        stp     x12, x13, [x0, #128]
        stp     x14, x15, [x0, #144]
        stp     x16, x17, [x0, #160]
        stp     x18, x19, [x0, #176]
        stp     x20, x21, [x0, #192]
        stp     x22, x23, [x0, #208]
        stp     x24, x25, [x0, #224]
        stp     x26, x27, [x0, #240]
        stp     x28, x29, [x0, #256]
        str     x30, [x0, #272]
        add     x1, x0, #288
        stp     q0, q1, [x1, #0]
        stp     q2, q3, [x1, #32]
        stp     q4, q5, [x1, #64]
        stp     q6, q7, [x1, #96]
        stp     q8, q9, [x1, #128]
        stp     q10, q11, [x1, #160]
        stp     q12, q13, [x1, #192]
        stp     q14, q15, [x1, #224]
        stp     q16, q17, [x1, #256]
        stp     q18, q19, [x1, #288]
        stp     q20, q21, [x1, #320]
        stp     q22, q23, [x1, #352]
        stp     q24, q25, [x1, #384]
        stp     q26, q27, [x1, #416]
        stp     q28, q29, [x1, #448]
        stp     q30, q31, [x1, #480]
        // back to the harness's own stack and FP settings
        adr     x1, saved_sp
        ldr     x1, [x1]
        mov     sp, x1
        msr     fpcr, xzr
        // scratch buffer into the record
        adr     x1, scratch
        add     x2, x0, #800
        mov     x3, #256
3:      ldp     x4, x5, [x1], #16
        stp     x4, x5, [x2], #16
        subs    x3, x3, #16
        b.ne    3b
        // write the record
        mov     x19, x0
        mov     x20, #0
4:      mov     x0, #1
        add     x1, x19, x20
        mov     x2, #REC
        sub     x2, x2, x20
        mov     x8, #SYS_write
        svc     #0
        cmp     x0, #0
        b.le    fail
        add     x20, x20, x0
        cmp     x20, #REC
        b.lo    4b
        b       next_case

eof:    mov     x0, #0
        mov     x8, #SYS_exit_group
        svc     #0
fail:   mov     x0, #1
        mov     x8, #SYS_exit_group
        svc     #0

// w0 = `b` at address x11 to x10 (x10, x11 preserved; x12 clobbered)
encode_b:
        sub     x0, x10, x11
        ubfx    x0, x0, #2, #26
        mov     w12, #0x14000000
        orr     w0, w0, w12
        ret

        // writable and executable: the harness rewrites the first word for every case
        .section .testpage, "awx", %progbits
        .balign 4096
test_page:
        .skip   4096

        .bss
        .balign 64
inbuf:  .skip   REC
        .balign 64
outbuf: .skip   REC
        .balign 256
scratch:
        .skip   256
saved_sp:
        .skip   8
