/* interp.c - a tiny stack-machine bytecode interpreter running a few programs. */
#include <stdio.h>
#include <stdint.h>

enum opcode {
    OP_PUSH,  /* push immediate */
    OP_LOAD,  /* push local[imm] */
    OP_STORE, /* local[imm] = pop */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
    OP_LT,    /* push (a < b) */
    OP_EQ,    /* push (a == b) */
    OP_JMP,   /* pc = imm */
    OP_JZ,    /* if pop == 0: pc = imm */
    OP_DUP, OP_SWAP, OP_PRINT, OP_HALT
};

struct insn {
    uint8_t op;
    int32_t arg;
};

#define STACK_MAX 64
#define LOCALS 8

static const char *const op_names[] = {"push", "load", "store", "add", "sub",
                                       "mul", "div", "mod", "lt", "eq", "jmp",
                                       "jz", "dup", "swap", "print", "halt"};

struct vm {
    int64_t stack[STACK_MAX];
    int64_t locals[LOCALS];
    int sp;
    unsigned long steps;
    unsigned long op_count[OP_HALT + 1];
};

static void push(struct vm *m, int64_t v) { m->stack[m->sp++] = v; }
static int64_t pop(struct vm *m) { return m->stack[--m->sp]; }

/* Arithmetic is done on uint64_t so that overflow wraps deterministically. */
static int64_t wrap(uint64_t v) { return (int64_t)v; }

/* Division by zero yields 0; x / -1 is negation, avoiding INT64_MIN / -1. */
static int64_t safe_div(int64_t a, int64_t b)
{
    if (b == 0)
        return 0;
    if (b == -1)
        return wrap(0u - (uint64_t)a);
    return a / b;
}

static int64_t safe_mod(int64_t a, int64_t b)
{
    return (b == 0 || b == -1) ? 0 : a % b;
}

static int64_t run(struct vm *m, const struct insn *code, int64_t arg0, int64_t arg1)
{
    int pc = 0;
    m->sp = 0;
    for (int i = 0; i < LOCALS; i++)
        m->locals[i] = 0;
    m->locals[0] = arg0;
    m->locals[1] = arg1;
    for (;;) {
        const struct insn *in = &code[pc++];
        int64_t a, b;
        m->steps++;
        m->op_count[in->op]++;
        switch ((enum opcode)in->op) {
        case OP_PUSH: push(m, in->arg); break;
        case OP_LOAD: push(m, m->locals[in->arg]); break;
        case OP_STORE: m->locals[in->arg] = pop(m); break;
        case OP_ADD: b = pop(m); a = pop(m); push(m, wrap((uint64_t)a + (uint64_t)b)); break;
        case OP_SUB: b = pop(m); a = pop(m); push(m, wrap((uint64_t)a - (uint64_t)b)); break;
        case OP_MUL: b = pop(m); a = pop(m); push(m, wrap((uint64_t)a * (uint64_t)b)); break;
        case OP_DIV: b = pop(m); a = pop(m); push(m, safe_div(a, b)); break;
        case OP_MOD: b = pop(m); a = pop(m); push(m, safe_mod(a, b)); break;
        case OP_LT: b = pop(m); a = pop(m); push(m, a < b); break;
        case OP_EQ: b = pop(m); a = pop(m); push(m, a == b); break;
        case OP_JMP: pc = in->arg; break;
        case OP_JZ: if (pop(m) == 0) pc = in->arg; break;
        case OP_DUP: a = pop(m); push(m, a); push(m, a); break;
        case OP_SWAP: b = pop(m); a = pop(m); push(m, b); push(m, a); break;
        case OP_PRINT: printf(" %lld", (long long)m->stack[m->sp - 1]); break;
        case OP_HALT: return m->sp > 0 ? pop(m) : 0;
        }
    }
}

/* factorial(n): r = 1; while (0 < n) { r *= n; n -= 1; } return r */
static const struct insn prog_fact[] = {
    {OP_PUSH, 1}, {OP_STORE, 1},
    {OP_PUSH, 0}, {OP_LOAD, 0}, {OP_LT, 0}, {OP_JZ, 15},      /* 2..5 */
    {OP_LOAD, 1}, {OP_LOAD, 0}, {OP_MUL, 0}, {OP_STORE, 1},   /* 6..9 */
    {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_SUB, 0}, {OP_STORE, 0},   /* 10..13 */
    {OP_JMP, 2},
    {OP_LOAD, 1}, {OP_HALT, 0},
};

