/* memops.c - memcpy/memmove/memset/memcmp, overlapping moves, byte-wise copies, rotations in buffers. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <stdlib.h>

static uint32_t digest(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void my_memmove(unsigned char *dst, const unsigned char *src, size_t n)
{
    if (dst < src)
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    else
        for (size_t i = n; i > 0; i--)
            dst[i - 1] = src[i - 1];
}

static void rotate_left(unsigned char *p, size_t n, size_t k)
{
    unsigned char tmp[64];
    k %= n;
    memcpy(tmp, p, k);
    memmove(p, p + k, n - k);
    memcpy(p + n - k, tmp, k);
}

static void reverse(unsigned char *p, size_t n)
{
    for (size_t i = 0, j = n - 1; i < j; i++, j--) {
        unsigned char t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}

int main(void)
{
    unsigned char a[256], b[256];
    for (int i = 0; i < 256; i++)
        a[i] = (unsigned char)(i * 37 + 11);
    memcpy(b, a, sizeof a);
    printf("copy equal=%d digest=%08x\n", memcmp(a, b, sizeof a) == 0, digest(b, sizeof b));

    memmove(b + 10, b, 100);
    my_memmove(a + 10, a, 100);
    printf("overlap fwd equal=%d digest=%08x\n", memcmp(a, b, sizeof a) == 0, digest(a, sizeof a));
    memmove(b, b + 33, 150);
    my_memmove(a, a + 33, 150);
    printf("overlap back equal=%d digest=%08x\n", memcmp(a, b, sizeof a) == 0, digest(a, sizeof a));

    memset(a + 64, 0xAB, 64);
    memset(b + 64, 0xAB, 64);
    printf("memset digest=%08x first=%02x mid=%02x\n", digest(a, 256), a[0], a[100]);

    unsigned char r[48];
    for (int i = 0; i < 48; i++)
        r[i] = (unsigned char)('A' + i % 26);
    rotate_left(r, 48, 5);
    printf("rot5 %.48s\n", (char *)r);
    rotate_left(r, 48, 43);
    reverse(r, 48);
    printf("back %.48s\n", (char *)r);

    int *heap = malloc(1000 * sizeof *heap);
    if (!heap)
        return 1;
    for (int i = 0; i < 1000; i++)
        heap[i] = i * i % 1009;
    int *grown = realloc(heap, 2000 * sizeof *grown);
    if (!grown) {
        free(heap);
        return 1;
    }
    memcpy(grown + 1000, grown, 1000 * sizeof *grown);
    long s = 0;
    for (int i = 0; i < 2000; i++)
        s += grown[i] * (i % 3 - 1);
    printf("realloc sum=%ld cmp=%d\n", s, memcmp(grown, grown + 1000, 4000) == 0);
    free(grown);

    char text[64] = "hello, memory world";
    char *hit = memchr(text, 'm', strlen(text));
    printf("memchr offset=%ld\n", hit ? (long)(hit - text) : -1L);
    int c1 = memcmp("abcd", "abce", 4) < 0, c2 = memcmp("abcd", "abcd", 4) == 0;
    printf("memcmp %d %d\n", c1, c2);
    return 0;
}
