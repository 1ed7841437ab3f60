/* recursion.c - Ackermann, Hanoi, mutual recursion, permutations, power set, memoized partitions. */
#include <stdio.h>

static unsigned ackermann(unsigned m, unsigned n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static long hanoi_moves;
static int hanoi_sig;

static void hanoi(int n, int from, int to, int via)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to);
    hanoi_moves++;
    hanoi_sig = (hanoi_sig * 31 + from * 3 + to) % 1000003;
    hanoi(n - 1, via, to, from);
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static int perm_count;
static void permute(char *s, int k, int n)
{
    if (k == n) {
        if (perm_count < 8 || perm_count % 30 == 0)
            printf("perm %3d %s\n", perm_count, s);
        perm_count++;
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k];
        s[k] = s[i];
        s[i] = t;
        permute(s, k + 1, n);
        t = s[k];
        s[k] = s[i];
        s[i] = t;
    }
}

static int subset_sums(const int *v, int n, int target)
{
    if (target == 0)
        return 1;
    if (n == 0 || target < 0)
        return 0;
    return subset_sums(v + 1, n - 1, target - v[0]) + subset_sums(v + 1, n - 1, target);
}

static long memo[64][64];
static long partitions(int n, int max)
{
    if (n == 0)
        return 1;
    if (max == 0)
        return 0;
    if (memo[n][max])
        return memo[n][max];
    long r = partitions(n, max - 1);
    if (max <= n)
        r += partitions(n - max, max);
    return memo[n][max] = r;
}

static int depth(int n) { return n <= 1 ? 0 : 1 + depth(n % 2 ? 3 * n + 1 : n / 2); }

int main(void)
{
    for (unsigned m = 0; m <= 2; m++)
        for (unsigned n = 0; n <= 3; n++)
            printf("A(%u,%u)=%u\n", m, n, ackermann(m, n));
    printf("A(3,3)=%u\n", ackermann(3, 3));
    hanoi(12, 1, 3, 2);
    printf("hanoi moves=%ld sig=%d\n", hanoi_moves, hanoi_sig);
    printf("even(1000)=%d odd(777)=%d\n", is_even(1000), is_odd(777));
    char s[] = "abcde";
    permute(s, 0, 5);
    printf("perms=%d back=%s\n", perm_count, s);
    int v[] = {3, 34, 4, 12, 5, 2, 7, 9, 11, 1};
    printf("subsets summing to 15: %d\n", subset_sums(v, 10, 15));
    printf("p(10)=%ld p(40)=%ld p(63)=%ld\n", partitions(10, 10), partitions(40, 40), partitions(63, 63));
    int best = 0, arg = 0;
    for (int i = 1; i < 3000; i++) {
        int d = depth(i);
        if (d > best) {
            best = d;
            arg = i;
        }
    }
    printf("collatz depth max %d at %d\n", best, arg);
    return 0;
}
