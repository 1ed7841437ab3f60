/* bigint.c - arbitrary-precision decimal arithmetic: 50!, fib(200), powers of two. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define BASE 1000000000u /* 9 decimal digits per limb */
#define MAX_LIMBS 80

struct bigint {
    int len; /* number of used limbs, least significant first; 0 means zero */
    uint32_t limb[MAX_LIMBS];
};

static void big_set(struct bigint *a, uint32_t v)
{
    a->len = 0;
    while (v) {
        a->limb[a->len++] = v % BASE;
        v /= BASE;
    }
}

static void big_add(struct bigint *r, const struct bigint *a, const struct bigint *b)
{
    int n = a->len > b->len ? a->len : b->len;
    uint32_t carry = 0;
    for (int i = 0; i < n; i++) {
        uint32_t s = carry;
        if (i < a->len) s += a->limb[i];
        if (i < b->len) s += b->limb[i];
        carry = s >= BASE;
        r->limb[i] = carry ? s - BASE : s;
    }
    r->len = n;
    if (carry)
        r->limb[r->len++] = 1;
}

static void big_mul_small(struct bigint *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->len; i++) {
        uint64_t p = (uint64_t)a->limb[i] * m + carry;
        a->limb[i] = (uint32_t)(p % BASE);
        carry = p / BASE;
    }
    while (carry) {
        a->limb[a->len++] = (uint32_t)(carry % BASE);
        carry /= BASE;
    }
    if (m == 0)
        a->len = 0;
}

/* Schoolbook multiplication; r must not alias a or b. */
static void big_mul(struct bigint *r, const struct bigint *a, const struct bigint *b)
{
    uint64_t acc[MAX_LIMBS] = {0};
    int n = a->len + b->len;
    if (n > MAX_LIMBS) { /* would overflow the fixed capacity */
        r->len = 0;
        return;
    }
    for (int i = 0; i < a->len; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < b->len; j++) {
            uint64_t cur = acc[i + j] + (uint64_t)a->limb[i] * b->limb[j] + carry;
            acc[i + j] = cur % BASE;
            carry = cur / BASE;
        }
        acc[i + b->len] += carry;
    }
    r->len = 0;
    for (int i = 0; i < n; i++) {
        r->limb[i] = (uint32_t)acc[i];
        if (acc[i])
            r->len = i + 1;
    }
}

static int big_cmp(const struct bigint *a, const struct bigint *b)
{
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    for (int i = a->len - 1; i >= 0; i--)
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

static void big_to_string(const struct bigint *a, char *out)
{
    if (a->len == 0) {
        strcpy(out, "0");
        return;
    }
    int pos = sprintf(out, "%u", (unsigned)a->limb[a->len - 1]);
    for (int i = a->len - 2; i >= 0; i--)
        pos += sprintf(out + pos, "%09u", (unsigned)a->limb[i]);
}

static int digit_sum(const char *s)
{
    int sum = 0;
    for (; *s; s++)
        sum += *s - '0';
    return sum;
}

static char text[MAX_LIMBS * 9 + 1];

static void show(const char *label, const struct bigint *a)
{
    big_to_string(a, text);
    printf("%s = %s (%zu digits, digit sum %d)\n", label, text, strlen(text), digit_sum(text));
}

int main(void)
{
    struct bigint f, a, b, c, t;

    big_set(&f, 1);
    for (uint32_t i = 2; i <= 50; i++)
        big_mul_small(&f, i);
    show("50!", &f);

    /* 50! again as (1*...*25) * (26*...*50) using full multiplication. */
    big_set(&a, 1);
    big_set(&b, 1);
    for (uint32_t i = 1; i <= 25; i++) {
        big_mul_small(&a, i);
        big_mul_small(&b, i + 25);
    }
    big_mul(&c, &a, &b);
    printf("split product equal: %d\n", big_cmp(&c, &f) == 0);

    /* Iterate fib; keep fib(99), fib(100), fib(101) for an identity check. */
    struct bigint near100[3];
    big_set(&a, 0);
    big_set(&b, 1);
    for (int i = 0; i < 200; i++) {
        if (i >= 99 && i <= 101)
            near100[i - 99] = a;
        big_add(&t, &a, &b);
        a = b;
        b = t;
    }
    show("fib(200)", &a);

    /* fib(2n) = fib(n) * (fib(n-1) + fib(n+1)) with n = 100. */
    big_add(&t, &near100[0], &near100[2]);
    big_mul(&c, &near100[1], &t);
    printf("fib(200) identity holds: %d\n", big_cmp(&c, &a) == 0);

    big_set(&c, 1);
    for (int i = 0; i < 256; i++)
        big_mul_small(&c, 2);
    show("2^256", &c);

    big_set(&f, 1);
    for (uint32_t i = 2; i <= 100; i++)
        big_mul_small(&f, i);
    big_to_string(&f, text);
    printf("100!: %zu digits, digit sum %d, leading %.12s\n", strlen(text), digit_sum(text),
           text);

    big_set(&a, 999999999u);
    big_set(&b, 1);
    big_add(&c, &a, &b);
    show("999999999 + 1", &c);
    return 0;
}
