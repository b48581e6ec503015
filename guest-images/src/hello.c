// hello: argc/argv/envp plumbing and basic stdio.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("hello, world\n");
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    const char *v = getenv("EGRET_TEST");
    printf("EGRET_TEST=%s\n", v ? v : "(unset)");
    return 0;
}
