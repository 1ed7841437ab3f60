/* bits.c - bit tricks: popcount, clz/ctz by hand, bit reversal, Gray codes, bit permutations. */
#include <stdio.h>
#include <stdint.h>

static const uint8_t nibble_pop[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

static int popcount_naive(uint32_t x)
{
    int n = 0;
    while (x) {
        n += (int)(x & 1u);
        x >>= 1;
    }
    return n;
}

static int popcount_kernighan(uint32_t x)
{
    int n = 0;
    for (; x; n++)
        x &= x - 1u;
    return n;
}

static int popcount_swar(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (int)((x * 0x01010101u) >> 24);
}

static int popcount_table(uint32_t x)
{
    int n = 0;
    for (int i = 0; i < 8; i++, x >>= 4)
        n += nibble_pop[x & 0xFu];
    return n;
}

/* Count leading zeros by binary search; clz(0) == 32. */
static int clz32(uint32_t x)
{
    if (x == 0)
        return 32;
    int n = 0;
    if (!(x & 0xFFFF0000u)) { n += 16; x <<= 16; }
    if (!(x & 0xFF000000u)) { n += 8; x <<= 8; }
    if (!(x & 0xF0000000u)) { n += 4; x <<= 4; }
    if (!(x & 0xC0000000u)) { n += 2; x <<= 2; }
    if (!(x & 0x80000000u)) { n += 1; }
    return n;
}

static int ctz32(uint32_t x)
{
    if (x == 0)
        return 32;
    int n = 0;
    while (!(x & 1u)) {
        x >>= 1;
        n++;
    }
    return n;
}

static uint32_t reverse_bits(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}

static uint32_t to_gray(uint32_t x) { return x ^ (x >> 1); }

static uint32_t from_gray(uint32_t g)
{
    for (uint32_t shift = 1; shift < 32; shift <<= 1)
        g ^= g >> shift;
    return g;
}

/* Next higher integer with the same number of set bits (Gosper's hack). */
static uint32_t next_bit_permutation(uint32_t v)
{
    uint32_t t = v | (v - 1u);
    return (t + 1u) | (((~t & (0u - ~t)) - 1u) >> (ctz32(v) + 1));
}

static int is_power_of_two(uint32_t x) { return x && !(x & (x - 1u)); }

static uint32_t round_up_pow2(uint32_t x)
{
    x--;
    x |= x >> 1;
    x |= x >> 2;
    x |= x >> 4;
    x |= x >> 8;
    x |= x >> 16;
    return x + 1u;
}

static uint32_t rotl32(uint32_t x, unsigned r) { return (x << (r & 31u)) | (x >> ((32u - r) & 31u)); }

int main(void)
{
    static const uint32_t samples[] = {0u, 1u, 0x80000000u, 0xDEADBEEFu, 0x00F0F000u, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        uint32_t x = samples[i];
        printf("%08x pop=%2d clz=%2d ctz=%2d rev=%08x gray=%08x\n", (unsigned)x,
               popcount_swar(x), clz32(x), ctz32(x), (unsigned)reverse_bits(x),
               (unsigned)to_gray(x));
    }

    /* Cross-check all popcount variants and gray round trips over a range. */
    uint32_t x = 0x12345678u, agree = 0, total_pop = 0, gray_ok = 0;
    for (int i = 0; i < 10000; i++) {
        x = x * 1103515245u + 12345u;
        int a = popcount_naive(x), b = popcount_kernighan(x);
        int c = popcount_swar(x), d = popcount_table(x);
        agree += (a == b && b == c && c == d);
        total_pop += (uint32_t)a;
        gray_ok += from_gray(to_gray(x)) == x;
        gray_ok -= reverse_bits(reverse_bits(x)) != x;
    }
    printf("popcount agree=%u total=%u gray_ok=%u\n", (unsigned)agree,
           (unsigned)total_pop, (unsigned)gray_ok);

    /* Consecutive Gray codes differ in exactly one bit. */
    int one_bit = 0;
    for (uint32_t i = 0; i < 1024; i++)
        one_bit += popcount_kernighan(to_gray(i) ^ to_gray(i + 1)) == 1;
    printf("gray single-bit steps: %d/1024\n", one_bit);

    /* Enumerate all 8-bit values with 3 bits set. */
    uint32_t v = 0x7u, count = 0, sum = 0;
    printf("first 3-of-8:");
    while (v < 256u) {
        if (count < 6)
            printf(" %02x", (unsigned)v);
        count++;
        sum += v;
        v = next_bit_permutation(v);
    }
    printf("\ncount=%u sum=%u\n", (unsigned)count, (unsigned)sum);

    printf("pow2: %d %d %d; roundup(1000)=%u roundup(4096)=%u\n",
           is_power_of_two(64), is_power_of_two(96), is_power_of_two(0),
           (unsigned)round_up_pow2(1000), (unsigned)round_up_pow2(4096));
    printf("rotl(0x80000001, 4)=%08x rotl(x, 0)=%08x\n",
           (unsigned)rotl32(0x80000001u, 4), (unsigned)rotl32(0x12345678u, 0));
    return 0;
}
