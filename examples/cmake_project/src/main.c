/* main.c - runs the calc demo over a fixed, embedded list of statements. */
#include <stdio.h>
#include "calc.h"

static const char *const program[] = {
    "x = 6",
    "y = x * 7",
    "y - x / 4",
    "(x + y) * (y - x) % 1000",
    "z = 2 ^ 3 ^ 2",
    "-z + -(-x)",
    "big = 9223372036854775807",
    "big + 1",
    "2 ^ 64",
    "max(x, y) - min(x, y)",
    "gcd(1071, 462) + abs(-5)",
    "clamp(y * 10, 0, 100)",
    "r = 17 % 5 * 3",
    "w",
    "10 / (x - 6)",
    "(1 + 2",
    "3 + * 4",
    "min(1)",
    "x = x + 1",
    "x * x",
};

static struct parser parser; /* large node pool, keep it off the stack */

int main(void)
{
    int ok = 0, failed = 0;
    table_clear();
    for (size_t i = 0; i < sizeof program / sizeof program[0]; i++) {
        const struct node *root = parse_statement(&parser, program[i]);
        if (!root) {
            printf("%-28s => parse error: %s\n", program[i], parser.error);
            failed++;
            continue;
        }
        struct eval_result r = evaluate(root);
        if (r.ok) {
            printf("%-28s => %lld  (nodes %d, depth %d)\n", program[i], (long long)r.value,
                   parser.used, ast_depth(root));
            ok++;
        } else {
            printf("%-28s => error: %s\n", program[i], r.error);
            failed++;
        }
    }
    printf("statements: %d ok, %d failed, %d variables\n", ok, failed, table_count());
    return 0;
}
