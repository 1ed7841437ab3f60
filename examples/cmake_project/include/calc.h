/* calc.h - shared declarations for the calc demo (tokenizer, parser, evaluator, symbol table). */
#ifndef CALC_H
#define CALC_H

#include <stdint.h>

/* ---- tokenizer ---- */
enum token_kind {
    TOK_NUMBER, TOK_IDENT, TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_PERCENT,
    TOK_CARET, TOK_LPAREN, TOK_RPAREN, TOK_COMMA, TOK_ASSIGN, TOK_END, TOK_INVALID
};

#define MAX_IDENT 16

struct token {
    enum token_kind kind;
    int64_t number;
    char ident[MAX_IDENT];
};

struct lexer {
    const char *src;
    int pos;
};

void lexer_init(struct lexer *lx, const char *src);
struct token lexer_next(struct lexer *lx);
const char *token_name(enum token_kind kind);

/* ---- parser: builds an AST in a fixed node pool ---- */
enum node_kind { N_NUM, N_VAR, N_NEG, N_BINARY, N_CALL, N_ASSIGN };

#define MAX_NODES 128
#define MAX_ARGS 3

struct node {
    enum node_kind kind;
    int64_t number;         /* N_NUM */
    char name[MAX_IDENT];   /* N_VAR, N_CALL, N_ASSIGN target */
    char op;                /* N_BINARY: one of + - * / % ^ */
    int nargs;              /* N_CALL */
    struct node *kid[MAX_ARGS];
};

struct parser {
    struct lexer lx;
    struct token cur;
    struct node pool[MAX_NODES];
    int used;
    const char *error; /* NULL on success */
};

struct node *parse_statement(struct parser *p, const char *src);

/* ---- symbol table ---- */
void table_clear(void);
int table_get(const char *name, int64_t *value);
int table_set(const char *name, int64_t value);
int table_count(void);

/* ---- evaluator ---- */
struct eval_result {
    int ok;
    int64_t value;
    const char *error;
};

struct eval_result evaluate(const struct node *n);
int ast_depth(const struct node *n);

#endif
