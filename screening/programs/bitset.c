/* bitset.c - 64-bit word bitsets: set algebra, iteration over set bits, and a bitset sieve of primes. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define BITS 1024
#define WORDS (BITS / 64)

typedef struct {
    uint64_t w[WORDS];
} bitset;

static void bs_set(bitset *s, unsigned i) { s->w[i >> 6] |= 1ull << (i & 63); }
static void bs_clear(bitset *s, unsigned i) { s->w[i >> 6] &= ~(1ull << (i & 63)); }
static int bs_test(const bitset *s, unsigned i) { return (int)((s->w[i >> 6] >> (i & 63)) & 1u); }

static int bs_count(const bitset *s)
{
    int n = 0;
    for (int i = 0; i < WORDS; i++) {
        uint64_t x = s->w[i];
        while (x) {
            x &= x - 1;
            n++;
        }
    }
    return n;
}

static int bs_next(const bitset *s, int from)
{
    for (int i = from; i < BITS; i++) {
        uint64_t word = s->w[i >> 6] >> (i & 63);
        if (word)
            return i + __builtin_ctzll(word);
        i |= 63;
    }
    return -1;
}

static void bs_op(bitset *out, const bitset *a, const bitset *b, char op)
{
    for (int i = 0; i < WORDS; i++)
        out->w[i] = op == '&' ? a->w[i] & b->w[i] : op == '|' ? a->w[i] | b->w[i] : a->w[i] ^ b->w[i];
}

static uint64_t bs_hash(const bitset *s)
{
    uint64_t h = 0;
    for (int i = 0; i < WORDS; i++)
        h = (h ^ s->w[i]) * 0x100000001b3ull + (h >> 29);
    return h;
}

int main(void)
{
    bitset primes, odd, squares, tmp;
    memset(&primes, 0xff, sizeof primes);
    memset(&odd, 0, sizeof odd);
    memset(&squares, 0, sizeof squares);
    bs_clear(&primes, 0);
    bs_clear(&primes, 1);
    for (unsigned i = 2; i * i < BITS; i++)
        if (bs_test(&primes, i))
            for (unsigned j = i * i; j < BITS; j += i)
                bs_clear(&primes, j);
    for (unsigned i = 1; i < BITS; i += 2)
        bs_set(&odd, i);
    for (unsigned i = 0; i * i < BITS; i++)
        bs_set(&squares, i * i);
    printf("primes=%d odd=%d squares=%d\n", bs_count(&primes), bs_count(&odd), bs_count(&squares));
    printf("first primes:");
    for (int i = bs_next(&primes, 0), k = 0; i >= 0 && k < 15; i = bs_next(&primes, i + 1), k++)
        printf(" %d", i);
    printf("\nlast primes:");
    int last[5], nl = 0;
    for (int i = bs_next(&primes, 0); i >= 0; i = bs_next(&primes, i + 1))
        last[nl++ % 5] = i;
    for (int k = 0; k < 5; k++)
        printf(" %d", last[(nl + k) % 5]);
    printf("\n");
    bs_op(&tmp, &primes, &odd, '&');
    printf("odd primes=%d hash=%016llx\n", bs_count(&tmp), (unsigned long long)bs_hash(&tmp));
    bs_op(&tmp, &odd, &squares, '|');
    printf("odd|squares=%d hash=%016llx\n", bs_count(&tmp), (unsigned long long)bs_hash(&tmp));
    bs_op(&tmp, &odd, &squares, '^');
    printf("odd^squares=%d hash=%016llx\n", bs_count(&tmp), (unsigned long long)bs_hash(&tmp));
    int twins = 0;
    for (int i = bs_next(&primes, 0); i >= 0 && i + 2 < BITS; i = bs_next(&primes, i + 1))
        twins += bs_test(&primes, (unsigned)i + 2);
    printf("twin pairs=%d popcount builtin=%d\n", twins, __builtin_popcountll(primes.w[0]));
    return 0;
}
