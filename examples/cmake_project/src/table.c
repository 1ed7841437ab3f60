/* table.c - variable storage: a fixed-size open-addressing hash table keyed by name. */
#include <string.h>
#include "calc.h"

#define TABLE_SLOTS 64 /* power of two */

struct entry {
    int used;
    char name[MAX_IDENT];
    int64_t value;
};

static struct entry slots[TABLE_SLOTS];
static int entries;

static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

/* Returns the slot holding name, or the empty slot where it belongs, or -1 if full. */
static int find_slot(const char *name)
{
    uint32_t i = hash_name(name) & (TABLE_SLOTS - 1);
    for (int probes = 0; probes < TABLE_SLOTS; probes++) {
        if (!slots[i].used || strcmp(slots[i].name, name) == 0)
            return (int)i;
        i = (i + 1) & (TABLE_SLOTS - 1);
    }
    return -1;
}

void table_clear(void)
{
    memset(slots, 0, sizeof slots);
    entries = 0;
}

int table_get(const char *name, int64_t *value)
{
    int i = find_slot(name);
    if (i < 0 || !slots[i].used)
        return 0;
    *value = slots[i].value;
    return 1;
}

int table_set(const char *name, int64_t value)
{
    int i = find_slot(name);
    if (i < 0)
        return 0;
    if (!slots[i].used) {
        slots[i].used = 1;
        strcpy(slots[i].name, name);
        entries++;
    }
    slots[i].value = value;
    return 1;
}

int table_count(void)
{
    return entries;
}
