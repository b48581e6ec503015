// exitcode: a non-zero exit status must be propagated (exit_group).
#include <stdio.h>

int main(void) {
    printf("exiting with 42\n");
    return 42;
}
