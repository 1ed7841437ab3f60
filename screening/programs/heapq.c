/* heapq.c - a binary min-heap priority queue driving a discrete event simulation of a queueing system. */
#include <stdio.h>

struct event {
    long time;
    int kind; /* 0 arrival, 1 departure */
    int id;
};

static struct event heap[256];
static int heap_n;

static int less(const struct event *a, const struct event *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->kind != b->kind)
        return a->kind > b->kind;
    return a->id < b->id;
}

static void push(struct event e)
{
    int i = heap_n++;
    heap[i] = e;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!less(&heap[i], &heap[p]))
            break;
        struct event t = heap[i];
        heap[i] = heap[p];
        heap[p] = t;
        i = p;
    }
}

static struct event pop(void)
{
    struct event top = heap[0];
    heap[0] = heap[--heap_n];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap_n && less(&heap[l], &heap[m]))
            m = l;
        if (r < heap_n && less(&heap[r], &heap[m]))
            m = r;
        if (m == i)
            break;
        struct event t = heap[i];
        heap[i] = heap[m];
        heap[m] = t;
        i = m;
    }
    return top;
}

static unsigned rng = 2024;
static int rnd(int n)
{
    rng = rng * 1103515245u + 12345u;
    return (int)((rng >> 16) % (unsigned)n);
}

int main(void)
{
    long t = 0, busy_until = 0, wait_total = 0, max_queue = 0;
    int queue[128], qh = 0, qt = 0, served = 0;
    long arrival_time[128];
    for (int i = 0; i < 100; i++) {
        t += 1 + rnd(10);
        push((struct event){t, 0, i});
    }
    int printed = 0;
    while (heap_n) {
        struct event e = pop();
        if (e.kind == 0) {
            arrival_time[e.id] = e.time;
            if (busy_until <= e.time && qh == qt) {
                busy_until = e.time + 2 + rnd(9);
                push((struct event){busy_until, 1, e.id});
            } else {
                queue[qt++] = e.id;
                if (qt - qh > max_queue)
                    max_queue = qt - qh;
            }
        } else {
            served++;
            if (printed < 10) {
                printf("t=%4ld done %3d\n", e.time, e.id);
                printed++;
            }
            if (qh < qt) {
                int id = queue[qh++];
                wait_total += e.time - arrival_time[id];
                busy_until = e.time + 2 + rnd(9);
                push((struct event){busy_until, 1, id});
            }
        }
    }
    printf("served=%d end=%ld wait=%ld maxq=%ld\n", served, busy_until, wait_total, max_queue);
    int keys[] = {50, 3, 99, 3, 17, 42, 0, 8, 77, 23};
    for (int i = 0; i < 10; i++)
        push((struct event){keys[i], i % 2, i});
    while (heap_n) {
        struct event e = pop();
        printf("%ld/%d/%d ", e.time, e.kind, e.id);
    }
    printf("\n");
    return 0;
}
