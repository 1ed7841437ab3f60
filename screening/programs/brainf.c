/* brainf.c - a Brainfuck interpreter with a precomputed jump table, running two small programs. */
#include <stdio.h>
#include <string.h>

#define TAPE 512
#define MAXPROG 1024

static int run(const char *prog, const char *input, char *out, int outcap)
{
    int n = (int)strlen(prog), jump[MAXPROG], stack[MAXPROG], sp = 0, o = 0, in = 0;
    unsigned char tape[TAPE];
    memset(tape, 0, sizeof tape);
    for (int i = 0; i < n; i++) {
        if (prog[i] == '[')
            stack[sp++] = i;
        else if (prog[i] == ']') {
            int j = stack[--sp];
            jump[i] = j;
            jump[j] = i;
        }
    }
    int ptr = 0;
    long steps = 0;
    for (int pc = 0; pc < n; pc++, steps++) {
        switch (prog[pc]) {
        case '>': ptr = (ptr + 1) % TAPE; break;
        case '<': ptr = (ptr + TAPE - 1) % TAPE; break;
        case '+': tape[ptr]++; break;
        case '-': tape[ptr]--; break;
        case '.': if (o < outcap - 1) out[o++] = (char)tape[ptr]; break;
        case ',': tape[ptr] = (unsigned char)(input[in] ? input[in++] : 0); break;
        case '[': if (!tape[ptr]) pc = jump[pc]; break;
        case ']': if (tape[ptr]) pc = jump[pc]; break;
        default: break;
        }
    }
    out[o] = '\0';
    return (int)(steps % 100000);
}

int main(void)
{
    const char *hello =
        "++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------.--------.>>+.";
    const char *rev = ">,[>,]<[.<]";
    const char *upper = ",[>++++[<-------->-]<.,]";
    char out[256];
    int s = run(hello, "", out, sizeof out);
    printf("hello: %s (steps mod 1e5 = %d)\n", out, s);
    s = run(rev, "stressed no more", out, sizeof out);
    printf("reverse: %s (%d)\n", out, s);
    s = run(upper, "shout", out, sizeof out);
    printf("upper: %s (%d)\n", out, s);
    return 0;
}
