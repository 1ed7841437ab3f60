/* structs.c - structs by value and by pointer, nested aggregates, unions, bitfields, arrays of structs. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

struct vec3 {
    int x, y, z;
};

struct particle {
    char name[8];
    struct vec3 pos, vel;
    unsigned mass;
};

struct flags {
    unsigned ready : 1;
    unsigned mode : 3;
    unsigned count : 12;
    signed delta : 6;
};

union word {
    uint32_t u;
    uint8_t b[4];
    uint16_t h[2];
};

static struct vec3 vadd(struct vec3 a, struct vec3 b)
{
    struct vec3 r = {a.x + b.x, a.y + b.y, a.z + b.z};
    return r;
}

static struct vec3 vscale(struct vec3 a, int k)
{
    a.x *= k;
    a.y *= k;
    a.z *= k;
    return a;
}

static long vdot(const struct vec3 *a, const struct vec3 *b)
{
    return (long)a->x * b->x + (long)a->y * b->y + (long)a->z * b->z;
}

static void step(struct particle *p, int n)
{
    for (int i = 0; i < n; i++) {
        p[i].pos = vadd(p[i].pos, p[i].vel);
        if (p[i].pos.y < 0) {
            p[i].pos.y = -p[i].pos.y;
            p[i].vel.y = -p[i].vel.y;
        }
        p[i].vel.y -= 1;
    }
}

int main(void)
{
    struct particle ps[3] = {
        {"alpha", {0, 10, 0}, {1, 2, 3}, 5},
        {"beta", {-4, 3, 7}, {2, 0, -1}, 9},
        {"gamma", {8, 1, -2}, {-1, 4, 1}, 2},
    };
    for (int t = 0; t < 12; t++)
        step(ps, 3);
    struct vec3 com = {0, 0, 0};
    unsigned total = 0;
    for (int i = 0; i < 3; i++) {
        printf("%-6s pos=(%d,%d,%d) vel=(%d,%d,%d)\n", ps[i].name, ps[i].pos.x, ps[i].pos.y, ps[i].pos.z,
               ps[i].vel.x, ps[i].vel.y, ps[i].vel.z);
        com = vadd(com, vscale(ps[i].pos, (int)ps[i].mass));
        total += ps[i].mass;
    }
    printf("weighted=(%d,%d,%d)/%u dot01=%ld\n", com.x, com.y, com.z, total, vdot(&ps[0].pos, &ps[1].pos));

    struct particle copy = ps[1];
    strcpy(copy.name, "copy");
    copy.pos.x = 100;
    printf("orig %s %d, copy %s %d\n", ps[1].name, ps[1].pos.x, copy.name, copy.pos.x);

    struct flags f = {0, 0, 0, 0};
    int sum = 0;
    for (int i = 0; i < 40; i++) {
        f.ready = (unsigned)i & 1u;
        f.mode = (unsigned)(i * 3) & 7u;
        f.count = (f.count + (unsigned)i * 97u) & 0xfffu;
        f.delta = (i % 32) - 16;
        sum += (int)f.ready + (int)f.mode + (int)f.count + f.delta;
    }
    printf("flags ready=%u mode=%u count=%u delta=%d sum=%d\n", f.ready, f.mode, f.count, f.delta, sum);

    union word w;
    w.u = 0;
    for (int i = 0; i < 4; i++)
        w.b[i] = (uint8_t)(0x11 * (i + 1));
    printf("word=%08x halves=%04x,%04x\n", w.u, w.h[0], w.h[1]);
    w.h[1] ^= 0xffff;
    printf("word=%08x\n", w.u);
    return 0;
}
