/* crc32.c - table-driven CRC-32 (IEEE), bitwise CRC-32 and Adler-32 checksums. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define BUF_SIZE 4096

static uint32_t crc_table[256];
static uint8_t buffer[BUF_SIZE];

static void crc32_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* Incremental update: pass the previous result to continue a stream. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t len)
{
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc_table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

/* Reference implementation without the table, one bit at a time. */
static uint32_t crc32_bitwise(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static uint32_t adler32(const uint8_t *data, size_t len)
{
    const uint32_t mod = 65521u;
    uint32_t a = 1, b = 0;
    while (len > 0) {
        size_t chunk = len < 5552 ? len : 5552; /* defer the modulo safely */
        len -= chunk;
        while (chunk--) {
            a += *data++;
            b += a;
        }
        a %= mod;
        b %= mod;
    }
    return (b << 16) | a;
}

/* Linear congruential generator for reproducible buffer contents. */
static uint32_t lcg_state = 12345u;

static uint8_t lcg_byte(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (uint8_t)(lcg_state >> 24);
}

static void fill_buffer(int pattern)
{
    for (size_t i = 0; i < BUF_SIZE; i++) {
        switch (pattern) {
        case 0: buffer[i] = 0; break;
        case 1: buffer[i] = (uint8_t)i; break;
        case 2: buffer[i] = lcg_byte(); break;
        default: buffer[i] = (uint8_t)("passlm"[i % 6]); break;
        }
    }
}

int main(void)
{
    crc32_init();
    printf("table[1]=%08x table[255]=%08x\n", (unsigned)crc_table[1],
           (unsigned)crc_table[255]);

    const char *check = "123456789";
    size_t clen = strlen(check);
    printf("crc32(\"123456789\")=%08x adler32=%08x\n",
           (unsigned)crc32_update(0, (const uint8_t *)check, clen),
           (unsigned)adler32((const uint8_t *)check, clen));

    static const char *names[] = {"zeros", "ramp", "random", "text"};
    for (int p = 0; p < 4; p++) {
        fill_buffer(p);
        uint32_t t = crc32_update(0, buffer, BUF_SIZE);
        uint32_t b = crc32_bitwise(buffer, BUF_SIZE);
        uint32_t a = adler32(buffer, BUF_SIZE);
        printf("%-6s crc32=%08x match=%d adler32=%08x\n", names[p], (unsigned)t,
               t == b, (unsigned)a);
    }

    /* Streaming in uneven chunks must equal a one-shot computation. */
    fill_buffer(2);
    uint32_t whole = crc32_update(0, buffer, BUF_SIZE);
    uint32_t part = 0;
    size_t off = 0, step = 1;
    while (off < BUF_SIZE) {
        size_t n = step < BUF_SIZE - off ? step : BUF_SIZE - off;
        part = crc32_update(part, buffer + off, n);
        off += n;
        step = step * 3 + 1;
    }
    printf("streamed crc32=%08x equal=%d\n", (unsigned)part, part == whole);

    /* Single bit flips must always change the CRC. */
    int detected = 0;
    for (size_t bit = 0; bit < 64; bit++) {
        buffer[bit * 61 % BUF_SIZE] ^= (uint8_t)(1u << (bit % 8));
        if (crc32_update(0, buffer, BUF_SIZE) != whole)
            detected++;
        buffer[bit * 61 % BUF_SIZE] ^= (uint8_t)(1u << (bit % 8));
    }
    printf("bit flips detected: %d/64\n", detected);
    return 0;
}
