/* switches.c - dense and sparse switches, fallthrough, switches on characters, switch-driven loops. */
#include <stdio.h>

static int dense(int x)
{
    switch (x) {
    case 0: return 11;
    case 1: return 23;
    case 2: return 5;
    case 3: return 42;
    case 4: return 17;
    case 5: return 8;
    case 6: return 99;
    case 7: return 1;
    default: return -1;
    }
}

static const char *sparse(unsigned x)
{
    switch (x) {
    case 1: return "one";
    case 100: return "hundred";
    case 1000: return "thousand";
    case 65536: return "2^16";
    case 1000000: return "million";
    case 0xdeadbeef: return "dead beef";
    default: return "other";
    }
}

static int fall(int x)
{
    int r = 0;
    switch (x & 7) {
    case 7: r += 64; /* fall through */
    case 6: r += 32; /* fall through */
    case 5: r += 16;
        break;
    case 4: r += 8; /* fall through */
    case 3: r += 4;
        break;
    case 2:
    case 1: r += 2; /* fall through */
    default: r += 1;
    }
    return r;
}

static int classify(char c)
{
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 1;
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return 2;
    case ' ': case '\t': case '\n': return 3;
    case '.': case ',': case ';': case '!': case '?': return 4;
    default: return (c >= 'a' && c <= 'z') ? 5 : 6;
    }
}

static int duff_sum(const int *v, int n)
{
    int s = 0, i = 0;
    int rounds = (n + 3) / 4;
    if (n == 0)
        return 0;
    switch (n % 4) {
    case 0: do { s += v[i++]; /* fall through */
    case 3: s += v[i++]; /* fall through */
    case 2: s += v[i++]; /* fall through */
    case 1: s += v[i++];
            } while (--rounds > 0);
    }
    return s;
}

int main(void)
{
    unsigned acc = 0;
    for (int i = -2; i < 10; i++) {
        printf("dense(%d)=%d fall(%d)=%d\n", i, dense(i), i, fall(i));
        acc = acc * 7u + (unsigned)(dense(i) + fall(i));
    }
    unsigned keys[] = {0, 1, 100, 999, 1000, 65536, 1000000, 0xdeadbeefu, 7};
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++)
        printf("sparse(%u)=%s\n", keys[i], sparse(keys[i]));
    const char *text = "The quick brown fox, 42 times; jumps over 7 lazy dogs!\tOK?\n";
    int counts[7] = {0};
    for (const char *p = text; *p; p++)
        counts[classify(*p)]++;
    printf("classes:");
    for (int i = 1; i < 7; i++)
        printf(" %d", counts[i]);
    printf("\n");
    int v[23];
    for (int i = 0; i < 23; i++)
        v[i] = i * i - 3 * i;
    for (int n = 0; n <= 23; n += 5)
        printf("duff(%d)=%d\n", n, duff_sum(v, n));
    printf("acc=%u\n", acc);
    return 0;
}
