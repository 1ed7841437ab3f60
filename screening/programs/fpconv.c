/* fpconv.c - float/double/integer conversions, rounding modes of casts, infinities and NaN tests,
   float accumulation, and integer-valued doubles. NaN is tested, never printed (its sign may vary). */
#include <stdio.h>
#include <float.h>
#include <math.h>
#include <stdint.h>

static double round_half_even(double x)
{
    double f = (double)(long long)x;
    if (x < 0 && f != x)
        f -= 1.0; /* floor */
    double diff = x - f;
    if (diff > 0.5 || (diff == 0.5 && ((long long)f % 2 != 0)))
        f += 1.0;
    return f;
}

static int is_nan(double x) { return x != x; }

int main(void)
{
    double vals[] = {2.5, 3.5, -2.5, -0.4, 1e10, 123456.789, -7.999, 0.1 + 0.2};
    for (int i = 0; i < 8; i++) {
        double v = vals[i];
        float f = (float)v;
        printf("%.6f -> int %lld float %.9g rhe %.1f diff %.3e\n", v, (long long)v, (double)f, round_half_even(v),
               v - (double)f);
    }
    volatile double inf = INFINITY;
    double nan = inf - inf;
    printf("inf>max=%d -inf<min=%d nan=%d nan==nan=%d inf-inf nan=%d\n", inf > DBL_MAX, -inf < -DBL_MAX,
           is_nan(nan), nan == nan, is_nan(inf - inf));
    float fs = 0.0f;
    for (int i = 1; i <= 100000; i++)
        fs += 1.0f / (float)i;
    double ds = 0.0;
    for (int i = 100000; i >= 1; i--)
        ds += 1.0 / i;
    printf("harmonic float=%.6f double=%.12f\n", (double)fs, ds);
    uint64_t big = 9007199254740993ull;
    double bd = (double)big;
    printf("2^53+1 -> %.1f back %llu\n", bd, (unsigned long long)bd);
    unsigned u = 4294967295u;
    printf("uint max -> %.1f float %.1f\n", (double)u, (double)(float)u);
    int ints[] = {0, 1, -1, 16777217, -16777217, 2147483647};
    for (int i = 0; i < 6; i++)
        printf("%d -> float %.1f -> int %lld\n", ints[i], (double)(float)ints[i], (long long)(float)ints[i]);
    printf("float eps %.9g dbl eps %.17g denorm %d\n", (double)FLT_EPSILON, DBL_EPSILON, DBL_MIN / 4 > 0.0);
    double x = 1.0;
    for (int i = 0; i < 30; i++)
        x = x * 1.1 - 0.05;
    printf("iterate %.10f\n", x);
    return 0;
}
