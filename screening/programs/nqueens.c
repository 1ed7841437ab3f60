/* nqueens.c - backtracking: N-queens counts with bitmasks and arrays, and a sudoku solver. */
#include <stdio.h>

static int queens_bits(int n, unsigned cols, unsigned d1, unsigned d2, int row)
{
    if (row == n)
        return 1;
    int count = 0;
    unsigned free_ = ~(cols | d1 | d2) & ((1u << n) - 1u);
    while (free_) {
        unsigned bit = free_ & (0u - free_);
        free_ ^= bit;
        count += queens_bits(n, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1, row + 1);
    }
    return count;
}

static int pos[16];
static int safe(int row, int col)
{
    for (int r = 0; r < row; r++) {
        int c = pos[r];
        if (c == col || c - col == r - row || c - col == row - r)
            return 0;
    }
    return 1;
}

static int queens_array(int n, int row, int *first)
{
    if (row == n) {
        if (!*first) {
            *first = 1;
            for (int r = 0; r < n; r++)
                printf("%c", 'a' + pos[r]);
            printf("\n");
        }
        return 1;
    }
    int count = 0;
    for (int c = 0; c < n; c++)
        if (safe(row, c)) {
            pos[row] = c;
            count += queens_array(n, row + 1, first);
        }
    return count;
}

static int grid[81];
static int ok(int i, int v)
{
    int r = i / 9, c = i % 9, br = r / 3 * 3, bc = c / 3 * 3;
    for (int k = 0; k < 9; k++) {
        if (grid[r * 9 + k] == v || grid[k * 9 + c] == v)
            return 0;
        if (grid[(br + k / 3) * 9 + bc + k % 3] == v)
            return 0;
    }
    return 1;
}

static long tries;
static int solve(int i)
{
    while (i < 81 && grid[i])
        i++;
    if (i == 81)
        return 1;
    for (int v = 1; v <= 9; v++) {
        tries++;
        if (ok(i, v)) {
            grid[i] = v;
            if (solve(i + 1))
                return 1;
            grid[i] = 0;
        }
    }
    return 0;
}

int main(void)
{
    for (int n = 1; n <= 10; n++) {
        int first = 0;
        int a = queens_bits(n, 0, 0, 0, 0);
        printf("n=%2d bits=%d ", n, a);
        int b = queens_array(n, 0, &first);
        if (!first)
            printf("\n");
        printf("      array=%d\n", b);
    }
    const char *puzzle = "530070000600195000098000060800060003400803001700020006060000280000419005000080079";
    for (int i = 0; i < 81; i++)
        grid[i] = puzzle[i] - '0';
    int solved = solve(0);
    printf("sudoku solved=%d tries=%ld\n", solved, tries);
    for (int r = 0; r < 9; r++) {
        for (int c = 0; c < 9; c++)
            printf("%d", grid[r * 9 + c]);
        printf("\n");
    }
    return 0;
}
