// sort: qsort/bsearch with comparators (indirect calls), function-pointer
// tables and a dense switch (jump table).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t lcg_state = 12345;
static uint32_t lcg(void) {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_xor(int a, int b) { return a ^ b; }
static int op_max(int a, int b) { return a > b ? a : b; }
static int (*const ops[])(int, int) = {op_add, op_sub, op_mul, op_xor, op_max};

__attribute__((noinline)) static int dense_switch(int k, int v) {
    switch (k) {
    case 0: return v + 1;
    case 1: return v * 3;
    case 2: return v - 17;
    case 3: return v ^ 0x5a5a;
    case 4: return v << 2;
    case 5: return v >> 1;
    case 6: return ~v;
    case 7: return v * v;
    case 8: return v / 7;
    case 9: return v % 13;
    case 10: return v & 0xff;
    case 11: return v | 0x100;
    case 12: return -v;
    case 13: return v + 1000;
    case 14: return v * 11 + 3;
    case 15: return v == 0;
    default: return 0;
    }
}

#define N 3000
#define NS 500

int main(void) {
    static int a[N];
    for (int i = 0; i < N; i++) a[i] = (int)(lcg() % 100000) - 50000;
    qsort(a, N, sizeof a[0], cmp_int);
    int sorted = 1;
    long sum = 0;
    for (int i = 0; i < N; i++) {
        if (i && a[i - 1] > a[i]) sorted = 0;
        sum += (long)a[i] * (i + 1);
    }
    printf("ints sorted=%d min=%d max=%d median=%d wsum=%ld\n", sorted, a[0], a[N - 1], a[N / 2], sum);
    int found = 0, missing = 0;
    for (int k = -50000; k < 50000; k += 97) {
        int *p = bsearch(&k, a, N, sizeof a[0], cmp_int);
        if (p) found++; else missing++;
    }
    printf("bsearch found=%d missing=%d\n", found, missing);
    qsort(a, N, sizeof a[0], cmp_int_desc);
    printf("desc first=%d last=%d\n", a[0], a[N - 1]);

    static char storage[NS][16];
    static char *strs[NS];
    for (int i = 0; i < NS; i++) {
        int len = 3 + (int)(lcg() % 10);
        for (int j = 0; j < len; j++) storage[i][j] = (char)('a' + lcg() % 26);
        storage[i][len] = 0;
        strs[i] = storage[i];
    }
    qsort(strs, NS, sizeof strs[0], cmp_str);
    int ssorted = 1;
    unsigned h = 0;
    for (int i = 0; i < NS; i++) {
        if (i && strcmp(strs[i - 1], strs[i]) > 0) ssorted = 0;
        for (const char *c = strs[i]; *c; c++) h = h * 131 + (unsigned char)*c;
    }
    printf("strings sorted=%d first=%s last=%s hash=%08x\n", ssorted, strs[0], strs[NS - 1], h);
    char *key = storage[123];
    char **hit = bsearch(&key, strs, NS, sizeof strs[0], cmp_str);
    printf("bsearch string %s -> %s\n", key, hit ? *hit : "(none)");

    int acc = 1;
    for (int i = 0; i < 1000; i++) acc = ops[i % 5](acc, i) & 0xffffff;
    printf("fnptr acc=%d\n", acc);

    long sw = 0;
    for (int i = 0; i < 5000; i++) sw += dense_switch(i % 18, i);
    printf("switch sum=%ld\n", sw);
    return 0;
}
