/* fixedpoint.c - Q16.16 fixed-point arithmetic: multiply, divide, sqrt, and an ASCII Mandelbrot in integers. */
#include <stdio.h>
#include <stdint.h>

typedef int32_t fix;
#define ONE 65536
#define FIX(x) ((fix)((x) * ONE))

static fix fmul(fix a, fix b) { return (fix)(((int64_t)a * b) >> 16); }
static fix fdiv(fix a, fix b) { return (fix)(((int64_t)a * ONE) / b); }

static fix fsqrt(fix x)
{
    uint64_t v = (uint64_t)(uint32_t)x << 16, r = 0, bit = 1ull << 46;
    while (bit > v)
        bit >>= 2;
    while (bit) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else
            r >>= 1;
        bit >>= 2;
    }
    return (fix)r;
}

static void put(fix x)
{
    int64_t m = x;
    char sign = ' ';
    if (m < 0) {
        sign = '-';
        m = -m;
    }
    printf("%c%lld.%04lld", sign, (long long)(m >> 16), (long long)(((m & 0xffff) * 10000) >> 16));
}

int main(void)
{
    fix vals[] = {FIX(1.5), FIX(-2.25), FIX(3.0), FIX(0.125), FIX(10.75)};
    for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 5; j++) {
            put(fmul(vals[i], vals[j]));
            printf(" ");
        }
        put(fdiv(vals[i], vals[(i + 1) % 5]));
        printf("\n");
    }
    for (int i = 1; i <= 8; i++) {
        printf("sqrt(%d)=", i * 3);
        put(fsqrt(i * 3 * ONE));
        printf("\n");
    }
    int total = 0;
    for (int py = 0; py < 20; py++) {
        fix ci = FIX(-1.2) + py * (FIX(2.4) / 20);
        for (int px = 0; px < 60; px++) {
            fix cr = FIX(-2.1) + px * (FIX(3.0) / 60);
            fix zr = 0, zi = 0;
            int it = 0;
            while (it < 40) {
                fix zr2 = fmul(zr, zr), zi2 = fmul(zi, zi);
                if (zr2 + zi2 > FIX(4.0))
                    break;
                zi = 2 * fmul(zr, zi) + ci;
                zr = zr2 - zi2 + cr;
                it++;
            }
            total += it;
            putchar(" .:-=+*#%@"[it * 9 / 40]);
        }
        putchar('\n');
    }
    printf("iterations=%d\n", total);
    return 0;
}
