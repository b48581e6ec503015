// strings: glibc string/memory routines (which use SIMD-heavy ifunc variants)
// exercised at many lengths and alignments, plus snprintf formatting.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUFSZ 512

static uint32_t hash_update(uint32_t h, const void *p, size_t n) {
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 16777619u;
    return h;
}

static uint32_t hash_int(uint32_t h, long v) { return hash_update(h, &v, sizeof v); }

static int sign(int v) { return v < 0 ? -1 : v > 0 ? 1 : 0; }

static unsigned char src[BUFSZ + 64], dst[BUFSZ + 64], big[BUFSZ * 2 + 64];

static void fill(unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)('a' + (seed >> 16) % 26);
    }
}

static const volatile size_t lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33,
                              47, 48, 63, 64, 65, 95, 96, 127, 128, 129, 200, 255, 256, 300, 400};
#define NLENS (sizeof lens / sizeof lens[0])

static void test_strlen(void) {
    uint32_t h = 2166136261u;
    for (size_t a = 0; a < 16; a++)
        for (size_t li = 0; li < NLENS; li++) {
            size_t n = lens[li];
            char *s = (char *)src + a;
            memset(src, 'x', sizeof src);
            s[n] = 0;
            h = hash_int(h, (long)strlen(s));
            h = hash_int(h, (long)strnlen(s, n / 2));
            h = hash_int(h, (long)strnlen(s, n + 5));
        }
    printf("strlen/strnlen: %08x\n", h);
}

static void test_memcpy_memset(void) {
    uint32_t h = 2166136261u;
    for (size_t sa = 0; sa < 8; sa++)
        for (size_t da = 0; da < 8; da++)
            for (size_t li = 0; li < NLENS; li++) {
                size_t n = lens[li];
                if (n > BUFSZ) break; /* never true; keeps -Wstringop-overflow quiet */
                fill(src, sizeof src, (unsigned)(sa * 131 + da * 7 + n));
                memset(dst, 0x55, sizeof dst);
                memcpy(dst + da, src + sa, n);
                h = hash_update(h, dst, n + 16);
                memset(dst + sa, (int)(n & 0xff), n);
                h = hash_update(h, dst, n + 16);
            }
    printf("memcpy/memset: %08x\n", h);
}

static void test_memmove(void) {
    uint32_t h = 2166136261u;
    for (size_t off = 0; off < 40; off += 3)
        for (size_t li = 0; li < NLENS; li++) {
            size_t n = lens[li];
            fill(big, sizeof big, (unsigned)(off + n));
            memmove(big + off, big + 17, n); /* overlapping either direction */
            h = hash_update(h, big, n + 64);
            fill(big, sizeof big, (unsigned)(off * 3 + n));
            memmove(big + 17, big + off, n);
            h = hash_update(h, big, n + 64);
        }
    printf("memmove: %08x\n", h);
}

static void test_compare(void) {
    uint32_t h = 2166136261u;
    for (size_t a = 0; a < 8; a++)
        for (size_t li = 1; li < NLENS; li++) {
            size_t n = lens[li];
            fill(src, sizeof src, (unsigned)n);
            memcpy(dst + a, src, n);
            src[n] = 0;
            dst[a + n] = 0;
            h = hash_int(h, sign(memcmp(src, dst + a, n)));
            h = hash_int(h, sign(strcmp((char *)src, (char *)dst + a)));
            /* introduce a difference at various positions */
            for (size_t pos = 0; pos < n; pos += (n / 5) + 1) {
                unsigned char saved = dst[a + pos];
                dst[a + pos] = (unsigned char)(saved + (pos & 1 ? 1 : -1));
                h = hash_int(h, sign(memcmp(src, dst + a, n)));
                h = hash_int(h, sign(strcmp((char *)src, (char *)dst + a)));
                h = hash_int(h, sign(strncmp((char *)src, (char *)dst + a, pos)));
                h = hash_int(h, sign(strncmp((char *)src, (char *)dst + a, pos + 1)));
                dst[a + pos] = saved;
            }
        }
    printf("memcmp/strcmp/strncmp: %08x\n", h);
    printf("strcmp samples: %d %d %d %d\n", sign(strcmp("abc", "abd")), sign(strcmp("abc", "abc")),
           sign(strcmp("b", "abc")), sign(strcmp("", "a")));
}

