/* intarith.c - integer corner cases without UB: unsigned wraparound, signed division and modulo of
   negatives, shifts, promotions of narrow types, conversions, 64-bit multiply-high. */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

static uint64_t mulhi(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static int32_t sat_add(int32_t a, int32_t b)
{
    if (b > 0 && a > INT32_MAX - b)
        return INT32_MAX;
    if (b < 0 && a < INT32_MIN - b)
        return INT32_MIN;
    return a + b;
}

static int floor_div(int a, int b)
{
    int q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int main(void)
{
    int nums[] = {17, -17, 5, -5, 0, 100, -101};
    int dens[] = {5, -5, 3, -3};
    for (int i = 0; i < 7; i++) {
        for (int j = 0; j < 4; j++)
            printf("%4d/%-2d=%3d r%3d f%3d  ", nums[i], dens[j], nums[i] / dens[j], nums[i] % dens[j],
                   floor_div(nums[i], dens[j]));
        printf("\n");
    }
    uint32_t u = 0;
    u -= 1;
    uint8_t b = 250;
    b += 10;
    uint16_t h = 65535;
    h++;
    printf("wrap u=%u b=%u h=%u\n", u, b, h);
    unsigned char c1 = 200, c2 = 100;
    int promoted = c1 + c2;
    unsigned char truncated = (unsigned char)(c1 + c2);
    printf("promote %d %u\n", promoted, truncated);
    signed char sc = -3;
    unsigned int widened = (unsigned int)sc;
    printf("widen %u %d %lld\n", widened, (int)(unsigned char)sc, (long long)(int64_t)sc);
    printf("shifts %u %u %d %lld\n", 1u << 31, 0x80000000u >> 31, -16 >> 2, (long long)(INT64_MIN >> 63));
    int32_t vals[] = {INT32_MAX, INT32_MIN, 1000000000, -1000000000, 7};
    for (int i = 0; i < 5; i++)
        printf("sat %d %d\n", sat_add(vals[i], vals[(i + 2) % 5]), sat_add(vals[i], -vals[(i + 3) % 5 == 1 ? 0 : (i + 3) % 5]));
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 4; i++) {
        uint64_t hi = mulhi(x, x + (uint64_t)i);
        printf("mulhi %016llx lo %016llx\n", (unsigned long long)hi, (unsigned long long)(x * (x + (uint64_t)i)));
        x ^= hi;
    }
    long long acc = 0;
    for (int i = -50; i <= 50; i++)
        acc += (long long)i * i * i % 97 + (i % 7) * (i / 3);
    printf("acc=%lld abs(INT_MIN+1)=%d\n", acc, -(INT_MIN + 1));
    unsigned m = 0;
    for (unsigned i = 0; i < 100; i++)
        m += (i * 2654435761u) >> 28;
    printf("m=%u\n", m);
    return 0;
}
