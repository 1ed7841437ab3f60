/* graph.c - BFS, iterative DFS, Dijkstra on an adjacency matrix, topological sort, union-find components. */
#include <stdio.h>
#include <string.h>

#define N 12
#define INF 1000000

static int adj[N][N];

static void build(void)
{
    unsigned s = 7;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1664525u + 1013904223u;
            adj[i][j] = (i != j && (s >> 24) % 4 == 0) ? (int)((s >> 8) % 20) + 1 : 0;
        }
}

static void bfs(int src, int *dist)
{
    int q[N], head = 0, tail = 0;
    for (int i = 0; i < N; i++)
        dist[i] = -1;
    dist[src] = 0;
    q[tail++] = src;
    while (head < tail) {
        int u = q[head++];
        for (int v = 0; v < N; v++)
            if (adj[u][v] && dist[v] < 0) {
                dist[v] = dist[u] + 1;
                q[tail++] = v;
            }
    }
}

static int dfs_order(int src, int *order)
{
    int stack[N * N], sp = 0, seen[N] = {0}, n = 0;
    stack[sp++] = src;
    while (sp) {
        int u = stack[--sp];
        if (seen[u])
            continue;
        seen[u] = 1;
        order[n++] = u;
        for (int v = N - 1; v >= 0; v--)
            if (adj[u][v] && !seen[v])
                stack[sp++] = v;
    }
    return n;
}

static void dijkstra(int src, int *dist)
{
    int done[N] = {0};
    for (int i = 0; i < N; i++)
        dist[i] = INF;
    dist[src] = 0;
    for (int k = 0; k < N; k++) {
        int u = -1;
        for (int i = 0; i < N; i++)
            if (!done[i] && (u < 0 || dist[i] < dist[u]))
                u = i;
        if (dist[u] == INF)
            break;
        done[u] = 1;
        for (int v = 0; v < N; v++)
            if (adj[u][v] && dist[u] + adj[u][v] < dist[v])
                dist[v] = dist[u] + adj[u][v];
    }
}

static int parent[N];
static int find(int x) { return parent[x] == x ? x : (parent[x] = find(parent[x])); }

static int toposort(int *out)
{
    int indeg[N] = {0}, q[N], h = 0, t = 0, n = 0;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            if (adj[i][j])
                indeg[j]++;
    for (int i = N - 1; i >= 0; i--)
        if (!indeg[i])
            q[t++] = i;
    while (h < t) {
        int u = q[h++];
        out[n++] = u;
        for (int v = u + 1; v < N; v++)
            if (adj[u][v] && --indeg[v] == 0)
                q[t++] = v;
    }
    return n;
}

static void show(const char *tag, const int *v, int n)
{
    printf("%s:", tag);
    for (int i = 0; i < n; i++)
        printf(" %d", v[i] == INF ? -9 : v[i]);
    printf("\n");
}

int main(void)
{
    int d[N], order[N];
    build();
    int edges = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            edges += adj[i][j] != 0;
    printf("edges=%d\n", edges);
    bfs(0, d);
    show("bfs", d, N);
    show("dfs", order, dfs_order(0, order));
    dijkstra(0, d);
    show("dijkstra0", d, N);
    dijkstra(5, d);
    show("dijkstra5", d, N);
    show("topo", order, toposort(order));
    for (int i = 0; i < N; i++)
        parent[i] = i;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            if (adj[i][j] > 15)
                parent[find(i)] = find(j);
    int comps = 0;
    for (int i = 0; i < N; i++)
        comps += find(i) == i;
    printf("heavy-edge components=%d\n", comps);
    return 0;
}
