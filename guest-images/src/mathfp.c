// mathfp: scalar double/float arithmetic, fused multiply-add, rounding,
// conversions (signed/unsigned, 32/64-bit, saturating), comparisons, printf of FP.
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

/* volatile sinks/sources stop constant folding so the FP instructions execute */
static volatile double vd[] = {0.0, -0.0, 1.0, -1.5, 2.5, 3.5, -2.5, 0.1, 1e300, -1e-300,
                               123456789.987654321, 4294967296.5, -9.2e18, 1.8e19, 3e19, 1e-310};
static volatile float vf[] = {0.0f, -0.0f, 1.0f, -1.5f, 2.5f, 3.5f, -2.5f, 0.1f, 3.4e38f, 1e-40f,
                              16777217.0f, 4294967296.0f, -3e9f, 2.1e9f, 5e9f, 0.3333333f};
#define ND (sizeof vd / sizeof vd[0])
#define NF (sizeof vf / sizeof vf[0])

static void arith(void) {
    double a = vd[7], b = vd[10];
    printf("d add=%.17g sub=%.17g mul=%.17g div=%.17g\n", a + b, a - b, a * b, a / b);
    printf("d neg=%.17g fabs=%.17g sqrt=%.17g\n", -b, fabs(vd[3]), sqrt(b));
    float x = vf[7], y = vf[15];
    printf("f add=%.9g sub=%.9g mul=%.9g div=%.9g\n", x + y, x - y, x * y, x / y);
    printf("f neg=%.9g fabsf=%.9g sqrtf=%.9g\n", -y, fabsf(vf[3]), sqrtf(vf[5]));
    printf("fma=%.17g fmaf=%.9g\n", fma(vd[7], vd[10], vd[3]), fmaf(vf[7], vf[15], vf[3]));
    printf("fms=%.17g fnma=%.17g\n", fma(-vd[7], vd[10], vd[3]), -fma(vd[7], vd[10], vd[3]));
    printf("exact fma residue=%.17g\n", fma(0.1, 10.0, -1.0));
    printf("min=%g max=%g fmin=%g fmax=%g\n", vd[3] < vd[4] ? vd[3] : vd[4], vd[3] > vd[4] ? vd[3] : vd[4],
           fmin(vd[3], vd[4]), fmax(vd[3], vd[4]));
    printf("div by zero=%g %g, 0/0 isnan=%d\n", vd[2] / vd[0], vd[2] / vd[1], isnan(vd[0] / vd[0]));
    printf("inf*0 isnan=%d overflow=%g underflow=%g\n", isnan(INFINITY * vd[0]), vd[8] * vd[8], vd[9] * vd[9]);
    printf("subnormal=%g *2=%g\n", vd[15], vd[15] * 2);
    printf("double->float=%.9g float->double=%.17g\n", (float)vd[10], (double)vf[7]);
}

static void rounding(void) {
    for (unsigned i = 0; i < 8; i++) {
        double v = vd[i];
        printf("r %5g: floor=%g ceil=%g round=%g trunc=%g rint=%g nearbyint=%g lrint=%ld lround=%ld\n", v, floor(v),
               ceil(v), round(v), trunc(v), rint(v), nearbyint(v), lrint(v), lround(v));
    }
    for (unsigned i = 0; i < 8; i++) {
        float v = vf[i];
        printf("rf %5g: floorf=%g ceilf=%g roundf=%g truncf=%g lrintf=%ld\n", v, floorf(v), ceilf(v), roundf(v),
               truncf(v), lrintf(v));
    }
}

static void conversions(void) {
    for (unsigned i = 0; i < ND; i++) {
        double v = vd[i];
        int32_t s32 = (int32_t)v;
        int64_t s64 = (int64_t)v;
        uint32_t u32 = (uint32_t)v;
        uint64_t u64 = (uint64_t)v;
        printf("cvt d[%2u]=%-24.17g s32=%d s64=%lld u32=%u u64=%llu\n", i, v, s32, (long long)s64, u32,
               (unsigned long long)u64);
    }
    for (unsigned i = 0; i < NF; i++) {
        float v = vf[i];
        printf("cvt f[%2u]=%-14.9g s32=%d s64=%lld u32=%u u64=%llu\n", i, v, (int32_t)v, (long long)(int64_t)v,
               (uint32_t)v, (unsigned long long)(uint64_t)v);
    }
    static volatile int64_t iv[] = {0, 1, -1, 123456789, -987654321, INT64_MAX, INT64_MIN, 9007199254740993LL};
    static volatile uint64_t uv[] = {0, 1, 4294967295u, 18446744073709551615ULL, 9223372036854775808ULL,
                                     9007199254740993ULL};
    for (unsigned i = 0; i < 8; i++)
        printf("i64 %lld -> d=%.17g f=%.9g\n", (long long)iv[i], (double)iv[i], (float)iv[i]);
    for (unsigned i = 0; i < 6; i++)
        printf("u64 %llu -> d=%.17g f=%.9g\n", (unsigned long long)uv[i], (double)uv[i], (float)uv[i]);
    volatile int32_t i32 = -7;
    volatile uint32_t ui32 = 4000000000u;
    printf("i32->d=%g u32->d=%.17g i32->f=%g u32->f=%.9g\n", (double)i32, (double)ui32, (float)i32, (float)ui32);
    /* bit-level moves between GPRs and FP registers */
    union { double d; uint64_t u; } du = {.d = vd[7]};
    union { float f; uint32_t u; } fu = {.f = vf[7]};
    printf("bits(0.1)=%016llx bits(0.1f)=%08x\n", (unsigned long long)du.u, fu.u);
    du.u ^= 0x8000000000000000ULL;
    printf("flipped sign=%.17g\n", du.d);
}

