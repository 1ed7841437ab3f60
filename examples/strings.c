/* strings.c - string handling: tokenizing, word reversal, case folding, KMP search. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#define MAX_TOKENS 32
#define MAX_TEXT 256

static const char *sample_text =
    "The quick brown fox jumps over the lazy dog, "
    "and THE dog sleeps; the Fox runs away.";

/* Lowercase an ASCII character without depending on the locale. */
static char fold_char(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    return c;
}

static int is_delim(char c, const char *delims)
{
    for (; *delims; delims++)
        if (*delims == c)
            return 1;
    return 0;
}

/* Split buf in place on any of delims; returns number of tokens. */
static int tokenize(char *buf, const char *delims, char **tokens, int max)
{
    int n = 0;
    char *p = buf;
    while (*p && n < max) {
        while (*p && is_delim(*p, delims))
            p++;
        if (!*p)
            break;
        tokens[n++] = p;
        while (*p && !is_delim(*p, delims))
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static void reverse_range(char *s, size_t i, size_t j)
{
    while (i < j) {
        char t = s[i];
        s[i] = s[j];
        s[j] = t;
        i++;
        j--;
    }
}

/* Reverse the order of words: reverse whole string, then each word. */
static void reverse_words(char *s)
{
    size_t len = strlen(s);
    if (len == 0)
        return;
    reverse_range(s, 0, len - 1);
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (s[i] == ' ' || s[i] == '\0') {
            if (i > start)
                reverse_range(s, start, i - 1);
            start = i + 1;
        }
    }
}

static int fold_compare(const char *a, const char *b)
{
    while (*a && fold_char(*a) == fold_char(*b)) {
        a++;
        b++;
    }
    return (unsigned char)fold_char(*a) - (unsigned char)fold_char(*b);
}

/* Knuth-Morris-Pratt: count occurrences of pat in text (overlapping). */
static int kmp_count(const char *text, const char *pat, int *first)
{
    int fail[64];
    int m = (int)strlen(pat);
    if (m == 0 || m > 64)
        return 0;
    fail[0] = 0;
    for (int i = 1, k = 0; i < m; i++) {
        while (k > 0 && pat[i] != pat[k])
            k = fail[k - 1];
        if (pat[i] == pat[k])
            k++;
        fail[i] = k;
    }
    int count = 0;
    *first = -1;
    for (int i = 0, k = 0; text[i]; i++) {
        while (k > 0 && text[i] != pat[k])
            k = fail[k - 1];
        if (text[i] == pat[k])
            k++;
        if (k == m) {
            if (*first < 0)
                *first = i - m + 1;
            count++;
            k = fail[k - 1];
        }
    }
    return count;
}

static uint32_t string_hash(const char *s)
{
    uint32_t h = 5381u;
    while (*s)
        h = h * 33u + (unsigned char)*s++;
    return h;
}

int main(void)
{
    char buf[MAX_TEXT];
    char *tokens[MAX_TOKENS];

    strcpy(buf, sample_text);
    int n = tokenize(buf, " ,;.", tokens, MAX_TOKENS);
    printf("tokens: %d\n", n);
    printf("first=%s last=%s\n", tokens[0], tokens[n - 1]);

    int the_count = 0;
    size_t longest = 0;
    for (int i = 0; i < n; i++) {
        if (fold_compare(tokens[i], "the") == 0)
            the_count++;
        if (strlen(tokens[i]) > longest)
            longest = strlen(tokens[i]);
    }
    printf("case-insensitive 'the': %d, longest word: %zu\n", the_count, longest);

    char folded[MAX_TEXT];
    size_t i;
    for (i = 0; sample_text[i]; i++)
        folded[i] = fold_char(sample_text[i]);
    folded[i] = '\0';
    printf("folded hash: %08x\n", (unsigned)string_hash(folded));

    char words[MAX_TEXT] = "one two three four five";
    reverse_words(words);
    printf("reversed words: %s\n", words);

    int first;
    int c1 = kmp_count(folded, "the", &first);
    printf("kmp 'the': count=%d first=%d\n", c1, first);
    int c2 = kmp_count("aaaaabaaaa", "aa", &first);
    printf("kmp 'aa' overlapping: count=%d first=%d\n", c2, first);
    int c3 = kmp_count("abababcabababcab", "ababc", &first);
    printf("kmp 'ababc': count=%d first=%d\n", c3, first);
    int c4 = kmp_count(folded, "cat", &first);
    printf("kmp 'cat': count=%d first=%d\n", c4, first);

    const char *p = strstr(sample_text, "lazy");
    kmp_count(sample_text, "lazy", &first);
    printf("'lazy' at %d, strstr agrees: %d\n", first, p != NULL && (p - sample_text) == first);
    return 0;
}
