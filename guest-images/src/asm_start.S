// asm_start: freestanding program with its own _start (no libc).
// write(1, msg, len) then exit(7).
    .text
    .globl _start
    .type _start, %function
_start:
    mov     x0, #1
    adr     x1, msg
    mov     x2, #(msg_end - msg)
    mov     x8, #64             // __NR_write
    svc     #0
    mov     x0, #7
    mov     x8, #93             // __NR_exit
    svc     #0
    b       .                   // not reached
    .size _start, . - _start

    .section .rodata
msg:
    .ascii  "hello from asm\n"
msg_end:
