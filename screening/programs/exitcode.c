/* exitcode.c - output through stdio and a non-zero exit status via exit() from a nested call after
   atexit handlers; the expected status is in exitcode.status. */
#include <stdio.h>
#include <stdlib.h>

static int checksum;

static void handler_a(void) { printf("atexit a checksum=%d\n", checksum); }
static void handler_b(void) { printf("atexit b\n"); }

static void finish(int code)
{
    printf("finishing with %d\n", code);
    exit(code);
}

static int collatz_len(unsigned long n)
{
    int len = 1;
    while (n != 1) {
        n = n % 2 ? 3 * n + 1 : n / 2;
        len++;
    }
    return len;
}

int main(void)
{
    atexit(handler_a);
    atexit(handler_b);
    for (unsigned long n = 1; n <= 30; n++) {
        int l = collatz_len(n);
        checksum = (checksum * 31 + l) % 65521;
        if (n % 5 == 0)
            printf("collatz(%lu)=%d\n", n, l);
    }
    finish(checksum % 50 + 3);
    printf("not reached\n");
    return 0;
}
