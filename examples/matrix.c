/* matrix.c - integer and double matrix multiply, transpose, Gaussian-elimination determinant. */
#include <stdio.h>
#include <stdint.h>

#define N 6

static int32_t ia[N][N], ib[N][N], ic[N][N];
static double da[N][N], db[N][N], dc[N][N];

static uint32_t seed = 7u;

static double abs_d(double x) { return x < 0.0 ? -x : x; }

static uint32_t xorshift32(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static void imat_mul(int32_t c[N][N], int32_t a[N][N], int32_t b[N][N])
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

/* i-k-j loop order: same result, different memory access pattern. */
static void dmat_mul(double c[N][N], double a[N][N], double b[N][N])
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            c[i][j] = 0.0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double aik = a[i][k];
            for (int j = 0; j < N; j++)
                c[i][j] += aik * b[k][j];
        }
}

static void imat_transpose(int32_t m[N][N])
{
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) {
            int32_t t = m[i][j];
            m[i][j] = m[j][i];
            m[j][i] = t;
        }
}

static int64_t imat_trace(int32_t m[N][N])
{
    int64_t t = 0;
    for (int i = 0; i < N; i++)
        t += m[i][i];
    return t;
}

static int64_t imat_sum(int32_t m[N][N])
{
    int64_t s = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            s += m[i][j];
    return s;
}

/* Determinant by Gaussian elimination with partial pivoting; m is destroyed. */
static double determinant(double m[N][N], int n)
{
    double det = 1.0;
    for (int col = 0; col < n; col++) {
        int pivot = col;
        for (int r = col + 1; r < n; r++)
            if (abs_d(m[r][col]) > abs_d(m[pivot][col]))
                pivot = r;
        if (m[pivot][col] == 0.0)
            return 0.0;
        if (pivot != col) {
            for (int j = 0; j < n; j++) {
                double t = m[col][j];
                m[col][j] = m[pivot][j];
                m[pivot][j] = t;
            }
            det = -det;
        }
        det *= m[col][col];
        for (int r = col + 1; r < n; r++) {
            double f = m[r][col] / m[col][col];
            for (int j = col; j < n; j++)
                m[r][j] -= f * m[col][j];
        }
    }
    return det;
}

static void copy_d(double dst[N][N], double src[N][N])
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            dst[i][j] = src[i][j];
}

int main(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            ia[i][j] = (int32_t)(xorshift32() % 21u) - 10;
            ib[i][j] = (int32_t)(xorshift32() % 21u) - 10;
            /* dyadic values keep floating-point results exactly reproducible */
            da[i][j] = (double)ia[i][j] / 4.0;
            db[i][j] = (double)ib[i][j] / 8.0;
        }

    imat_mul(ic, ia, ib);
    printf("int C: trace=%lld sum=%lld c[0][0]=%d c[5][5]=%d\n", (long long)imat_trace(ic),
           (long long)imat_sum(ic), (int)ic[0][0], (int)ic[N - 1][N - 1]);
    printf("row0:");
    for (int j = 0; j < N; j++)
        printf(" %d", (int)ic[0][j]);
    printf("\n");

    /* (AB)^T == B^T A^T */
    int32_t at[N][N], bt[N][N], ct[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            at[i][j] = ia[i][j];
            bt[i][j] = ib[i][j];
        }
    imat_transpose(at);
    imat_transpose(bt);
    imat_mul(ct, bt, at);
    imat_transpose(ct);
    int same = 1;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            same &= ct[i][j] == ic[i][j];
    printf("transpose identity holds: %d\n", same);

    dmat_mul(dc, da, db);
    printf("double C: c[0][0]=%.6f c[2][3]=%.6f c[5][5]=%.6f\n", dc[0][0], dc[2][3], dc[5][5]);

    double tmp[N][N];
    static const double small[3][3] = {{2, -3, 1}, {2, 0, -1}, {1, 4, 5}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            tmp[i][j] = small[i][j];
    printf("det(3x3) = %.6f\n", determinant(tmp, 3));

    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            tmp[i][j] = 1.0 / (i + j + 1);
    printf("det(hilbert4) * 1e7 = %.6f\n", determinant(tmp, 4) * 1e7);

    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            tmp[i][j] = (double)ia[i][j];
    double det_a = determinant(tmp, N);
    copy_d(tmp, da);
    double det_da = determinant(tmp, N);
    printf("det(A) = %.6f, det(A/4) * 4^6 = %.6f\n", det_a, det_da * 4096.0);

    /* Singular matrix: row 2 = row 0 + row 1. */
    for (int j = 0; j < N; j++) {
        tmp[0][j] = j + 1;
        tmp[1][j] = (j * j) % 5;
        tmp[2][j] = tmp[0][j] + tmp[1][j];
        for (int i = 3; i < N; i++)
            tmp[i][j] = (i * 7 + j * 3) % 11;
    }
    printf("singular detected: %d\n", abs_d(determinant(tmp, N)) < 1e-9);
    return 0;
}
