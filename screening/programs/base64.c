/* base64.c - base64 encoding and decoding with padding, round trips, and a hex dump of decoded bytes. */
#include <stdio.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

static int value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

static long decode(const char *in, unsigned char *out)
{
    size_t n = strlen(in), o = 0;
    if (n % 4)
        return -1;
    for (size_t i = 0; i < n; i += 4) {
        int a = value(in[i]), b = value(in[i + 1]);
        int c = in[i + 2] == '=' ? 0 : value(in[i + 2]), d = in[i + 3] == '=' ? 0 : value(in[i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0)
            return -1;
        unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
        out[o++] = (unsigned char)(v >> 16);
        if (in[i + 2] != '=')
            out[o++] = (unsigned char)(v >> 8);
        if (in[i + 3] != '=')
            out[o++] = (unsigned char)v;
    }
    return (long)o;
}

static void hexdump(const unsigned char *p, long n)
{
    for (long i = 0; i < n; i += 16) {
        printf("%04lx ", (unsigned long)i);
        for (long j = i; j < i + 16; j++)
            j < n ? printf(" %02x", p[j]) : printf("   ");
        printf("  |");
        for (long j = i; j < i + 16 && j < n; j++)
            putchar(p[j] >= 32 && p[j] < 127 ? p[j] : '.');
        printf("|\n");
    }
}

int main(void)
{
    const char *samples[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar", "Many hands make light work."};
    char enc[128];
    unsigned char dec[128];
    for (int i = 0; i < 8; i++) {
        size_t n = strlen(samples[i]);
        encode((const unsigned char *)samples[i], n, enc);
        long m = decode(enc, dec);
        printf("%-28s -> %-40s rt=%d\n", samples[i], enc, m == (long)n && memcmp(dec, samples[i], n) == 0);
    }
    unsigned char bin[40];
    for (int i = 0; i < 40; i++)
        bin[i] = (unsigned char)(i * 73 + 5);
    encode(bin, 40, enc);
    printf("%s\n", enc);
    long m = decode(enc, dec);
    hexdump(dec, m);
    printf("bad=%ld %ld\n", decode("abc", dec), decode("ab!d", dec));
    return 0;
}
