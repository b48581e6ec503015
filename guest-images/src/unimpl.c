// unimpl: executes an instruction egret does not implement (SM3PARTW1, from the
// optional SM3 extension, which egret does not advertise). qemu runs it; egret is
// expected to print the output so far, then report an "unimplemented instruction"
// error and exit with status 125.
// (The instruction is emitted with .inst, so no special -march is needed.)
#include <stdint.h>
#include <stdio.h>

int main(void) {
    printf("before\n");
    fflush(stdout);
    uint32_t a[4] = {1, 2, 3, 4};
    uint32_t out[4];
    __asm__ volatile(
        "ld1 {v0.4s}, [%1]\n\t"
        "mov v1.16b, v0.16b\n\t"
        ".inst 0xce60c020\n\t" /* sm3partw1 v0.4s, v1.4s, v0.4s */
        "st1 {v0.4s}, [%0]\n\t"
        :
        : "r"(out), "r"(a)
        : "v0", "v1", "memory");
    printf("sm3partw1: %08x %08x %08x %08x\n", out[0], out[1], out[2], out[3]);
    return 0;
}