/* fib(n): a = 0; b = 1; repeat n times { t = a + b; a = b; b = t } return a */
static const struct insn prog_fib[] = {
    {OP_PUSH, 0}, {OP_STORE, 1}, {OP_PUSH, 1}, {OP_STORE, 2},  /* 0..3 */
    {OP_LOAD, 0}, {OP_JZ, 17},                                 /* 4..5 */
    {OP_LOAD, 1}, {OP_LOAD, 2}, {OP_ADD, 0},                   /* 6..8 */
    {OP_LOAD, 2}, {OP_STORE, 1}, {OP_STORE, 2},                /* 9..11 */
    {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_SUB, 0}, {OP_STORE, 0},    /* 12..15 */
    {OP_JMP, 4},                                               /* 16 */
    {OP_LOAD, 1}, {OP_HALT, 0},                                /* 17..18 */
};

/* gcd(a, b): while (b != 0) { t = a % b; a = b; b = t } print a; return a */
static const struct insn prog_gcd[] = {
    {OP_LOAD, 1}, {OP_JZ, 9},                                  /* 0..1 */
    {OP_LOAD, 0}, {OP_LOAD, 1}, {OP_MOD, 0},                   /* 2..4 */
    {OP_LOAD, 1}, {OP_STORE, 0}, {OP_STORE, 1}, {OP_JMP, 0},   /* 5..8 */
    {OP_LOAD, 0}, {OP_PRINT, 0}, {OP_HALT, 0},                 /* 9..11 */
};

/* collatz(n): count steps until n == 1 */
static const struct insn prog_collatz[] = {
    {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_EQ, 0}, {OP_JZ, 6},        /* 0..3 */
    {OP_LOAD, 1}, {OP_HALT, 0},                                /* 4..5 */
    {OP_LOAD, 0}, {OP_PUSH, 2}, {OP_MOD, 0}, {OP_JZ, 16},      /* 6..9 */
    {OP_LOAD, 0}, {OP_PUSH, 3}, {OP_MUL, 0}, {OP_PUSH, 1},     /* 10..13 */
    {OP_ADD, 0}, {OP_JMP, 19},                                 /* 14..15 */
    {OP_LOAD, 0}, {OP_PUSH, 2}, {OP_DIV, 0},                   /* 16..18 */
    {OP_STORE, 0},                                             /* 19 */
    {OP_LOAD, 1}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 1},    /* 20..23 */
    {OP_JMP, 0},                                               /* 24 */
};

static struct vm machine;

int main(void)
{
    static const int fact_args[] = {0, 1, 5, 10, 20, 25};
    for (size_t i = 0; i < sizeof fact_args / sizeof fact_args[0]; i++)
        printf("fact(%d) = %lld\n", fact_args[i],
               (long long)run(&machine, prog_fact, fact_args[i], 0));

    static const int fib_args[] = {0, 1, 10, 50, 90};
    for (size_t i = 0; i < sizeof fib_args / sizeof fib_args[0]; i++)
        printf("fib(%d) = %lld\n", fib_args[i],
               (long long)run(&machine, prog_fib, fib_args[i], 0));

    static const int gcd_args[][2] = {{48, 18}, {1071, 462}, {17, 5}, {0, 9}};
    for (size_t i = 0; i < sizeof gcd_args / sizeof gcd_args[0]; i++) {
        printf("gcd(%d, %d) printed", gcd_args[i][0], gcd_args[i][1]);
        int64_t r = run(&machine, prog_gcd, gcd_args[i][0], gcd_args[i][1]);
        printf(", returned %lld\n", (long long)r);
    }

    static const int collatz_args[] = {1, 6, 27, 97};
    for (size_t i = 0; i < sizeof collatz_args / sizeof collatz_args[0]; i++)
        printf("collatz(%d) = %lld steps\n", collatz_args[i],
               (long long)run(&machine, prog_collatz, collatz_args[i], 0));

    printf("total steps: %lu\n", machine.steps);
    for (int op = 0; op <= OP_HALT; op++)
        if (machine.op_count[op] > 500)
            printf("  %-5s %lu\n", op_names[op], machine.op_count[op]);
    return 0;
}
