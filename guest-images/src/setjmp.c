// setjmp: setjmp/longjmp across several frames, deep recursion (Ackermann),
// variadic functions, and callee-saved register preservation.
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env;
static int depth_reached;

__attribute__((noinline)) static void level3(int n) {
    depth_reached = 3;
    if (n > 0) longjmp(env, n);
}
__attribute__((noinline)) static void level2(int n) {
    volatile char pad[100];
    memset((char *)pad, n, sizeof pad);
    level3(n);
    depth_reached = -2;
}
__attribute__((noinline)) static void level1(int n) {
    level2(n + 1);
    depth_reached = -1;
}

__attribute__((noinline)) static unsigned long ackermann(unsigned long m, unsigned long n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

__attribute__((noinline)) static long sum_ints(int count, ...) {
    va_list ap;
    va_start(ap, count);
    long s = 0;
    for (int i = 0; i < count; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}

__attribute__((noinline)) static double mixed(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    double total = 0;
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': total += va_arg(ap, int); break;
        case 'l': total += (double)va_arg(ap, long); break;
        case 'd': total += va_arg(ap, double); break;
        case 's': total += (double)strlen(va_arg(ap, const char *)); break;
        }
    }
    va_end(ap);
    return total;
}

__attribute__((noinline)) static int my_printf(const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printf("[my_printf] %s", buf);
    return n;
}

static sigjmp_buf senv;

int main(void) {
    volatile int count = 0;
    volatile long keep = 0x1234567890L;
    int r = setjmp(env);
    printf("setjmp returned %d (count=%d)\n", r, count);
    if (count < 4) {
        count++;
        keep += r;
        level1(count * 10);
    }
    printf("after longjmps: count=%d depth=%d keep=%lx\n", count, depth_reached, keep);

    /* longjmp with value 0 becomes 1 */
    if ((r = setjmp(env)) == 0) longjmp(env, 0);
    printf("longjmp(0) -> %d\n", r);

    if ((r = sigsetjmp(senv, 1)) == 0) siglongjmp(senv, 5);
    printf("siglongjmp -> %d\n", r);

    for (unsigned long m = 0; m <= 2; m++)
        for (unsigned long n = 0; n <= 4; n++) printf("A(%lu,%lu)=%lu ", m, n, ackermann(m, n));
    printf("\nA(3,3)=%lu A(3,4)=%lu\n", ackermann(3, 3), ackermann(3, 4));

    printf("sum_ints=%ld %ld %ld\n", sum_ints(0), sum_ints(3, 1, 2, 3),
           sum_ints(12, 1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, 1000));
    printf("mixed=%.3f\n", mixed("idlsdiiddddddddd", 1, 2.5, 1000000000000L, "hello", 0.25, 2, 3, 1.0, 2.0, 3.0, 4.0,
                                 5.0, 6.0, 7.0, 8.0, 9.0));
    int n = my_printf("%s-%d-%c-%.2f-%lx\n", "va", -17, 'Z', 3.14159, 0xabcdefUL);
    printf("my_printf returned %d\n", n);
    return 0;
}
