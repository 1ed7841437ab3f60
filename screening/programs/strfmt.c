/* strfmt.c - snprintf with widths and flags, hand-written itoa in several bases, string building. */
#include <stdio.h>
#include <string.h>

static char *utoa_base(unsigned long v, unsigned base, char *buf)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char tmp[72];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return buf;
}

static char *itoa10(long v, char *buf)
{
    if (v < 0) {
        buf[0] = '-';
        utoa_base(0UL - (unsigned long)v, 10, buf + 1);
    } else {
        utoa_base((unsigned long)v, 10, buf);
    }
    return buf;
}

static void commas(long v, char *out)
{
    char digits[32];
    itoa10(v < 0 ? -v : v, digits);
    int n = (int)strlen(digits), o = 0;
    if (v < 0)
        out[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

int main(void)
{
    char buf[128], a[80];
    long vals[] = {0, 7, -42, 1000, 65535, -1234567, 2147483647L, -2147483647L - 1};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        long v = vals[i];
        snprintf(buf, sizeof buf, "[%8ld|%-8ld|%+ld|%08lx]", v, v, v, (unsigned long)v & 0xffffffffUL);
        commas(v, a);
        printf("%s %s %s\n", buf, itoa10(v, a + 40), a);
    }
    unsigned bases[] = {2, 3, 7, 16, 36};
    for (unsigned i = 0; i < 5; i++)
        printf("base %2u: %s\n", bases[i], utoa_base(123456789UL, bases[i], buf));
    int n = snprintf(buf, 10, "%s-%s-%s", "alpha", "beta", "gamma");
    printf("truncated=%s needed=%d\n", buf, n);
    printf("[%5.2s][%-6c][%%][%5.1f][%-9.3e][%x][%o][%#x]\n", "xyz", 'q', 3.14159, 12345.678, 255u, 8u, 48879u);
    char line[256] = "";
    for (int i = 1; i <= 12; i++) {
        char part[16];
        snprintf(part, sizeof part, i % 3 == 0 ? "(%d)" : "%d,", i * i);
        strcat(line, part);
    }
    printf("%s len=%zu\n", line, strlen(line));
    printf("%.*s|%*d|\n", 4, "truncate me", 6, 42);
    return 0;
}
