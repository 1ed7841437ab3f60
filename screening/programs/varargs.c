/* varargs.c - variadic functions: sums of mixed types, a mini formatter, forwarding va_list with va_copy. */
#include <stdio.h>
#include <stdarg.h>
#include <string.h>

static long sum_ints(int n, ...)
{
    va_list ap;
    long s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

static double mean(int n, ...)
{
    va_list ap;
    double s = 0.0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += va_arg(ap, double);
    va_end(ap);
    return n ? s / n : 0.0;
}

/* %d int, %s string, %c char, %x unsigned hex, %% percent. */
static int mini_format(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    size_t o = 0;
    char tmp[32];
    va_start(ap, fmt);
    for (const char *p = fmt; *p && o + 1 < cap; p++) {
        if (*p != '%') {
            out[o++] = *p;
            continue;
        }
        const char *piece = tmp;
        switch (*++p) {
        case 'd': snprintf(tmp, sizeof tmp, "%d", va_arg(ap, int)); break;
        case 'x': snprintf(tmp, sizeof tmp, "%x", va_arg(ap, unsigned)); break;
        case 'c': tmp[0] = (char)va_arg(ap, int); tmp[1] = '\0'; break;
        case 's': piece = va_arg(ap, const char *); break;
        case '%': strcpy(tmp, "%"); break;
        default: strcpy(tmp, "?"); break;
        }
        for (; *piece && o + 1 < cap; piece++)
            out[o++] = *piece;
        if (!*p)
            break;
    }
    out[o] = '\0';
    va_end(ap);
    return (int)o;
}

static int twice(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int a = vsnprintf(out, cap, fmt, ap);
    int len = (int)strlen(out);
    if ((size_t)len + 3 < cap) {
        strcpy(out + len, " | ");
        vsnprintf(out + len + 3, cap - (size_t)len - 3, fmt, copy);
    }
    va_end(copy);
    va_end(ap);
    return a;
}

int main(void)
{
    printf("sum0=%ld sum3=%ld sum8=%ld\n", sum_ints(0), sum_ints(3, 1, -2, 40),
           sum_ints(8, 1, 2, 3, 4, 5, 6, 7, 1000000));
    printf("mean=%.4f mean1=%.4f\n", mean(5, 1.5, 2.5, -3.0, 10.25, 0.125), mean(1, 42.0));
    char buf[128];
    int n = mini_format(buf, sizeof buf, "x=%d name=%s c=%c hex=%x pct=%% bad=%q!", -17, "widget", 'Z', 48879u);
    printf("%s (%d)\n", buf, n);
    n = mini_format(buf, 12, "%s", "this will be cut short");
    printf("%s (%d)\n", buf, n);
    n = twice(buf, sizeof buf, "[%d:%s:%.2f]", 7, "seven", 7.0 / 3.0);
    printf("%s (%d)\n", buf, n);
    return 0;
}
