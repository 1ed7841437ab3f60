/* fnptr.c - function pointers: dispatch tables, qsort comparators, callbacks, closures by struct. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*binop)(int, int);

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_max(int a, int b) { return a > b ? a : b; }
static int op_xor(int a, int b) { return a ^ b; }

static const struct {
    const char *name;
    binop fn;
} ops[] = {{"add", op_add}, {"sub", op_sub}, {"mul", op_mul}, {"max", op_max}, {"xor", op_xor}};

static int fold(const int *v, int n, binop f, int init)
{
    int acc = init;
    for (int i = 0; i < n; i++)
        acc = f(acc, v[i]);
    return acc;
}

static int cmp_asc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_desc(const void *a, const void *b) { return cmp_asc(b, a); }

static int cmp_abs_then_sign(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    int ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
    if (ax != ay)
        return ax < ay ? -1 : 1;
    return (x > y) - (x < y);
}

struct counter {
    int calls;
    long sum;
};

static void visit(const int *v, int n, void (*cb)(struct counter *, int), struct counter *c)
{
    for (int i = 0; i < n; i++)
        cb(c, v[i]);
}

static void count_odd(struct counter *c, int x)
{
    c->calls++;
    if (x & 1)
        c->sum += x;
}

static void count_sq(struct counter *c, int x)
{
    c->calls++;
    c->sum += (long)x * x;
}

static binop pick(int k) { return ops[k % 5].fn; }

static void print(const char *tag, const int *v, int n)
{
    printf("%-5s", tag);
    for (int i = 0; i < n; i++)
        printf(" %d", v[i]);
    printf("\n");
}

int main(void)
{
    int v[] = {7, -3, 12, 0, -8, 5, 3, -12, 9, 1};
    int n = (int)(sizeof v / sizeof v[0]);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        printf("fold %s = %d\n", ops[i].name, fold(v, n, ops[i].fn, i == 2 ? 1 : 0));

    int w[10];
    memcpy(w, v, sizeof v);
    qsort(w, (size_t)n, sizeof w[0], cmp_asc);
    print("asc", w, n);
    qsort(w, (size_t)n, sizeof w[0], cmp_desc);
    print("desc", w, n);
    qsort(w, (size_t)n, sizeof w[0], cmp_abs_then_sign);
    print("abs", w, n);

    struct counter c1 = {0, 0}, c2 = {0, 0};
    visit(v, n, count_odd, &c1);
    visit(v, n, count_sq, &c2);
    printf("odd calls=%d sum=%ld; sq calls=%d sum=%ld\n", c1.calls, c1.sum, c2.calls, c2.sum);

    int acc = 1;
    for (int k = 0; k < 20; k++)
        acc = pick(k * 3 + 1)(acc, k + 2) % 100003;
    printf("chain=%d\n", acc);
    return 0;
}
