/* gotostate.c - goto-based control flow, static locals keeping state across calls, const lookup tables,
   early exits from nested loops, and a computed state machine over a string. */
#include <stdio.h>
#include <string.h>

static int next_id(void)
{
    static int id = 100;
    return id += 7;
}

static const unsigned short days_before[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int day_of_year(int y, int m, int d) { return days_before[m - 1] + d + (m > 2 && leap(y)); }

static int weekday(int y, int m, int d)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3)
        y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static int find_pair(const int *v, int n, int target, int *ia, int *ib)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (v[i] + v[j] == target) {
                *ia = i;
                *ib = j;
                goto found;
            }
    return 0;
found:
    return 1;
}

/* Counts identifiers, numbers and other tokens with gotos between states. */
static void scan(const char *s, int *idents, int *numbers, int *others)
{
    *idents = *numbers = *others = 0;
start:
    if (!*s)
        return;
    if ((*s >= 'a' && *s <= 'z') || *s == '_')
        goto ident;
    if (*s >= '0' && *s <= '9')
        goto number;
    if (*s != ' ')
        ++*others;
    s++;
    goto start;
ident:
    ++*idents;
    while ((*s >= 'a' && *s <= 'z') || *s == '_' || (*s >= '0' && *s <= '9'))
        s++;
    goto start;
number:
    ++*numbers;
    while (*s >= '0' && *s <= '9')
        s++;
    goto start;
}

int main(void)
{
    for (int i = 0; i < 4; i++)
        printf("id %d\n", next_id());
    int dates[][3] = {{2000, 2, 29}, {2023, 12, 31}, {2024, 3, 1}, {1900, 3, 1}, {1970, 1, 1}, {2038, 1, 19}};
    static const char *names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    for (int i = 0; i < 6; i++)
        printf("%04d-%02d-%02d day %3d %s\n", dates[i][0], dates[i][1], dates[i][2],
               day_of_year(dates[i][0], dates[i][1], dates[i][2]), names[weekday(dates[i][0], dates[i][1], dates[i][2])]);
    int v[] = {8, 3, 14, 7, 1, 22, 9, 5};
    int targets[] = {10, 30, 36, 2, 31};
    for (int k = 0; k < 5; k++) {
        int a = -1, b = -1;
        int ok = find_pair(v, 8, targets[k], &a, &b);
        printf("pair for %d: %d (%d,%d)\n", targets[k], ok, a, b);
    }
    int id, num, oth;
    const char *code = "for (i_1 = 0; i_1 < 42; i_1 += step2) total = total * 10 + x9;";
    scan(code, &id, &num, &oth);
    printf("idents=%d numbers=%d others=%d len=%zu\n", id, num, oth, strlen(code));
    return 0;
}
