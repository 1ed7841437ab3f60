/* rle.c - run-length encoding and a small LZ77-style compressor with round-trip checks. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define MAX_IN 2048
#define MAX_OUT (MAX_IN * 2 + 16)
#define WINDOW 255
#define MIN_MATCH 3
#define MAX_MATCH 255

static uint8_t input[MAX_IN];
static uint8_t packed[MAX_OUT];
static uint8_t unpacked[MAX_IN];

/* RLE format: pairs of (count 1..255, byte). */
static size_t rle_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        uint8_t b = in[i];
        size_t run = 1;
        while (i + run < n && in[i + run] == b && run < 255)
            run++;
        out[o++] = (uint8_t)run;
        out[o++] = b;
        i += run;
    }
    return o;
}

static size_t rle_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        for (uint8_t k = 0; k < in[i] && o < cap; k++)
            out[o++] = in[i + 1];
    return o;
}

/*
 * LZ77 format: a flag byte precedes each group of up to 8 items.
 * Flag bit set -> (distance, length) pair of bytes; clear -> literal byte.
 */
static size_t lz_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        size_t flag_pos = o++;
        uint8_t flags = 0;
        for (int item = 0; item < 8 && i < n; item++) {
            size_t best_len = 0, best_dist = 0;
            size_t start = i > WINDOW ? i - WINDOW : 0;
            for (size_t j = start; j < i; j++) {
                size_t len = 0;
                while (i + len < n && len < MAX_MATCH && in[j + len] == in[i + len])
                    len++;
                if (len > best_len) {
                    best_len = len;
                    best_dist = i - j;
                }
            }
            if (best_len >= MIN_MATCH) {
                flags |= (uint8_t)(1u << item);
                out[o++] = (uint8_t)best_dist;
                out[o++] = (uint8_t)best_len;
                i += best_len;
            } else {
                out[o++] = in[i++];
            }
        }
        out[flag_pos] = flags;
    }
    return o;
}

static size_t lz_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t flags = in[i++];
        for (int item = 0; item < 8 && i < n; item++) {
            if (flags & (1u << item)) {
                if (i + 1 >= n)
                    return 0; /* truncated pair */
                size_t dist = in[i], len = in[i + 1];
                i += 2;
                if (dist == 0 || dist > o)
                    return 0; /* corrupt stream */
                /* byte-by-byte copy: overlapping matches repeat patterns */
                for (size_t k = 0; k < len && o < cap; k++, o++)
                    out[o] = out[o - dist];
            } else if (o < cap) {
                out[o++] = in[i++];
            }
        }
    }
    return o;
}

static uint32_t rng = 0x9E3779B9u;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static size_t make_input(int kind)
{
    static const char *text = "it was the best of times, it was the worst of times, ";
    size_t tl = strlen(text);
    for (size_t i = 0; i < MAX_IN; i++) {
        switch (kind) {
        case 0: input[i] = (uint8_t)('a' + (i / 100) % 3); break; /* long runs */
        case 1: input[i] = (uint8_t)text[i % tl]; break;          /* repeated text */
        case 2: input[i] = (uint8_t)(next_rand() & 0x3u); break;  /* low entropy */
        default: input[i] = (uint8_t)next_rand(); break;          /* noise */
        }
    }
    return MAX_IN;
}

static uint32_t checksum(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

int main(void)
{
    static const char *names[] = {"runs", "text", "2-bit", "noise"};
    for (int kind = 0; kind < 4; kind++) {
        size_t n = make_input(kind);

        size_t rle_n = rle_encode(input, n, packed);
        size_t back = rle_decode(packed, rle_n, unpacked, MAX_IN);
        int rle_ok = back == n && memcmp(input, unpacked, n) == 0;

        size_t lz_n = lz_encode(input, n, packed);
        uint32_t lz_sum = checksum(packed, lz_n);
        back = lz_decode(packed, lz_n, unpacked, MAX_IN);
        int lz_ok = back == n && memcmp(input, unpacked, n) == 0;

        printf("%-5s in=%zu rle=%zu ok=%d lz=%zu ok=%d lzsum=%08x\n", names[kind], n,
               rle_n, rle_ok, lz_n, lz_ok, (unsigned)lz_sum);
    }

    const char *msg = "aaaaaaaaaabcbcbcbcbcbcxyz";
    size_t ml = strlen(msg);
    size_t rn = rle_encode((const uint8_t *)msg, ml, packed);
    printf("rle(\"%s\") =", msg);
    for (size_t i = 0; i < rn && i < 12; i += 2)
        printf(" %u%c", packed[i], packed[i + 1]);
    printf(" ... (%zu bytes)\n", rn);

    size_t ln = lz_encode((const uint8_t *)msg, ml, packed);
    size_t back = lz_decode(packed, ln, unpacked, MAX_IN);
    unpacked[back] = '\0';
    printf("lz: %zu -> %zu bytes, round trip \"%s\"\n", ml, ln, (const char *)unpacked);
    return 0;
}
