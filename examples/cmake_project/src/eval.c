/* eval.c - evaluates calc ASTs with wrapping 64-bit integers and builtin functions. */
#include <string.h>
#include "calc.h"

typedef int (*builtin_fn)(const int64_t *args, int64_t *out);

static int fn_abs(const int64_t *a, int64_t *out)
{
    *out = a[0] < 0 ? (int64_t)(0u - (uint64_t)a[0]) : a[0];
    return 1;
}

static int fn_min(const int64_t *a, int64_t *out) { *out = a[0] < a[1] ? a[0] : a[1]; return 1; }
static int fn_max(const int64_t *a, int64_t *out) { *out = a[0] > a[1] ? a[0] : a[1]; return 1; }

static int fn_gcd(const int64_t *a, int64_t *out)
{
    uint64_t x = a[0] < 0 ? 0u - (uint64_t)a[0] : (uint64_t)a[0];
    uint64_t y = a[1] < 0 ? 0u - (uint64_t)a[1] : (uint64_t)a[1];
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    *out = (int64_t)x;
    return 1;
}

static int fn_clamp(const int64_t *a, int64_t *out)
{
    *out = a[0] < a[1] ? a[1] : a[0] > a[2] ? a[2] : a[0];
    return 1;
}

static const struct {
    const char *name;
    int arity;
    builtin_fn fn;
} builtins[] = {
    {"abs", 1, fn_abs}, {"min", 2, fn_min}, {"max", 2, fn_max},
    {"gcd", 2, fn_gcd}, {"clamp", 3, fn_clamp},
};

static struct eval_result ok(int64_t v)
{
    struct eval_result r = {1, v, NULL};
    return r;
}

static struct eval_result err(const char *msg)
{
    struct eval_result r = {0, 0, msg};
    return r;
}

/* Integer power by squaring; negative exponents are rejected. */
static uint64_t ipow(uint64_t base, uint64_t exp)
{
    uint64_t r = 1;
    while (exp) {
        if (exp & 1u)
            r *= base;
        base *= base;
        exp >>= 1;
    }
    return r;
}

static struct eval_result binop(char op, int64_t a, int64_t b)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case '+': return ok((int64_t)(ua + ub));
    case '-': return ok((int64_t)(ua - ub));
    case '*': return ok((int64_t)(ua * ub));
    case '^':
        if (b < 0)
            return err("negative exponent");
        return ok((int64_t)ipow(ua, ub));
    default:
        if (b == 0)
            return err("division by zero");
        if (b == -1) /* avoid INT64_MIN / -1 */
            return ok(op == '/' ? (int64_t)(0u - ua) : 0);
        return ok(op == '/' ? a / b : a % b);
    }
}

struct eval_result evaluate(const struct node *n)
{
    struct eval_result l, r;
    switch (n->kind) {
    case N_NUM:
        return ok(n->number);
    case N_VAR: {
        int64_t v;
        return table_get(n->name, &v) ? ok(v) : err("undefined variable");
    }
    case N_NEG:
        l = evaluate(n->kid[0]);
        return l.ok ? ok((int64_t)(0u - (uint64_t)l.value)) : l;
    case N_BINARY:
        l = evaluate(n->kid[0]);
        if (!l.ok)
            return l;
        r = evaluate(n->kid[1]);
        if (!r.ok)
            return r;
        return binop(n->op, l.value, r.value);
    case N_CALL:
        for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
            if (strcmp(builtins[i].name, n->name) != 0)
                continue;
            if (builtins[i].arity != n->nargs)
                return err("wrong number of arguments");
            int64_t args[MAX_ARGS];
            for (int k = 0; k < n->nargs; k++) {
                l = evaluate(n->kid[k]);
                if (!l.ok)
                    return l;
                args[k] = l.value;
            }
            int64_t out;
            builtins[i].fn(args, &out);
            return ok(out);
        }
        return err("unknown function");
    case N_ASSIGN:
        l = evaluate(n->kid[0]);
        if (l.ok && !table_set(n->name, l.value))
            return err("symbol table full");
        return l;
    }
    return err("bad node");
}

int ast_depth(const struct node *n)
{
    int best = 0;
    for (int i = 0; i < MAX_ARGS; i++)
        if (n->kid[i]) {
            int d = ast_depth(n->kid[i]);
            if (d > best)
                best = d;
        }
    return best + 1;
}