static void test_search(void) {
    uint32_t h = 2166136261u;
    for (size_t a = 0; a < 16; a++)
        for (size_t li = 1; li < NLENS; li++) {
            size_t n = lens[li];
            char *s = (char *)src + a;
            memset(src, 'a', sizeof src);
            s[n] = 0;
            s[n / 2] = 'Q';
            s[n / 3] = 'Q';
            const char *p = strchr(s, 'Q');
            h = hash_int(h, p ? p - s : -1);
            p = strrchr(s, 'Q');
            h = hash_int(h, p ? p - s : -1);
            p = strchr(s, 'Z');
            h = hash_int(h, p ? p - s : -1);
            p = strchr(s, 0);
            h = hash_int(h, p ? p - s : -1);
            const void *m = memchr(s, 'Q', n);
            h = hash_int(h, m ? (const char *)m - s : -1);
            m = memchr(s, 'Z', n);
            h = hash_int(h, m ? (const char *)m - s : -1);
            if (n > 4) {
                s[n - 3] = 'x';
                s[n - 2] = 'y';
                s[n - 1] = 'z';
            }
            p = strstr(s, "xyz");
            h = hash_int(h, p ? p - s : -1);
            p = strstr(s, "aQa");
            h = hash_int(h, p ? p - s : -1);
            p = strstr(s, "nope");
            h = hash_int(h, p ? p - s : -1);
        }
    printf("strchr/strrchr/memchr/strstr: %08x\n", h);
    const char *hay = "the quick brown fox jumps over the lazy dog";
    printf("strstr(fox)=%ld strrchr(o)=%ld strchr(z)=%ld\n", (long)(strstr(hay, "fox") - hay),
           (long)(strrchr(hay, 'o') - hay), (long)(strchr(hay, 'z') - hay));
}

static void test_copy_cat(void) {
    char buf[256];
    uint32_t h = 2166136261u;
    for (size_t a = 0; a < 8; a++)
        for (size_t li = 0; li < NLENS && lens[li] < 100; li++) {
            size_t n = lens[li];
            memset(src, 'k', sizeof src);
            src[a + n] = 0;
            strcpy(buf, (char *)src + a);
            strcat(buf, "-tail");
            h = hash_update(h, buf, strlen(buf) + 1);
            char *d = strdup(buf);
            h = hash_int(h, (long)strlen(d));
            h = hash_int(h, strcmp(d, buf) == 0);
            free(d);
        }
    printf("strcpy/strcat/strdup: %08x\n", h);
    strcpy(buf, "alpha");
    strcat(buf, ",");
    strcat(buf, "beta");
    strncat(buf, ",gamma-delta", 6);
    printf("concat: %s (%zu)\n", buf, strlen(buf));
}

static void test_snprintf(void) {
    char buf[128];
    int n;
    n = snprintf(buf, sizeof buf, "[%d|%5d|%-5d|%05d|%+d]", 42, -42, 7, 99, 3);
    printf("%s n=%d\n", buf, n);
    n = snprintf(buf, sizeof buf, "[%x|%X|%#x|%08x|%o]", 0xdeadbeefu, 0xabcu, 255u, 0x1234u, 8u);
    printf("%s n=%d\n", buf, n);
    n = snprintf(buf, sizeof buf, "[%s|%10s|%-10s|%.3s|%c%c]", "str", "right", "left", "truncate", 'o', 'k');
    printf("%s n=%d\n", buf, n);
    n = snprintf(buf, sizeof buf, "[%ld|%lu|%lld|%llu|%lx]", -1234567890123L, 18446744073709551615UL,
                 (long long)-9223372036854775807LL - 1, 12345678901234567890ULL, 0x123456789abcdefUL);
    printf("%s n=%d\n", buf, n);
    n = snprintf(buf, 10, "%s", "this does not fit");
    printf("[%s] n=%d\n", buf, n);
    n = snprintf(buf, sizeof buf, "%hhd %hd %zu %%", (signed char)200, (short)70000, (size_t)4096);
    printf("%s n=%d\n", buf, n);
    uint32_t h = 2166136261u;
    for (int i = -500; i < 500; i += 7) {
        n = snprintf(buf, sizeof buf, "%d:%x:%08o:%s", i * 1237, (unsigned)i * 2654435761u, (unsigned)(i & 0777),
                     i & 1 ? "odd" : "even");
        h = hash_update(h, buf, (size_t)n);
    }
    printf("snprintf loop: %08x\n", h);
    int v = atoi("  -12345xyz");
    long l = strtol("0x7fffffff", NULL, 16);
    unsigned long ul = strtoul("777", NULL, 8);
    printf("atoi=%d strtol=%ld strtoul=%lu\n", v, l, ul);
}

int main(void) {
    test_strlen();
    test_memcpy_memset();
    test_memmove();
    test_compare();
    test_search();
    test_copy_cat();
    test_snprintf();
    return 0;
}
