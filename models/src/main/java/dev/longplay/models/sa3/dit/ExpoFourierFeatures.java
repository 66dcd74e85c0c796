package dev.longplay.models.sa3.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * SA3's timestep (and number) features: cos and sin of 2π·t·f for {@code dim/2} frequencies spaced
 * exponentially from {@code minFreq} to {@code maxFreq}. Computed in float32 with the engine's own ops in the
 * reference's order: with frequencies up to 10 kHz the angles reach ~6·10⁴ rad, where one float rounding step
 * is already 4·10⁻³ rad, so the order of the products matters.
 */
public record ExpoFourierFeatures(int dim, float minFreq, float maxFreq) {

    public static ExpoFourierFeatures standard(int dim) {
        return new ExpoFourierFeatures(dim, 0.5f, 10000f);
    }

    // t: [B] -> [B, dim]
    public NDArray forward(NDArray t) {
        int half = dim / 2;
        try (NDArray ramp = t.getManager().linspace(0f, 1f, half).toType(DataType.FLOAT32, false)) {
            double logMin = Math.log(minFreq);
            double logMax = Math.log(maxFreq);
            try (NDArray freqs = ramp.mul((float) (logMax - logMin)).add((float) logMin).exp();
                 NDArray col = t.toType(DataType.FLOAT32, false).reshape(-1, 1);
                 NDArray args = col.mul(freqs).mul(2f).mul((float) Math.PI);
                 NDArray cos = args.cos();
                 NDArray sin = args.sin()) {
                return cos.concat(sin, 1);
            }
        }
    }
}
