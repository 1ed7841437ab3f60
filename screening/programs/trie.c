/* trie.c - a malloc'd trie over lowercase words: insert, count, prefix queries, ordered traversal, free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    struct node *next[26];
    int count;
};

static int live_nodes;

static struct node *node_new(void)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n) {
        printf("out of memory\n");
        exit(1);
    }
    live_nodes++;
    return n;
}

static void insert(struct node *root, const char *w)
{
    for (; *w; w++) {
        int c = *w - 'a';
        if (!root->next[c])
            root->next[c] = node_new();
        root = root->next[c];
    }
    root->count++;
}

static int count_under(const struct node *n)
{
    int total = n->count;
    for (int i = 0; i < 26; i++)
        if (n->next[i])
            total += count_under(n->next[i]);
    return total;
}

static int with_prefix(const struct node *root, const char *p)
{
    for (; *p && root; p++)
        root = root->next[*p - 'a'];
    return root ? count_under(root) : 0;
}

static void walk(const struct node *n, char *buf, int len, int *shown)
{
    if (n->count && *shown < 12) {
        buf[len] = '\0';
        printf("%s:%d ", buf, n->count);
        (*shown)++;
    }
    for (int i = 0; i < 26; i++)
        if (n->next[i]) {
            buf[len] = (char)('a' + i);
            walk(n->next[i], buf, len + 1, shown);
        }
}

static void release(struct node *n)
{
    for (int i = 0; i < 26; i++)
        if (n->next[i])
            release(n->next[i]);
    free(n);
    live_nodes--;
}

int main(void)
{
    const char *text = "she sells sea shells by the sea shore the shells she sells are surely seashells "
                       "so if she sells shells on the seashore i am sure she sells seashore shells";
    struct node *root = node_new();
    char word[32];
    int len = 0, words = 0;
    for (const char *p = text;; p++) {
        if (*p >= 'a' && *p <= 'z') {
            word[len++] = *p;
        } else {
            if (len) {
                word[len] = '\0';
                insert(root, word);
                words++;
                len = 0;
            }
            if (!*p)
                break;
        }
    }
    printf("words=%d nodes=%d total=%d\n", words, live_nodes, count_under(root));
    const char *prefixes[] = {"s", "sh", "she", "sea", "se", "t", "x", "seashell", "sure"};
    for (int i = 0; i < 9; i++)
        printf("prefix %-9s %d\n", prefixes[i], with_prefix(root, prefixes[i]));
    char buf[32];
    int shown = 0;
    walk(root, buf, 0, &shown);
    printf("\n");
    release(root);
    printf("live after free=%d\n", live_nodes);
    return 0;
}