static void compares(void) {
    volatile double nan = NAN;
    for (unsigned i = 0; i < 6; i++)
        for (unsigned j = 0; j < 6; j++) {
            double a = vd[i], b = vd[j];
            printf("%d%d%d%d%d%d ", a < b, a <= b, a > b, a >= b, a == b, a != b);
        }
    printf("\n");
    double a = vd[2];
    printf("nan: %d %d %d %d %d %d isunordered=%d\n", a < nan, a <= nan, a > nan, a >= nan, a == nan, a != nan,
           isunordered(a, nan));
    float fa = vf[3], fb = vf[4];
    printf("float cmp: %d %d %d\n", fa < fb, fa == fb, fa > fb);
    printf("signbit(-0.0)=%d copysign=%g isinf=%d isfinite=%d\n", signbit(vd[1]) != 0, copysign(3.0, vd[1]),
           isinf(vd[8] * vd[8]), isfinite(vd[8]));
    /* select */
    double sel = 0;
    for (unsigned i = 0; i < ND; i++) sel += vd[i] > 1.0 ? 1.0 : -0.5;
    printf("select sum=%g\n", sel);
}

static void formats(void) {
    double v[] = {0.0, 1.0, -2.5, 3.141592653589793, 1e-5, 6.02214076e23, 1.0 / 3.0, 255.0};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
        printf("fmt: %f | %.3f | %.17g | %e | %a | %10.4f | %-10.2e|\n", v[i], v[i], v[i], v[i], v[i], v[i], v[i]);
    printf("fmt float: %f %a\n", (double)vf[7], (double)vf[7]);
    printf("inf/nan fmt: %f %f %e\n", (double)INFINITY, -(double)INFINITY, fabs((double)NAN));
}

static void transcendental(void) {
    printf("exp=%.15g log=%.15g pow=%.15g sin=%.15g cos=%.15g atan2=%.15g\n", exp(1.5), log(10.0), pow(2.0, 0.5),
           sin(1.0), cos(1.0), atan2(1.0, -1.0));
    printf("frexp/ldexp: ");
    int e;
    double m = frexp(vd[10], &e);
    printf("%.17g %d %.17g\n", m, e, ldexp(m, e));
    printf("fmod=%.17g remainder=%.17g hypot=%.17g cbrt=%.17g\n", fmod(10.5, 3.0), remainder(10.5, 3.0),
           hypot(3.0, 4.0), cbrt(27.0));
}

static void loops(void) {
    /* Leibniz series for pi, harmonic sum (float), Newton sqrt */
    double pi = 0;
    for (int k = 0; k < 20000; k++) pi += (k & 1 ? -4.0 : 4.0) / (2 * k + 1);
    float h = 0;
    for (int k = 1; k <= 10000; k++) h += 1.0f / (float)k;
    double x = 2.0, r = 1.0;
    for (int k = 0; k < 8; k++) r = 0.5 * (r + x / r);
    double dot = 0;
    double arr1[64], arr2[64];
    for (int i = 0; i < 64; i++) { arr1[i] = i * 0.25; arr2[i] = 64 - i; }
    for (int i = 0; i < 64; i++) dot += arr1[i] * arr2[i];
    printf("pi~%.15f harmonic=%.7f newton=%.17g dot=%g\n", pi, h, r, dot);
    /* matrix multiply 8x8 */
    double A[8][8], B[8][8], C[8][8];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) { A[i][j] = (i + 1) * 0.5 - j; B[i][j] = (i == j) + 0.125 * j; }
    double tr = 0;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
            double s = 0;
            for (int k = 0; k < 8; k++) s += A[i][k] * B[k][j];
            C[i][j] = s;
        }
    for (int i = 0; i < 8; i++) tr += C[i][i] + C[i][7 - i];
    printf("matmul trace-ish=%.17g\n", tr);
}

int main(void) {
    arith();
    rounding();
    conversions();
    compares();
    formats();
    transcendental();
    loops();
    return 0;
}
