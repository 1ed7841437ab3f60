/* dynprog.c - dynamic programming: LCS with reconstruction, edit distance, 0/1 knapsack, LIS, coin change. */
#include <stdio.h>
#include <string.h>

static int lcs(const char *a, const char *b, char *out)
{
    static int t[64][64];
    int n = (int)strlen(a), m = (int)strlen(b);
    for (int i = 0; i <= n; i++)
        for (int j = 0; j <= m; j++)
            t[i][j] = (i == 0 || j == 0) ? 0
                      : a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1
                      : (t[i - 1][j] > t[i][j - 1] ? t[i - 1][j] : t[i][j - 1]);
    int k = t[n][m];
    out[k] = '\0';
    for (int i = n, j = m; i > 0 && j > 0;) {
        if (a[i - 1] == b[j - 1]) {
            out[--k] = a[i - 1];
            i--;
            j--;
        } else if (t[i - 1][j] >= t[i][j - 1])
            i--;
        else
            j--;
    }
    return t[n][m];
}

static int min3(int a, int b, int c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

static int edit(const char *a, const char *b)
{
    int n = (int)strlen(a), m = (int)strlen(b), prev[64], cur[64];
    for (int j = 0; j <= m; j++)
        prev[j] = j;
    for (int i = 1; i <= n; i++) {
        cur[0] = i;
        for (int j = 1; j <= m; j++)
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
        memcpy(prev, cur, sizeof(int) * (size_t)(m + 1));
    }
    return prev[m];
}

static int knapsack(const int *w, const int *v, int n, int cap)
{
    int best[256] = {0};
    for (int i = 0; i < n; i++)
        for (int c = cap; c >= w[i]; c--)
            if (best[c - w[i]] + v[i] > best[c])
                best[c] = best[c - w[i]] + v[i];
    return best[cap];
}

static int lis(const int *v, int n)
{
    int tails[64], len = 0;
    for (int i = 0; i < n; i++) {
        int lo = 0, hi = len;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (tails[mid] < v[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        tails[lo] = v[i];
        if (lo == len)
            len++;
    }
    return len;
}

static long coin_ways(const int *coins, int k, int amount)
{
    long ways[1024] = {1};
    for (int i = 0; i < k; i++)
        for (int a = coins[i]; a <= amount; a++)
            ways[a] += ways[a - coins[i]];
    return ways[amount];
}

int main(void)
{
    const char *pairs[][2] = {{"AGGTAB", "GXTXAYB"}, {"kitten", "sitting"}, {"intention", "execution"},
                              {"the quick brown fox", "a quick brown dog"}, {"", "abc"}};
    char out[64];
    for (int i = 0; i < 5; i++) {
        int l = lcs(pairs[i][0], pairs[i][1], out);
        printf("'%s' vs '%s': lcs=%d '%s' edit=%d\n", pairs[i][0], pairs[i][1], l, out,
               edit(pairs[i][0], pairs[i][1]));
    }
    int w[] = {12, 7, 11, 8, 9, 6, 14, 3, 5, 10}, v[] = {24, 13, 23, 15, 16, 11, 30, 4, 9, 19};
    for (int cap = 10; cap <= 60; cap += 10)
        printf("knapsack(%d)=%d\n", cap, knapsack(w, v, 10, cap));
    int seq[40];
    unsigned s = 12345;
    for (int i = 0; i < 40; i++) {
        s = s * 1103515245u + 12345u;
        seq[i] = (int)((s >> 16) % 100);
    }
    printf("lis=%d\n", lis(seq, 40));
    int coins[] = {1, 2, 5, 10, 20, 50, 100, 200};
    printf("ways(200)=%ld ways(999)=%ld\n", coin_ways(coins, 8, 200), coin_ways(coins, 8, 999));
    return 0;
}
