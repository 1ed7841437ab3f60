/* hash.c - FNV-1a, djb2, murmur-style mixing and an open-addressing hash table. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define TABLE_SIZE 256 /* power of two */
#define KEY_LEN 16

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static uint32_t djb2(const char *s)
{
    uint32_t h = 5381u;
    for (; *s; s++)
        h = (h << 5) + h + (unsigned char)*s;
    return h;
}

/* Finalizer from MurmurHash3 (fmix32). */
static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

enum slot_state { EMPTY = 0, USED, DELETED };

struct slot {
    enum slot_state state;
    char key[KEY_LEN];
    int value;
};

static struct slot table[TABLE_SIZE];
static int table_count;
static unsigned long probe_total;

static uint32_t slot_hash(const char *key)
{
    return fmix32(fnv1a(key));
}

/* Linear probing; returns index of key or -1. */
static int table_find(const char *key)
{
    uint32_t idx = slot_hash(key) & (TABLE_SIZE - 1);
    for (int i = 0; i < TABLE_SIZE; i++) {
        struct slot *s = &table[idx];
        probe_total++;
        if (s->state == EMPTY)
            return -1;
        if (s->state == USED && strcmp(s->key, key) == 0)
            return (int)idx;
        idx = (idx + 1) & (TABLE_SIZE - 1);
    }
    return -1;
}

static int table_insert(const char *key, int value)
{
    int found = table_find(key);
    if (found >= 0) {
        table[found].value = value;
        return 1;
    }
    uint32_t idx = slot_hash(key) & (TABLE_SIZE - 1);
    for (int i = 0; i < TABLE_SIZE; i++) {
        struct slot *s = &table[idx];
        if (s->state != USED) {
            s->state = USED;
            snprintf(s->key, KEY_LEN, "%s", key);
            s->value = value;
            table_count++;
            return 1;
        }
        idx = (idx + 1) & (TABLE_SIZE - 1);
    }
    return 0;
}

static int table_delete(const char *key)
{
    int idx = table_find(key);
    if (idx < 0)
        return 0;
    table[idx].state = DELETED;
    table_count--;
    return 1;
}

static void make_key(char *buf, int i)
{
    snprintf(buf, KEY_LEN, "key%d", i * 7 + 3);
}

int main(void)
{
    static const char *words[] = {"", "a", "hello", "passlm", "The quick brown fox"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        printf("\"%s\": fnv1a=%08x djb2=%08x fmix=%08x\n", words[i],
               (unsigned)fnv1a(words[i]), (unsigned)djb2(words[i]),
               (unsigned)fmix32(djb2(words[i])));
    printf("fmix64(42)=%016llx\n", (unsigned long long)fmix64(42));

    char key[KEY_LEN];
    for (int i = 0; i < 150; i++) {
        make_key(key, i);
        table_insert(key, i * i);
    }
    printf("after insert: count=%d\n", table_count);

    for (int i = 0; i < 150; i += 3) {
        make_key(key, i);
        table_delete(key);
    }
    printf("after delete: count=%d\n", table_count);

    long sum = 0;
    int hits = 0, misses = 0;
    probe_total = 0;
    for (int i = 0; i < 200; i++) {
        make_key(key, i);
        int idx = table_find(key);
        if (idx >= 0) {
            hits++;
            sum += table[idx].value;
        } else {
            misses++;
        }
    }
    printf("lookups: hits=%d misses=%d sum=%ld probes=%lu\n", hits, misses, sum,
           probe_total);

    /* Re-insert over tombstones and update an existing key. */
    for (int i = 0; i < 150; i += 3) {
        make_key(key, i);
        table_insert(key, -i);
    }
    table_insert("key10", 12345);
    int idx = table_find("key10");
    printf("final: count=%d key10=%d\n", table_count, idx >= 0 ? table[idx].value : -1);
    return 0;
}
