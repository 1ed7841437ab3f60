/* linkedlist.c - singly and doubly linked lists and a binary search tree, using malloc/free. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static long live_nodes; /* allocation balance, must return to zero */

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    live_nodes++;
    return p;
}

static void xfree(void *p)
{
    if (p)
        live_nodes--;
    free(p);
}

/* ---- singly linked list ---- */
struct snode {
    int value;
    struct snode *next;
};

static struct snode *slist_push(struct snode *head, int v)
{
    struct snode *n = xmalloc(sizeof *n);
    n->value = v;
    n->next = head;
    return n;
}

static struct snode *slist_reverse(struct snode *head)
{
    struct snode *prev = NULL;
    while (head) {
        struct snode *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

/* Remove every node whose value is divisible by k. */
static struct snode *slist_remove_multiples(struct snode *head, int k)
{
    struct snode **link = &head;
    while (*link) {
        if ((*link)->value % k == 0) {
            struct snode *dead = *link;
            *link = dead->next;
            xfree(dead);
        } else {
            link = &(*link)->next;
        }
    }
    return head;
}

static void slist_print(const char *label, const struct snode *n)
{
    printf("%s:", label);
    for (; n; n = n->next)
        printf(" %d", n->value);
    printf("\n");
}

static void slist_free(struct snode *n)
{
    while (n) {
        struct snode *next = n->next;
        xfree(n);
        n = next;
    }
}

/* ---- doubly linked list with sentinel ---- */
struct dnode {
    int value;
    struct dnode *prev, *next;
};

static void dlist_init(struct dnode *s) { s->prev = s->next = s; }

static void dlist_insert_after(struct dnode *pos, int v)
{
    struct dnode *n = xmalloc(sizeof *n);
    n->value = v;
    n->prev = pos;
    n->next = pos->next;
    pos->next->prev = n;
    pos->next = n;
}

static void dlist_unlink(struct dnode *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    xfree(n);
}

/* Josephus problem: every k-th person is removed from a circle of n. */
static int josephus(int n, int k)
{
    struct dnode s;
    dlist_init(&s);
    for (int i = n; i >= 1; i--)
        dlist_insert_after(&s, i);
    struct dnode *cur = s.next;
    while (s.next->next != &s) {
        for (int step = 1; step < k; step++) {
            cur = cur->next;
            if (cur == &s)
                cur = cur->next;
        }
        struct dnode *next = cur->next == &s ? s.next : cur->next;
        dlist_unlink(cur);
        cur = next;
    }
    int survivor = s.next->value;
    dlist_unlink(s.next);
    return survivor;
}

/* ---- binary search tree ---- */
struct tnode {
    int key;
    struct tnode *left, *right;
};

static struct tnode *bst_insert(struct tnode *t, int key)
{
    if (!t) {
        t = xmalloc(sizeof *t);
        t->key = key;
        t->left = t->right = NULL;
    } else if (key < t->key) {
        t->left = bst_insert(t->left, key);
    } else if (key > t->key) {
        t->right = bst_insert(t->right, key);
    }
    return t;
}

static struct tnode *bst_delete(struct tnode *t, int key)
{
    if (!t)
        return NULL;
    if (key < t->key) {
        t->left = bst_delete(t->left, key);
    } else if (key > t->key) {
        t->right = bst_delete(t->right, key);
    } else if (t->left && t->right) {
        struct tnode *succ = t->right; /* replace with in-order successor */
        while (succ->left)
            succ = succ->left;
        t->key = succ->key;
        t->right = bst_delete(t->right, succ->key);
    } else {
        struct tnode *child = t->left ? t->left : t->right;
        xfree(t);
        return child;
    }
    return t;
}

static int bst_height(const struct tnode *t)
{
    if (!t)
        return 0;
    int l = bst_height(t->left), r = bst_height(t->right);
    return 1 + (l > r ? l : r);
}

/* In-order traversal folding keys into a checksum and counting nodes. */
static void bst_inorder(const struct tnode *t, uint32_t *hash, int *count, int *prev, int *ok)
{
    if (!t)
        return;
    bst_inorder(t->left, hash, count, prev, ok);
    if (*count > 0 && t->key <= *prev)
        *ok = 0;
    *prev = t->key;
    *hash = *hash * 31u + (uint32_t)t->key;
    (*count)++;
    bst_inorder(t->right, hash, count, prev, ok);
}

static void bst_free(struct tnode *t)
{
    if (!t)
        return;
    bst_free(t->left);
    bst_free(t->right);
    xfree(t);
}

static void bst_report(const char *label, const struct tnode *t)
{
    uint32_t hash = 0;
    int count = 0, prev = 0, ok = 1;
    bst_inorder(t, &hash, &count, &prev, &ok);
    printf("%s: nodes=%d height=%d ordered=%d hash=%08x\n", label, count, bst_height(t), ok,
           (unsigned)hash);
}

int main(void)
{
    struct snode *list = NULL;
    for (int i = 1; i <= 12; i++)
        list = slist_push(list, i * i);
    slist_print("pushed", list);
    list = slist_reverse(list);
    slist_print("reversed", list);
    list = slist_remove_multiples(list, 3);
    slist_print("no multiples of 3", list);
    slist_free(list);

    printf("josephus(7, 3) = %d, josephus(41, 3) = %d, josephus(100, 2) = %d\n",
           josephus(7, 3), josephus(41, 3), josephus(100, 2));

    struct tnode *root = NULL;
    uint32_t x = 0xC0FFEEu;
    for (int i = 0; i < 500; i++) {
        x = x * 1664525u + 1013904223u;
        root = bst_insert(root, (int)(x >> 20)); /* keys 0..4095, some duplicates */
    }
    bst_report("bst after insert", root);
    for (int k = 0; k < 4096; k += 2)
        root = bst_delete(root, k);
    bst_report("bst without evens", root);
    root = bst_delete(root, root->key); /* delete the root itself */
    bst_report("bst root deleted", root);
    bst_free(root);

    printf("live allocations at exit: %ld\n", live_nodes);
    return 0;
}
