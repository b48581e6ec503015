// bits: count-leading/trailing-zeros, popcount, byte swaps, bit reverse,
// 128-bit arithmetic, signed/unsigned division (incl. negatives, by zero and
// INT64_MIN/-1 via raw udiv/sdiv), rotates, bit-fields, wrapping arithmetic,
// extensions, conditional selects and flag-setting arithmetic.
#include <stdint.h>
#include <stdio.h>

static volatile uint64_t vals[] = {0, 1, 2, 3, 0x80, 0xff, 0x100, 0x7fffffff, 0x80000000u, 0xffffffffu,
                                   0x100000000ULL, 0x123456789abcdef0ULL, 0x8000000000000000ULL,
                                   0xffffffffffffffffULL, 0x00f0f0f0f0f0f0f0ULL, 0xdeadbeefcafebabeULL};
#define NV (sizeof vals / sizeof vals[0])

struct packed {
    unsigned a : 3;
    signed b : 5;
    unsigned c : 12;
    unsigned d : 1;
    signed e : 11;
    uint64_t f : 40;
    int64_t g : 24;
};

static inline uint64_t rotl64(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> ((64 - r) & 63)); }
static inline uint32_t rotr32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((32 - r) & 31)); }

static uint64_t raw_udiv(uint64_t a, uint64_t b) {
    uint64_t r;
    __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
static int64_t raw_sdiv(int64_t a, int64_t b) {
    int64_t r;
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
static uint32_t raw_udiv32(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm__ volatile("udiv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
static int32_t raw_sdiv32(int32_t a, int32_t b) {
    int32_t r;
    __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
static uint64_t raw_rbit(uint64_t a) {
    uint64_t r;
    __asm__ volatile("rbit %0, %1" : "=r"(r) : "r"(a));
    return r;
}
static uint64_t raw_rev16(uint64_t a) {
    uint64_t r;
    __asm__ volatile("rev16 %0, %1" : "=r"(r) : "r"(a));
    return r;
}
static uint64_t raw_cls(uint64_t a) {
    uint64_t r;
    __asm__ volatile("cls %0, %1" : "=r"(r) : "r"(a));
    return r;
}

static void counts(void) {
    for (unsigned i = 0; i < NV; i++) {
        uint64_t v = vals[i];
        uint32_t w = (uint32_t)v;
        printf("v=%016llx clz=%d ctz=%d pop=%d clz32=%d ctz32=%d pop32=%d clrsb=%d cls=%llu\n",
               (unsigned long long)v, v ? __builtin_clzll(v) : 64, v ? __builtin_ctzll(v) : 64,
               __builtin_popcountll(v), w ? __builtin_clz(w) : 32, w ? __builtin_ctz(w) : 32, __builtin_popcount(w),
               __builtin_clrsbll((long long)v), (unsigned long long)raw_cls(v));
        printf("  bswap64=%016llx bswap32=%08x bswap16=%04x rbit=%016llx rev16=%016llx\n",
               (unsigned long long)__builtin_bswap64(v), __builtin_bswap32(w), __builtin_bswap16((uint16_t)w),
               (unsigned long long)raw_rbit(v), (unsigned long long)raw_rev16(v));
    }
}

static void wide(void) {
    for (unsigned i = 9; i < NV; i++) {
        unsigned __int128 a = vals[i], b = vals[i - 3];
        unsigned __int128 p = a * b;
        __int128 sp = (__int128)(int64_t)vals[i] * (int64_t)vals[i - 5];
        printf("u128 mul hi=%016llx lo=%016llx  s128 mul hi=%016llx lo=%016llx\n", (unsigned long long)(p >> 64),
               (unsigned long long)p, (unsigned long long)((unsigned __int128)sp >> 64), (unsigned long long)sp);
        unsigned __int128 big = (p << 7) | 12345;
        uint64_t d = vals[i - 2] | 1;
        unsigned __int128 q = big / d, r = big % d;
        printf("u128 div q=%016llx%016llx r=%016llx\n", (unsigned long long)(q >> 64), (unsigned long long)q,
               (unsigned long long)r);
        __int128 sbig = -(__int128)big;
        __int128 sq = sbig / (int64_t)(d | 0x10);
        __int128 sr = sbig % (int64_t)(d | 0x10);
        printf("s128 div q=%016llx%016llx r=%lld\n", (unsigned long long)((unsigned __int128)sq >> 64),
               (unsigned long long)sq, (long long)sr);
    }
    uint64_t hi = (uint64_t)(((unsigned __int128)vals[13] * vals[15]) >> 64);
    int64_t shi = (int64_t)(((__int128)(int64_t)vals[13] * (int64_t)vals[15]) >> 64);
    printf("umulh=%016llx smulh=%016llx\n", (unsigned long long)hi, (unsigned long long)shi);
}

static void division(void) {
    static volatile int64_t sn[] = {100, -100, 7, -7, 0, INT64_MAX, INT64_MIN, 1};
    static volatile int64_t sd[] = {3, -3, 7, -1, 1, 16, -16, 1000000007};
    for (unsigned i = 0; i < 8; i++)
        for (unsigned j = 0; j < 8; j++) {
            int64_t n = sn[i], d = sd[j];
            if (n == INT64_MIN && d == -1) continue;
            printf("%lld/%lld=%lld r%lld ", (long long)n, (long long)d, (long long)(n / d), (long long)(n % d));
        }
    printf("\n");
    static volatile int32_t s32n[] = {100, -100, INT32_MIN, INT32_MAX, -1};
    static volatile int32_t s32d[] = {3, -3, 2, -2, 7};
    for (unsigned i = 0; i < 5; i++)
        for (unsigned j = 0; j < 5; j++) printf("%d/%d=%d r%d ", s32n[i], s32d[j], s32n[i] / s32d[j], s32n[i] % s32d[j]);
    printf("\n");
    for (unsigned i = 0; i < NV; i++) {
        uint64_t n = vals[i];
        printf("u %llu /3=%llu %%10=%llu /0x100000001=%llu u32/7=%u\n", (unsigned long long)n,
               (unsigned long long)(n / 3), (unsigned long long)(n % 10), (unsigned long long)(n / 0x100000001ULL),
               (uint32_t)n / 7u);
    }
    printf("raw udiv x/0=%llu sdiv x/0=%lld udiv32 x/0=%u sdiv32 x/0=%d\n", (unsigned long long)raw_udiv(12345, 0),
           (long long)raw_sdiv(-12345, 0), raw_udiv32(77, 0), raw_sdiv32(-77, 0));
    printf("raw sdiv INT64_MIN/-1=%lld sdiv32 INT32_MIN/-1=%d\n", (long long)raw_sdiv(INT64_MIN, -1),
           raw_sdiv32(INT32_MIN, -1));
    printf("raw udiv max/3=%llu sdiv -7/2=%lld\n", (unsigned long long)raw_udiv(UINT64_MAX, 3),
           (long long)raw_sdiv(-7, 2));
}

static void rotates_shifts(void) {
    uint64_t x = vals[15];
    uint32_t y = (uint32_t)vals[11];
    for (unsigned r = 0; r < 64; r += 7)
        printf("rotl64(%u)=%016llx rotr32(%u)=%08x\n", r, (unsigned long long)rotl64(x, r), r, rotr32(y, r));
    volatile unsigned sh = 67; /* shifts by register use amount mod width */
    uint64_t lsl, lsr;
    int64_t asr;
    uint32_t lsl32;
    __asm__ volatile("lsl %0, %1, %2" : "=r"(lsl) : "r"(x), "r"((uint64_t)sh));
    __asm__ volatile("lsr %0, %1, %2" : "=r"(lsr) : "r"(x), "r"((uint64_t)sh));
    __asm__ volatile("asr %0, %1, %2" : "=r"(asr) : "r"(x), "r"((uint64_t)sh));
    __asm__ volatile("lsl %w0, %w1, %w2" : "=r"(lsl32) : "r"(y), "r"((uint32_t)sh));
    printf("reg shifts by 67: lsl=%016llx lsr=%016llx asr=%016llx lsl32=%08x\n", (unsigned long long)lsl,
           (unsigned long long)lsr, (unsigned long long)asr, lsl32);
    int64_t neg = (int64_t)vals[15];
    printf("asr=%lld lsr=%llu sext8=%d sext16=%d sext32=%lld zext8=%u\n", (long long)(neg >> 13),
           (unsigned long long)((uint64_t)neg >> 13), (int)(int8_t)neg, (int)(int16_t)neg, (long long)(int32_t)neg,
           (unsigned)(uint8_t)neg);
}

static void bitfields(void) {
    struct packed p = {0};
    uint64_t acc = 0;
    for (int i = 0; i < 100; i++) {
        p.a = (unsigned)i;
        p.b = i - 50;
        p.c += (unsigned)i * 77;
        p.d ^= 1;
        p.e = i * -13;
        p.f += 0x123456789ULL * (uint64_t)i;
        p.g -= i * 99991;
        acc = acc * 31 + p.a + (uint64_t)(int64_t)p.b + p.c + p.d + (uint64_t)(int64_t)p.e + p.f + (uint64_t)p.g;
    }
    printf("bitfields a=%u b=%d c=%u d=%u e=%d f=%llx g=%lld acc=%016llx\n", p.a, p.b, p.c, p.d, p.e,
           (unsigned long long)p.f, (long long)p.g, (unsigned long long)acc);
    /* ubfx/sbfx/bfi patterns */
    uint64_t v = vals[15];
    uint64_t ins = (v & ~(0xffULL << 20)) | ((vals[5] & 0xff) << 20);
    printf("extract=%llx sextract=%lld insert=%016llx\n", (unsigned long long)((v >> 17) & 0x3ff),
           (long long)((int64_t)(v << 30) >> 50), (unsigned long long)ins);
}

static void wrapping(void) {
    uint32_t u = 0xfffffff0u;
    uint64_t U = 0xfffffffffffffff0ULL;
    uint32_t acc32 = 0;
    uint64_t acc64 = 0;
    for (int i = 0; i < 40; i++) {
        u += 1;
        U += 1;
        acc32 += u * 0x9e3779b9u;
        acc64 ^= U * 0x9e3779b97f4a7c15ULL;
    }
    printf("wrap u=%u U=%llu acc32=%08x acc64=%016llx\n", u, (unsigned long long)U, acc32, (unsigned long long)acc64);
    uint64_t sum, carry = 0;
    carry = __builtin_add_overflow(vals[13], vals[1], &sum);
    uint64_t diff;
    int borrow = __builtin_sub_overflow(vals[0], vals[1], &diff);
    int64_t sres;
    int sovf = __builtin_mul_overflow((int64_t)vals[11], (int64_t)8, &sres);
    int32_t s32;
    int ovf32 = __builtin_add_overflow((int32_t)vals[7], 1, &s32);
    printf("add ovf=%llu sum=%llu sub borrow=%d diff=%llx mul ovf=%d res=%lld add32 ovf=%d res=%d\n",
           (unsigned long long)carry, (unsigned long long)sum, borrow, (unsigned long long)diff, sovf,
           (long long)sres, ovf32, s32);
    /* conditional selects / compares */
    long cs = 0;
    for (unsigned i = 0; i < NV; i++) {
        int64_t a = (int64_t)vals[i], b = (int64_t)vals[NV - 1 - i];
        cs += (a < b) + 2 * ((uint64_t)a < (uint64_t)b) + 4 * (a == b) + (a > b ? a & 7 : -(b & 3));
        cs += ((uint32_t)a >= (uint32_t)b) ? 100 : -100;
    }
    printf("cond sum=%ld\n", cs);
    /* multiply-add/sub, widening 32x32->64 */
    int32_t m1 = (int32_t)vals[15], m2 = (int32_t)vals[11];
    uint32_t um1 = (uint32_t)vals[15], um2 = (uint32_t)vals[11];
    printf("smull=%lld umull=%llu madd=%llu msub=%lld mneg=%lld\n", (long long)m1 * m2,
           (unsigned long long)um1 * um2, (unsigned long long)(vals[11] * vals[14] + vals[15]),
           (long long)((int64_t)vals[15] - (int64_t)vals[11] * (int64_t)vals[3]),
           (long long)-((int64_t)vals[11] * (int64_t)vals[7]));
}

int main(void) {
    counts();
    wide();
    division();
    rotates_shifts();
    bitfields();
    wrapping();
    return 0;
}
