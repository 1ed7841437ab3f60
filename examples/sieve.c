/* sieve.c - Eratosthenes sieve, factorization, gcd/lcm, modular exponentiation, Miller-Rabin. */
#include <stdio.h>
#include <stdint.h>

#define LIMIT 100000

static uint8_t composite[LIMIT + 1];
static uint32_t primes[10000];
static int prime_count;

static void sieve(void)
{
    composite[0] = composite[1] = 1;
    for (uint32_t i = 2; (uint64_t)i * i <= LIMIT; i++)
        if (!composite[i])
            for (uint32_t j = i * i; j <= LIMIT; j += i)
                composite[j] = 1;
    for (uint32_t i = 2; i <= LIMIT; i++)
        if (!composite[i])
            primes[prime_count++] = i;
}

/* Trial division by sieved primes; prints "p^e" terms. */
static void print_factorization(uint64_t n)
{
    printf("%llu =", (unsigned long long)n);
    const char *sep = " ";
    for (int i = 0; i < prime_count && (uint64_t)primes[i] * primes[i] <= n; i++) {
        int e = 0;
        while (n % primes[i] == 0) {
            n /= primes[i];
            e++;
        }
        if (e) {
            printf(e > 1 ? "%s%u^%d" : "%s%u", sep, (unsigned)primes[i], e);
            sep = " * ";
        }
    }
    if (n > 1)
        printf("%s%llu", sep, (unsigned long long)n);
    printf("\n");
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint64_t lcm(uint64_t a, uint64_t b) { return a / gcd(a, b) * b; }

/* (a * b) mod m without 128-bit types: double-and-add. */
static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    a %= m;
    while (b) {
        if (b & 1u)
            r = (r >= m - a) ? r - (m - a) : r + a;
        a = (a >= m - a) ? a - (m - a) : a + a;
        b >>= 1;
    }
    return r;
}

static uint64_t powmod(uint64_t base, uint64_t exp, uint64_t m)
{
    uint64_t r = 1 % m;
    base %= m;
    while (exp) {
        if (exp & 1u)
            r = mulmod(r, base, m);
        base = mulmod(base, base, m);
        exp >>= 1;
    }
    return r;
}

/* Deterministic Miller-Rabin for all 64-bit n with these witnesses. */
static int is_prime_mr(uint64_t n)
{
    static const uint64_t witnesses[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    if (n < 2)
        return 0;
    for (int i = 0; i < 12; i++)
        if (n % witnesses[i] == 0)
            return n == witnesses[i];
    uint64_t d = n - 1;
    int s = 0;
    while (!(d & 1u)) {
        d >>= 1;
        s++;
    }
    for (int i = 0; i < 12; i++) {
        uint64_t x = powmod(witnesses[i], d, n);
        if (x == 1 || x == n - 1)
            continue;
        int r;
        for (r = 1; r < s; r++) {
            x = mulmod(x, x, n);
            if (x == n - 1)
                break;
        }
        if (r == s)
            return 0;
    }
    return 1;
}

int main(void)
{
    sieve();
    printf("primes below %d: %d, largest %u\n", LIMIT, prime_count,
           (unsigned)primes[prime_count - 1]);
    uint64_t sum = 0;
    for (int i = 0; i < prime_count; i++)
        sum += primes[i];
    printf("sum of primes: %llu, 1000th prime: %u\n", (unsigned long long)sum,
           (unsigned)primes[999]);

    int twins = 0;
    for (int i = 1; i < prime_count; i++)
        twins += primes[i] - primes[i - 1] == 2;
    printf("twin prime pairs: %d\n", twins);

    static const uint64_t to_factor[] = {360, 97, 1001, 65536, 600851475143ull, 9999999967ull};
    for (size_t i = 0; i < sizeof to_factor / sizeof to_factor[0]; i++)
        print_factorization(to_factor[i]);

    printf("gcd(1071, 462)=%llu lcm(21, 6)=%llu\n", (unsigned long long)gcd(1071, 462),
           (unsigned long long)lcm(21, 6));
    uint64_t l = 1;
    for (uint64_t k = 1; k <= 20; k++)
        l = lcm(l, k);
    printf("lcm(1..20)=%llu\n", (unsigned long long)l);

    printf("2^10 mod 1000=%llu 3^200 mod 1000000007=%llu\n",
           (unsigned long long)powmod(2, 10, 1000),
           (unsigned long long)powmod(3, 200, 1000000007ull));
    printf("fermat 2^(p-1) mod p for p=1000003: %llu\n",
           (unsigned long long)powmod(2, 1000002, 1000003));

    int agree = 1;
    for (uint32_t n = 0; n <= LIMIT; n++)
        agree &= is_prime_mr(n) == !composite[n];
    printf("miller-rabin agrees with sieve: %d\n", agree);
    static const uint64_t big[] = {18446744073709551557ull, 18446744073709551559ull,
                                   4294967291ull, 3215031751ull};
    for (int i = 0; i < 4; i++)
        printf("is_prime(%llu) = %d\n", (unsigned long long)big[i], is_prime_mr(big[i]));
    return 0;
}
