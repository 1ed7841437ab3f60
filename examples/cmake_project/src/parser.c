/* parser.c - recursive-descent parser producing an AST from calc tokens. */
#include <string.h>
#include "calc.h"

/*
 * Grammar:
 *   statement := IDENT '=' expr | expr
 *   expr      := term (('+' | '-') term)*
 *   term      := unary (('*' | '/' | '%') unary)*
 *   unary     := '-' unary | power
 *   power     := primary ('^' unary)?          (right associative)
 *   primary   := NUMBER | IDENT | IDENT '(' args ')' | '(' expr ')'
 */

static struct node *expr(struct parser *p);
static struct node *unary(struct parser *p);

static void advance(struct parser *p)
{
    p->cur = lexer_next(&p->lx);
}

static struct node *fail(struct parser *p, const char *msg)
{
    if (!p->error)
        p->error = msg;
    return NULL;
}

static struct node *new_node(struct parser *p, enum node_kind kind)
{
    if (p->used >= MAX_NODES)
        return fail(p, "expression too large");
    struct node *n = &p->pool[p->used++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    return n;
}

static struct node *binary(struct parser *p, char op, struct node *l, struct node *r)
{
    if (!l || !r)
        return NULL;
    struct node *n = new_node(p, N_BINARY);
    if (n) {
        n->op = op;
        n->kid[0] = l;
        n->kid[1] = r;
    }
    return n;
}

static struct node *primary(struct parser *p)
{
    struct token t = p->cur;
    if (t.kind == TOK_NUMBER) {
        advance(p);
        struct node *n = new_node(p, N_NUM);
        if (n)
            n->number = t.number;
        return n;
    }
    if (t.kind == TOK_IDENT) {
        advance(p);
        int is_call = p->cur.kind == TOK_LPAREN;
        struct node *n = new_node(p, is_call ? N_CALL : N_VAR);
        if (!n)
            return NULL;
        memcpy(n->name, t.ident, MAX_IDENT);
        if (!is_call)
            return n;
        advance(p);
        if (p->cur.kind != TOK_RPAREN) {
            for (;;) {
                if (n->nargs == MAX_ARGS)
                    return fail(p, "too many arguments");
                if (!(n->kid[n->nargs++] = expr(p)))
                    return NULL;
                if (p->cur.kind != TOK_COMMA)
                    break;
                advance(p);
            }
        }
        if (p->cur.kind != TOK_RPAREN)
            return fail(p, "expected ')' after arguments");
        advance(p);
        return n;
    }
    if (t.kind == TOK_LPAREN) {
        advance(p);
        struct node *n = expr(p);
        if (p->cur.kind != TOK_RPAREN)
            return fail(p, "expected ')'");
        advance(p);
        return n;
    }
    return fail(p, "unexpected token");
}

static struct node *power(struct parser *p)
{
    struct node *base = primary(p);
    if (p->cur.kind != TOK_CARET)
        return base;
    advance(p);
    return binary(p, '^', base, unary(p));
}

static struct node *unary(struct parser *p)
{
    if (p->cur.kind == TOK_MINUS) {
        advance(p);
        struct node *operand = unary(p);
        struct node *n = operand ? new_node(p, N_NEG) : NULL;
        if (n)
            n->kid[0] = operand;
        return n;
    }
    return power(p);
}

static struct node *term(struct parser *p)
{
    struct node *l = unary(p);
    while (l && (p->cur.kind == TOK_STAR || p->cur.kind == TOK_SLASH ||
                 p->cur.kind == TOK_PERCENT)) {
        char op = *token_name(p->cur.kind);
        advance(p);
        l = binary(p, op, l, unary(p));
    }
    return l;
}

static struct node *expr(struct parser *p)
{
    struct node *l = term(p);
    while (l && (p->cur.kind == TOK_PLUS || p->cur.kind == TOK_MINUS)) {
        char op = *token_name(p->cur.kind);
        advance(p);
        l = binary(p, op, l, term(p));
    }
    return l;
}

struct node *parse_statement(struct parser *p, const char *src)
{
    p->used = 0;
    p->error = NULL;
    lexer_init(&p->lx, src);
    advance(p);

    struct node *root;
    struct lexer saved = p->lx;
    struct token first = p->cur;
    advance(p);
    if (first.kind == TOK_IDENT && p->cur.kind == TOK_ASSIGN) {
        advance(p);
        struct node *value = expr(p);
        root = value ? new_node(p, N_ASSIGN) : NULL;
        if (root) {
            memcpy(root->name, first.ident, MAX_IDENT);
            root->kid[0] = value;
        }
    } else {
        p->lx = saved; /* not an assignment: rewind one token */
        p->cur = first;
        root = expr(p);
    }
    if (root && p->cur.kind != TOK_END)
        return fail(p, "trailing input");
    return root;
}
