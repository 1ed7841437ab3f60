/* sort.c - quicksort, mergesort, heapsort and insertion sort over PRNG data. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define N 1000

static uint32_t rng_state = 2463534242u;

static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

static int32_t original[N];
static int32_t work[N];
static int32_t scratch[N];

static void swap(int32_t *a, int32_t *b)
{
    int32_t t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort(int32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

/* Hoare-partition quicksort with median-of-three pivot. */
static void quick_sort(int32_t *a, int lo, int hi)
{
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(&a[mid], &a[lo]);
        if (a[hi] < a[lo]) swap(&a[hi], &a[lo]);
        if (a[hi] < a[mid]) swap(&a[hi], &a[mid]);
        int32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                swap(&a[i], &a[j]);
                i++;
                j--;
            }
        }
        /* recurse on the smaller side, loop on the larger */
        if (j - lo < hi - i) {
            quick_sort(a, lo, j);
            lo = i;
        } else {
            quick_sort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a + lo, hi - lo + 1);
}

static void merge_sort(int32_t *a, int32_t *tmp, int n)
{
    if (n < 2)
        return;
    int h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    int i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = (a[j] < a[i]) ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, (size_t)n * sizeof *a);
}

static void sift_down(int32_t *a, int root, int n)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        swap(&a[root], &a[child]);
        root = child;
    }
}

static void heap_sort(int32_t *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift_down(a, i, n);
    for (int end = n - 1; end > 0; end--) {
        swap(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

static int is_sorted(const int32_t *a, int n)
{
    for (int i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

/* Position-weighted checksum: detects both value and order differences. */
static uint32_t checksum(const int32_t *a, int n)
{
    uint32_t h = 0;
    for (int i = 0; i < n; i++)
        h = h * 31u + (uint32_t)a[i] * (uint32_t)(i + 1);
    return h;
}

static void report(const char *name, int n)
{
    printf("%-10s sorted=%d checksum=%08x min=%d max=%d\n", name,
           is_sorted(work, n), (unsigned)checksum(work, n),
           (int)work[0], (int)work[n - 1]);
}

int main(void)
{
    for (int i = 0; i < N; i++)
        original[i] = (int32_t)(xorshift32() % 200001u) - 100000;
    printf("input checksum=%08x sorted=%d\n", (unsigned)checksum(original, N),
           is_sorted(original, N));

    memcpy(work, original, sizeof work);
    insertion_sort(work, N);
    report("insertion", N);

    memcpy(work, original, sizeof work);
    quick_sort(work, 0, N - 1);
    report("quick", N);

    memcpy(work, original, sizeof work);
    merge_sort(work, scratch, N);
    report("merge", N);

    memcpy(work, original, sizeof work);
    heap_sort(work, N);
    report("heap", N);

    /* Many duplicates and already-sorted input are classic edge cases. */
    for (int i = 0; i < N; i++)
        work[i] = (int32_t)(xorshift32() % 7u);
    quick_sort(work, 0, N - 1);
    report("quick-dup", N);
    heap_sort(work, N);
    report("heap-srtd", N);

    int32_t small[5] = {5, 4, 3, 2, 1};
    merge_sort(small, scratch, 5);
    printf("small: %d %d %d %d %d\n", (int)small[0], (int)small[1],
           (int)small[2], (int)small[3], (int)small[4]);
    return 0;
}
