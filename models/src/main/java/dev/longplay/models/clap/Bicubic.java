package dev.longplay.models.clap;

/**
 * PyTorch's bicubic interpolation with align_corners=True along one axis, as a matrix [out][in] (row-major):
 * Keys' cubic convolution with a = −0.75, neighbours clamped at the edges.
 */
final class Bicubic {

    private static final double A = -0.75;

    private Bicubic() {
    }

    static float[] matrix(int in, int out) {
        float[] m = new float[out * in];
        double scale = out > 1 ? (double) (in - 1) / (out - 1) : 0;
        for (int i = 0; i < out; i++) {
            double src = i * scale;
            int x0 = Math.min((int) Math.floor(src), in - 1);
            double t = Math.min(Math.max(src - x0, 0), 1);
            double[] w = {
                ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A,
                ((A + 2) * t - (A + 3)) * t * t + 1,
                ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1,
                ((A * (2 - t) - 5 * A) * (2 - t) + 8 * A) * (2 - t) - 4 * A,
            };
            for (int k = 0; k < 4; k++) {
                int idx = Math.max(0, Math.min(in - 1, x0 - 1 + k));
                m[i * in + idx] += (float) w[k];
            }
        }
        return m;
    }
}
