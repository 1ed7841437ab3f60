/* vla.c - variable-length arrays, 2-D arrays passed with runtime dimensions, pointer arithmetic walks. */
#include <stdio.h>

static void fill(int rows, int cols, int m[rows][cols], int seed)
{
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            m[r][c] = (r * 31 + c * 17 + seed) % 23 - 11;
}

static long trace_product(int n, int a[n][n], int b[n][n])
{
    long t = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            t += (long)a[i][k] * b[k][i];
    return t;
}

static void transpose(int rows, int cols, int in[rows][cols], int out[cols][rows])
{
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            out[c][r] = in[r][c];
}

static int spiral_sum(int rows, int cols, int m[rows][cols], int limit)
{
    int top = 0, bottom = rows - 1, left = 0, right = cols - 1, k = 0, s = 0;
    while (top <= bottom && left <= right && k < limit) {
        for (int c = left; c <= right && k < limit; c++, k++) s += m[top][c] * (k % 5 + 1);
        top++;
        for (int r = top; r <= bottom && k < limit; r++, k++) s += m[r][right] * (k % 5 + 1);
        right--;
        for (int c = right; c >= left && top <= bottom && k < limit; c--, k++) s += m[bottom][c] * (k % 5 + 1);
        bottom--;
        for (int r = bottom; r >= top && left <= right && k < limit; r--, k++) s += m[r][left] * (k % 5 + 1);
        left++;
    }
    return s;
}

int main(void)
{
    for (int n = 1; n <= 9; n += 2) {
        int a[n][n], b[n][n];
        fill(n, n, a, 3);
        fill(n, n, b, n);
        printf("n=%d trace(ab)=%ld\n", n, trace_product(n, a, b));
    }
    int rows = 5, cols = 7;
    int m[rows][cols], t[cols][rows];
    fill(rows, cols, m, 1);
    transpose(rows, cols, m, t);
    for (int c = 0; c < cols; c++) {
        for (int r = 0; r < rows; r++)
            printf("%4d", t[c][r]);
        printf("\n");
    }
    printf("spiral=%d partial=%d sizeof=%zu\n", spiral_sum(rows, cols, m, 1000), spiral_sum(rows, cols, m, 13), sizeof m);
    const int *p = &m[0][0];
    long alt = 0;
    for (int i = 0; i * 3 < rows * cols; i++)
        alt += i % 2 ? p[i * 3] : -p[i * 3];
    printf("alt=%ld\n", alt);
    return 0;
}
