/* Dense f64 matrix multiply, 448x448, i-k-j order, three times (C = A*B,
 * D = C*B, C = D*B). Every element sums in the same order in every build,
 * so the result is bit-for-bit the same. */
#include "kernel.h"

#define N 448
static double A[N][N], B[N][N], C[N][N], D[N][N];

static void mul(double (*x)[N], double (*y)[N], double (*z)[N]) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) z[i][j] = 0.0;
        for (int k = 0; k < N; k++) {
            double a = x[i][k];
            for (int j = 0; j < N; j++) z[i][j] += a * y[k][j];
        }
    }
}

KERNEL_EXPORT u32 kernel_run(void) {
    u32 s = 42;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (double)(rng_next(&s) % 2001) / 1000.0 - 1.0;
            B[i][j] = (double)(rng_next(&s) % 2001) / 1000.0 - 1.0;
        }
    mul(A, B, C);
    mul(C, B, D);
    mul(D, B, C);
    u32 h = 2166136261u;
    for (int i = 0; i < N; i++) h = f64_bits_mix(h, C[i][(i * 7) % N]);
    return h;
}
