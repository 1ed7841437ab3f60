/* life.c - Conway's Game of Life on a 24x16 torus: a glider, a blinker and an R-pentomino. */
#include <stdio.h>
#include <string.h>

#define W 24
#define H 16

static unsigned char grid[H][W], next[H][W];

static void place(int y, int x, const char *rows[], int n)
{
    for (int r = 0; r < n; r++)
        for (int c = 0; rows[r][c]; c++)
            if (rows[r][c] == '#')
                grid[(y + r) % H][(x + c) % W] = 1;
}

static int neighbours(int y, int x)
{
    int n = 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            if (dy || dx)
                n += grid[(y + dy + H) % H][(x + dx + W) % W];
    return n;
}

static int step(void)
{
    int alive = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int n = neighbours(y, x);
            next[y][x] = (unsigned char)(n == 3 || (n == 2 && grid[y][x]));
            alive += next[y][x];
        }
    memcpy(grid, next, sizeof grid);
    return alive;
}

static void show(void)
{
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++)
            putchar(grid[y][x] ? '#' : '.');
        putchar('\n');
    }
}

int main(void)
{
    const char *glider[] = {".#.", "..#", "###"};
    const char *blinker[] = {"###"};
    const char *rpent[] = {".##", "##.", ".#."};
    place(1, 1, glider, 3);
    place(2, 16, blinker, 1);
    place(9, 10, rpent, 3);
    unsigned hash = 0;
    for (int g = 1; g <= 60; g++) {
        int alive = step();
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                hash = hash * 33u + grid[y][x];
        if (g % 10 == 0)
            printf("gen %2d alive %3d hash %08x\n", g, alive, hash);
    }
    show();
    return 0;
}
