package dev.longplay.models.eval;

/** Eigenvalues and the PSD square root of a real symmetric matrix by cyclic Jacobi rotations. */
final class SymmetricEigen {

    private SymmetricEigen() {
    }

    static double[] values(double[][] a) {
        return decompose(a)[0][0];
    }

    /** V·diag(√max(λ, 0))·Vᵀ. */
    static double[][] sqrt(double[][] a) {
        double[][][] vd = decompose(a);
        double[] lambda = vd[0][0];
        double[][] v = vd[1];
        int n = a.length;
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += v[i][k] * Math.sqrt(Math.max(0, lambda[k])) * v[j][k];
                }
                r[i][j] = s;
            }
        }
        return r;
    }

    // {{eigenvalues}}, eigenvectors as columns
    private static double[][][] decompose(double[][] input) {
        int n = input.length;
        double[][] a = new double[n][];
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i] = input[i].clone();
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-22) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = a[i][i];
        }
        return new double[][][] {{lambda}, v};
    }
}
