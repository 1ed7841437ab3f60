/* tokenizer.c - turns an expression string into tokens, one at a time. */
#include <string.h>
#include "calc.h"

static const char *const names[] = {
    "number", "ident", "+", "-", "*", "/", "%", "^", "(", ")", ",", "=", "end", "invalid",
};

const char *token_name(enum token_kind kind)
{
    return names[kind];
}

void lexer_init(struct lexer *lx, const char *src)
{
    lx->src = src;
    lx->pos = 0;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

struct token lexer_next(struct lexer *lx)
{
    struct token t;
    memset(&t, 0, sizeof t);
    const char *s = lx->src;
    while (s[lx->pos] == ' ' || s[lx->pos] == '\t')
        lx->pos++;
    char c = s[lx->pos];
    if (c == '\0') {
        t.kind = TOK_END;
        return t;
    }
    if (is_digit(c)) {
        uint64_t v = 0; /* unsigned so that huge literals wrap instead of overflowing */
        while (is_digit(s[lx->pos]))
            v = v * 10u + (uint64_t)(s[lx->pos++] - '0');
        t.kind = TOK_NUMBER;
        t.number = (int64_t)v;
        return t;
    }
    if (is_alpha(c)) {
        int n = 0;
        while (is_alpha(s[lx->pos]) || is_digit(s[lx->pos])) {
            if (n < MAX_IDENT - 1)
                t.ident[n++] = s[lx->pos];
            lx->pos++;
        }
        t.ident[n] = '\0';
        t.kind = TOK_IDENT;
        return t;
    }
    lx->pos++;
    switch (c) {
    case '+': t.kind = TOK_PLUS; break;
    case '-': t.kind = TOK_MINUS; break;
    case '*': t.kind = TOK_STAR; break;
    case '/': t.kind = TOK_SLASH; break;
    case '%': t.kind = TOK_PERCENT; break;
    case '^': t.kind = TOK_CARET; break;
    case '(': t.kind = TOK_LPAREN; break;
    case ')': t.kind = TOK_RPAREN; break;
    case ',': t.kind = TOK_COMMA; break;
    case '=': t.kind = TOK_ASSIGN; break;
    default: t.kind = TOK_INVALID; break;
    }
    return t;
}
