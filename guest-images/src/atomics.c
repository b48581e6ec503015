// atomics: C11 <stdatomic.h> and __sync builtins, single-threaded. Built with
// the default -march (armv8-a, no LSE) and without outline atomics, so inline
// exclusive LDXR/STXR (LDAXR/STLXR, LDAXP/STLXP) loops are used.
// EGRET-CFLAGS: -mno-outline-atomics
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic int ai = 0;
static _Atomic long al = 0;
static _Atomic unsigned char ab = 250;
static _Atomic unsigned short as = 65530;
static volatile long sl = 0;
static volatile int si = 0;
static volatile uint64_t su64 = 0;
static _Atomic(void *) ap = NULL;

struct pair { uint64_t a, b; };

int main(void) {
    for (int i = 0; i < 1000; i++) {
        atomic_fetch_add(&ai, i);
        atomic_fetch_sub_explicit(&al, i * 3, memory_order_relaxed);
        atomic_fetch_add(&ab, 3);
        atomic_fetch_add(&as, 7);
    }
    printf("fetch_add: ai=%d al=%ld ab=%u as=%u\n", atomic_load(&ai), atomic_load(&al), atomic_load(&ab),
           atomic_load(&as));

    int old = atomic_fetch_or(&ai, 0x10000);
    int old2 = atomic_fetch_and(&ai, 0xffff0fff);
    int old3 = atomic_fetch_xor(&ai, 0x5555);
    printf("or/and/xor: %d %d %d now=%d\n", old, old2, old3, atomic_load(&ai));

    int expected = 12345;
    int ok = atomic_compare_exchange_strong(&ai, &expected, 1);
    printf("cas fail: ok=%d expected=%d\n", ok, expected);
    ok = atomic_compare_exchange_strong(&ai, &expected, 777);
    printf("cas succeed: ok=%d value=%d\n", ok, atomic_load(&ai));
    long e2 = atomic_load(&al);
    int tries = 0;
    while (!atomic_compare_exchange_weak(&al, &e2, e2 * 2 + 1)) tries++;
    printf("weak cas value=%ld\n", atomic_load(&al));

    int prev = atomic_exchange(&ai, -5);
    long prevl = atomic_exchange_explicit(&al, 1L << 40, memory_order_acq_rel);
    printf("exchange prev=%d prevl=%ld now=%d %ld\n", prev, prevl, atomic_load(&ai), atomic_load(&al));

    int x = 42;
    void *pold = atomic_exchange(&ap, &x);
    printf("ptr exchange was-null=%d now-points=%d\n", pold == NULL, *(int *)atomic_load(&ap));

    atomic_flag f = ATOMIC_FLAG_INIT;
    int t1 = atomic_flag_test_and_set(&f);
    int t2 = atomic_flag_test_and_set(&f);
    atomic_flag_clear(&f);
    int t3 = atomic_flag_test_and_set(&f);
    printf("flag: %d %d %d\n", t1, t2, t3);

    atomic_thread_fence(memory_order_seq_cst);
    atomic_signal_fence(memory_order_seq_cst);
    atomic_store_explicit(&ai, 99, memory_order_release);
    printf("load acquire=%d\n", atomic_load_explicit(&ai, memory_order_acquire));

    for (int i = 0; i < 500; i++) {
        __sync_fetch_and_add(&sl, i);
        __sync_add_and_fetch(&si, 2);
        __sync_fetch_and_xor(&su64, (uint64_t)i << (i % 50));
    }
    long v1 = __sync_val_compare_and_swap(&sl, 124750, 5);
    int b1 = __sync_bool_compare_and_swap(&si, 1000, 7);
    int b2 = __sync_bool_compare_and_swap(&si, 1000, 8);
    long lk = __sync_lock_test_and_set(&sl, 11);
    __sync_lock_release(&si);
    __sync_synchronize();
    printf("sync: v1=%ld sl=%ld b1=%d b2=%d si=%d lk=%ld su64=%016llx\n", v1, sl, b1, b2, si, lk,
           (unsigned long long)su64);

    /* 128-bit compare-and-swap with an explicit exclusive-pair loop */
    static _Alignas(16) uint64_t w128[2] = {0, 0};
    uint64_t lo_des = 0x99aabbccddeeff00ULL, hi_des = 0x1122334455667788ULL;
    uint64_t lo_old, hi_old;
    uint32_t fail;
    __asm__ volatile(
        "1: ldaxp %0, %1, [%3]\n\t"
        "   cmp   %0, xzr\n\t"
        "   ccmp  %1, xzr, #0, eq\n\t"
        "   b.ne  2f\n\t"
        "   stlxp %w2, %4, %5, [%3]\n\t"
        "   cbnz  %w2, 1b\n\t"
        "   b     3f\n\t"
        "2: clrex\n\t"
        "   mov   %w2, #1\n\t"
        "3:\n\t"
        : "=&r"(lo_old), "=&r"(hi_old), "=&r"(fail)
        : "r"(w128), "r"(lo_des), "r"(hi_des)
        : "cc", "memory");
    printf("cas128 ok=%d old=%016llx%016llx new hi=%016llx lo=%016llx\n", fail == 0, (unsigned long long)hi_old,
           (unsigned long long)lo_old, (unsigned long long)w128[1], (unsigned long long)w128[0]);
    (void)tries;
    return 0;
}
