// segv: a load from an unmapped low address must kill the process with SIGSEGV.
#include <stdio.h>

int main(void) {
    printf("before\n");
    fflush(stdout);
    volatile int *p = (volatile int *)0x10;
    int v = *p;
    printf("after %d\n", v); /* never reached */
    return 0;
}
