/* floats.c - floating point without libm: Newton square roots, series, Kahan summation, float vs double. */
#include <stdio.h>

static double newton_sqrt(double x)
{
    if (x <= 0.0)
        return 0.0;
    double g = x > 1.0 ? x / 2.0 : 1.0;
    for (int i = 0; i < 60; i++) {
        double n = 0.5 * (g + x / g);
        if (n == g)
            break;
        g = n;
    }
    return g;
}

static double exp_series(double x)
{
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < 40; k++) {
        term *= x / k;
        sum += term;
    }
    return sum;
}

static double sin_series(double x)
{
    double term = x, sum = x;
    for (int k = 1; k < 20; k++) {
        term *= -x * x / ((2 * k) * (2 * k + 1));
        sum += term;
    }
    return sum;
}

static double kahan(const double *v, int n)
{
    double s = 0.0, c = 0.0;
    for (int i = 0; i < n; i++) {
        double y = v[i] - c;
        double t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return s;
}

static double naive(const double *v, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

int main(void)
{
    for (int i = 1; i <= 10; i++) {
        double r = newton_sqrt((double)i);
        printf("sqrt(%2d)=%.9f r*r-i=%.3e\n", i, r, r * r - i);
    }
    for (int i = -3; i <= 3; i++)
        printf("exp(%d)=%.8f sin(%d/4)=%.8f\n", i, exp_series(i), i, sin_series(i / 4.0));

    static double v[4001];
    v[0] = 1.0e8;
    for (int i = 1; i <= 4000; i++)
        v[i] = 0.1 * (double)(i % 7) + 1.0e-3;
    printf("kahan=%.6f naive=%.6f\n", kahan(v, 4001), naive(v, 4001));

    float f = 0.0f;
    double d = 0.0;
    for (int i = 0; i < 1000; i++) {
        f += 0.01f;
        d += 0.01;
    }
    printf("float=%.6f double=%.6f diff=%.3e\n", (double)f, d, d - (double)f);

    double x = 1.0;
    int halvings = 0;
    while (1.0 + x != 1.0) {
        x /= 2.0;
        halvings++;
    }
    printf("epsilon halvings=%d\n", halvings);

    double lo = 0.0, hi = 2.0;
    for (int i = 0; i < 50; i++) {
        double mid = (lo + hi) / 2.0;
        if (mid * mid * mid - 2.0 * mid - 1.0 < 0.0)
            lo = mid;
        else
            hi = mid;
    }
    printf("root=%.10f\n", lo);
    int trunc_sum = 0;
    for (int i = 0; i < 20; i++)
        trunc_sum += (int)(i * 1.75) - (int)(-i * 0.6);
    printf("trunc_sum=%d\n", trunc_sum);
    return 0;
}
