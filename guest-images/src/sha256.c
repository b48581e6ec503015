// sha256: executes a crypto-extension instruction (SHA256H) on the first round
// constants; the output must match qemu-aarch64's.
// (The instruction is emitted with .inst, so no special -march is needed.)
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    printf("before\n");
    fflush(stdout);
    uint32_t a[4] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a};
    uint32_t b[4] = {0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint32_t c[4] = {0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5};
    uint32_t out[4];
    __asm__ volatile(
        "ld1 {v0.4s}, [%1]\n\t"
        "ld1 {v1.4s}, [%2]\n\t"
        "ld1 {v2.4s}, [%3]\n\t"
        ".inst 0x5e024020\n\t" /* sha256h q0, q1, v2.4s */
        "st1 {v0.4s}, [%0]\n\t"
        :
        : "r"(out), "r"(a), "r"(b), "r"(c)
        : "v0", "v1", "v2", "memory");
    printf("sha256h: %08x %08x %08x %08x\n", out[0], out[1], out[2], out[3]);
    return 0;
}
