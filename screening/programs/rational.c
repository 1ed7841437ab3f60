/* rational.c - exact rational arithmetic with gcd reduction, continued fractions, the Stern-Brocot tree,
   Egyptian fractions and harmonic numbers. */
#include <stdio.h>

typedef struct {
    long long num, den;
} rat;

static long long gcd(long long a, long long b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        long long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static rat mk(long long n, long long d)
{
    long long g = gcd(n, d);
    if (d < 0) {
        n = -n;
        d = -d;
    }
    rat r = {n / g, d / g};
    return r;
}

static rat add(rat a, rat b) { return mk(a.num * b.den + b.num * a.den, a.den * b.den); }
static rat mul(rat a, rat b) { return mk(a.num * b.num, a.den * b.den); }
static rat sub(rat a, rat b) { return add(a, mk(-b.num, b.den)); }

static void cfrac(rat r)
{
    printf("[");
    for (int first = 1; r.den; first = 0) {
        long long q = r.num / r.den, m = r.num % r.den;
        if (m < 0) {
            q--;
            m += r.den;
        }
        printf(first ? "%lld" : (first == 0 && r.den ? ";%lld" : ",%lld"), q);
        long long t = r.den;
        r.den = m;
        r.num = t;
    }
    printf("]");
}

static void stern_brocot(rat target)
{
    long long ln = 0, ld = 1, hn = 1, hd = 0;
    printf("path ");
    for (int i = 0; i < 40; i++) {
        long long mn = ln + hn, md = ld + hd;
        if (mn * target.den == target.num * md)
            break;
        if (mn * target.den < target.num * md) {
            putchar('R');
            ln = mn;
            ld = md;
        } else {
            putchar('L');
            hn = mn;
            hd = md;
        }
    }
    putchar('\n');
}

int main(void)
{
    rat h = mk(0, 1);
    for (int n = 1; n <= 20; n++) {
        h = add(h, mk(1, n));
        if (n % 4 == 0)
            printf("H(%d) = %lld/%lld\n", n, h.num, h.den);
    }
    rat xs[] = {mk(415, 93), mk(-7, 3), mk(355, 113), mk(1, 7), mk(144, 89)};
    for (int i = 0; i < 5; i++) {
        printf("%lld/%lld = ", xs[i].num, xs[i].den);
        cfrac(xs[i]);
        printf("\n");
        if (xs[i].num > 0)
            stern_brocot(xs[i]);
    }
    rat egypt[] = {mk(4, 13), mk(7, 15), mk(5, 6), mk(2, 11)};
    for (int i = 0; i < 4; i++) {
        rat e = egypt[i];
        printf("egyptian %lld/%lld =", e.num, e.den);
        for (int k = 0; k < 6 && e.num; k++) {
            long long d = (e.den + e.num - 1) / e.num;
            printf(" 1/%lld", d);
            e = sub(e, mk(1, d));
        }
        printf("\n");
    }
    rat p = mk(1, 1);
    for (int k = 2; k <= 12; k++)
        p = mul(p, mk((long long)k * k - 1, (long long)k * k));
    printf("prod(1-1/k^2, k=2..12) = %lld/%lld\n", p.num, p.den);
    return 0;
}
