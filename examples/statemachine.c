/* statemachine.c - state-machine lexer, shunting-yard evaluator, tiny regex matcher. */
#include <stdio.h>
#include <stdint.h>

enum tok_kind { T_NUM, T_OP, T_LPAREN, T_RPAREN, T_END, T_ERROR };

struct token {
    enum tok_kind kind;
    int64_t value; /* number value, or operator character */
};

enum lex_state { S_START, S_NUMBER, S_HEX_PREFIX, S_HEX, S_DONE };

#define MAX_TOKENS 64

/* Lex input with an explicit state machine; supports decimal and 0x hex numbers. */
static int lex(const char *src, struct token *out)
{
    enum lex_state state = S_START;
    int n = 0;
    int64_t acc = 0;
    const char *p = src;
    while (state != S_DONE && n < MAX_TOKENS - 1) {
        char c = *p;
        switch (state) {
        case S_START:
            if (c == ' ') {
                p++;
            } else if (c == '0' && (p[1] == 'x' || p[1] == 'X')) {
                acc = 0;
                p += 2;
                state = S_HEX_PREFIX;
            } else if (c >= '0' && c <= '9') {
                acc = 0;
                state = S_NUMBER;
            } else if (c == '+' || c == '-' || c == '*' || c == '/' || c == '%') {
                out[n++] = (struct token){T_OP, c};
                p++;
            } else if (c == '(' || c == ')') {
                out[n++] = (struct token){c == '(' ? T_LPAREN : T_RPAREN, c};
                p++;
            } else if (c == '\0') {
                state = S_DONE;
            } else {
                out[n++] = (struct token){T_ERROR, c};
                state = S_DONE;
            }
            break;
        case S_NUMBER:
            if (c >= '0' && c <= '9') {
                acc = acc * 10 + (c - '0');
                p++;
            } else {
                out[n++] = (struct token){T_NUM, acc};
                state = S_START;
            }
            break;
        case S_HEX_PREFIX:
        case S_HEX: {
            int d = (c >= '0' && c <= '9') ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
            if (d >= 0) {
                acc = acc * 16 + d;
                p++;
                state = S_HEX;
            } else if (state == S_HEX) {
                out[n++] = (struct token){T_NUM, acc};
                state = S_START;
            } else {
                out[n++] = (struct token){T_ERROR, c};
                state = S_DONE;
            }
            break;
        }
        case S_DONE:
            break;
        }
    }
    out[n++] = (struct token){T_END, 0};
    return n;
}

static int precedence(int64_t op)
{
    return (op == '+' || op == '-') ? 1 : 2;
}

static int apply(int64_t *stack, int *sp, int64_t op)
{
    if (*sp < 2)
        return 0;
    int64_t b = stack[--*sp];
    int64_t a = stack[--*sp];
    int64_t r;
    switch (op) {
    case '+': r = a + b; break;
    case '-': r = a - b; break;
    case '*': r = a * b; break;
    case '/': if (b == 0) return 0; r = a / b; break;
    default:  if (b == 0) return 0; r = a % b; break;
    }
    stack[(*sp)++] = r;
    return 1;
}

/* Dijkstra's shunting-yard, evaluating directly instead of emitting RPN. */
static int evaluate(const struct token *t, int64_t *result)
{
    int64_t vals[MAX_TOKENS], ops[MAX_TOKENS];
    int vsp = 0, osp = 0;
    for (; t->kind != T_END; t++) {
        switch (t->kind) {
        case T_NUM: vals[vsp++] = t->value; break;
        case T_LPAREN: ops[osp++] = '('; break;
        case T_RPAREN:
            while (osp > 0 && ops[osp - 1] != '(')
                if (!apply(vals, &vsp, ops[--osp]))
                    return 0;
            if (osp == 0)
                return 0;
            osp--;
            break;
        case T_OP:
            while (osp > 0 && ops[osp - 1] != '(' &&
                   precedence(ops[osp - 1]) >= precedence(t->value))
                if (!apply(vals, &vsp, ops[--osp]))
                    return 0;
            ops[osp++] = t->value;
            break;
        default:
            return 0;
        }
    }
    while (osp > 0)
        if (ops[osp - 1] == '(' || !apply(vals, &vsp, ops[--osp]))
            return 0;
    if (vsp != 1)
        return 0;
    *result = vals[0];
    return 1;
}

/* Pike/Kernighan matcher: supports literal chars, '.', '*', '^' and '$'. */
static int match_here(const char *re, const char *text);

static int match_star(char c, const char *re, const char *text)
{
    do {
        if (match_here(re, text))
            return 1;
    } while (*text != '\0' && (*text++ == c || c == '.'));
    return 0;
}

static int match_here(const char *re, const char *text)
{
    if (re[0] == '\0')
        return 1;
    if (re[1] == '*')
        return match_star(re[0], re + 2, text);
    if (re[0] == '$' && re[1] == '\0')
        return *text == '\0';
    if (*text != '\0' && (re[0] == '.' || re[0] == *text))
        return match_here(re + 1, text + 1);
    return 0;
}

static int match(const char *re, const char *text)
{
    if (re[0] == '^')
        return match_here(re + 1, text);
    do {
        if (match_here(re, text))
            return 1;
    } while (*text++ != '\0');
    return 0;
}

int main(void)
{
    static const char *exprs[] = {
        "1 + 2 * 3", "(1 + 2) * 3", "100 / 7 % 5", "0x1F + 0xff",
        "2 * (3 + 4) * (5 - 1)", "10 - 4 - 3", "7 / 0", "(1 + 2", "3 $ 4",
    };
    struct token toks[MAX_TOKENS];
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        int n = lex(exprs[i], toks);
        int64_t v;
        if (evaluate(toks, &v))
            printf("%-24s tokens=%2d value=%lld\n", exprs[i], n, (long long)v);
        else
            printf("%-24s tokens=%2d error\n", exprs[i], n);
    }

    static const char *const cases[][2] = {
        {"ab*c", "xxacyy"}, {"^ab*c$", "abbbbc"}, {"^a.c", "abcdef"},
        {"c$", "abcd"},     {"a.*z", "a to z"},   {"^$", ""}, {"x*y*z", "q"},
    };
    int matched = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int m = match(cases[i][0], cases[i][1]);
        matched += m;
        printf("match(\"%s\", \"%s\") = %d\n", cases[i][0], cases[i][1], m);
    }
    printf("matches: %d\n", matched);
    return 0;
}
