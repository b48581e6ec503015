// badjump: an indirect branch to an unmapped address must kill the process with SIGSEGV.
#include <stdint.h>
#include <stdio.h>

typedef int (*fn_t)(int);

int main(void) {
    printf("before\n");
    fflush(stdout);
    volatile uintptr_t addr = 0xdead0000u;
    fn_t f = (fn_t)addr;
    int r = f(1);
    printf("after %d\n", r); /* never reached */
    return 0;
}
