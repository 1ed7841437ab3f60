/* longjmp.c - setjmp/longjmp error recovery out of nested calls, with volatile state across the jump.
   setjmp appears only where C11 7.13.1.1 allows it (a controlling expression). */
#include <stdio.h>
#include <setjmp.h>

static jmp_buf env;
static int depth_reached;
static int bad_char;

static int parse_digit(char c)
{
    if (c < '0' || c > '9') {
        bad_char = (unsigned char)c;
        longjmp(env, 1);
    }
    return c - '0';
}

static int parse_number(const char *s, int depth)
{
    depth_reached = depth;
    if (!*s)
        return 0;
    int rest = parse_number(s + 1, depth + 1);
    int d = parse_digit(*s);
    int scale = 1;
    for (const char *p = s + 1; *p; p++)
        scale *= 10;
    return d * scale + rest;
}

static int safe_parse(const char *s, int *ok)
{
    volatile int attempts = 0;
    if (setjmp(env)) {
        attempts++;
        *ok = 0;
        return -bad_char * 100 - attempts;
    }
    attempts++;
    *ok = 1;
    return parse_number(s, 0);
}

static jmp_buf retry_env;
static int counter;

static void flaky(void)
{
    if (++counter < 4)
        longjmp(retry_env, counter);
}

int main(void)
{
    const char *inputs[] = {"12345", "9", "", "12x45", "007", "99999", "-5"};
    for (int i = 0; i < 7; i++) {
        int ok;
        int v = safe_parse(inputs[i], &ok);
        printf("'%s' -> %d ok=%d depth=%d\n", inputs[i], v, ok, depth_reached);
    }
    volatile int tries = 0;
    switch (setjmp(retry_env)) {
    case 0:
        printf("first attempt\n");
        break;
    default:
        printf("retry after failure %d\n", counter);
        break;
    }
    tries++;
    flaky();
    printf("succeeded after %d tries, counter=%d\n", tries, counter);
    return 0;
}
