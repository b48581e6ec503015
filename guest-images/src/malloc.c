// malloc: heap allocator paths (brk and mmap), calloc zeroing, realloc growth,
// a linked list, and freeing everything.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    struct node *next;
    long value;
    char tag[24];
};

int main(void) {
    /* many small/medium sizes */
    static void *ptrs[400];
    unsigned long sum = 0;
    for (int i = 0; i < 400; i++) {
        size_t sz = (size_t)(i * 37 % 1000) + 1;
        unsigned char *p = malloc(sz);
        if (!p) { printf("malloc failed\n"); return 1; }
        for (size_t j = 0; j < sz; j++) p[j] = (unsigned char)(i + j);
        ptrs[i] = p;
    }
    for (int i = 0; i < 400; i++) {
        size_t sz = (size_t)(i * 37 % 1000) + 1;
        unsigned char *p = ptrs[i];
        for (size_t j = 0; j < sz; j++) sum += p[j];
        if (i % 2) { free(p); ptrs[i] = NULL; }
    }
    printf("small sum=%lu\n", sum);
    for (int i = 0; i < 400; i += 2) free(ptrs[i]);

    /* calloc must return zeroed memory, including reused chunks */
    unsigned long zsum = 0;
    for (int i = 1; i <= 50; i++) {
        unsigned char *p = calloc((size_t)i, 97);
        for (int j = 0; j < i * 97; j++) zsum += p[j];
        memset(p, 0xff, (size_t)i * 97);
        free(p);
    }
    printf("calloc nonzero bytes=%lu\n", zsum);

    /* large allocations: mmap path */
    unsigned long bsum = 0;
    for (int k = 1; k <= 4; k++) {
        size_t sz = (size_t)k * (1u << 20) + 12345;
        unsigned char *p = malloc(sz);
        if (!p) { printf("big malloc failed\n"); return 1; }
        for (size_t j = 0; j < sz; j += 4096) p[j] = (unsigned char)(j >> 12);
        p[sz - 1] = 0x7f;
        for (size_t j = 0; j < sz; j += 4096) bsum += p[j];
        bsum += p[sz - 1];
        free(p);
    }
    unsigned char *z = calloc(3u << 20, 1);
    unsigned long zz = 0;
    for (size_t j = 0; j < (3u << 20); j += 1000) zz += z[j];
    free(z);
    printf("big sum=%lu big calloc sum=%lu\n", bsum, zz);

    /* realloc growth and shrink, contents preserved */
    int *arr = NULL;
    size_t cap = 0;
    long rsum = 0;
    for (int i = 0; i < 100000; i++) {
        if ((size_t)i == cap) {
            cap = cap ? cap * 2 : 4;
            arr = realloc(arr, cap * sizeof *arr);
        }
        arr[i] = i * 3 - 7;
    }
    arr = realloc(arr, 1000 * sizeof *arr);
    for (int i = 0; i < 1000; i++) rsum += arr[i];
    free(arr);
    printf("realloc cap=%zu sum=%ld\n", cap, rsum);

    /* linked list */
    struct node *head = NULL;
    for (long i = 0; i < 5000; i++) {
        struct node *n = malloc(sizeof *n);
        n->value = i * i % 1009;
        snprintf(n->tag, sizeof n->tag, "n%ld", i);
        n->next = head;
        head = n;
    }
    long lsum = 0, count = 0;
    size_t taglen = 0;
    for (struct node *n = head; n; n = n->next) {
        lsum += n->value;
        taglen += strlen(n->tag);
        count++;
    }
    /* reverse it, then free */
    struct node *prev = NULL;
    while (head) {
        struct node *nx = head->next;
        head->next = prev;
        prev = head;
        head = nx;
    }
    printf("list count=%ld sum=%ld taglen=%zu first=%s\n", count, lsum, taglen, prev->tag);
    while (prev) {
        struct node *nx = prev->next;
        free(prev);
        prev = nx;
    }

    /* aligned allocation */
    void *al = NULL;
    int rc = posix_memalign(&al, 4096, 10000);
    printf("posix_memalign rc=%d aligned=%d\n", rc, al && ((uintptr_t)al % 4096) == 0);
    free(al);
    printf("done\n");
    return 0;
}
