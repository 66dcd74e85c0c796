package dev.longplay.models.transformer;

import dev.longplay.models.nn.Precision;
import dev.longplay.models.nn.TorchOwned;
import ai.djl.ndarray.NDArray;
import dev.longplay.models.weights.StateDict;

/**
 * Random Fourier features of the diffusion time: f = 2π·t·Wᵀ, output [cos f, sin f]. Weight [out/2, in]. Always
 * float32: the frequencies reach the hundreds, where bf16 could not tell nearby times apart.
 */
public record FourierFeatures(NDArray weight) {

    public static FourierFeatures load(StateDict sd, int in, int out) {
        return new FourierFeatures(sd.takeFloat32("weight", out / 2, in));
    }

    // t: [B, in] -> [B, out]
    public NDArray forward(NDArray t) {
        try (NDArray p = Precision.float32(t).matMul(weight.transpose()); NDArray f = p.mul(TorchOwned.scalar(p, 2 * Math.PI));
             NDArray c = f.cos(); NDArray s = f.sin()) {
            return c.concat(s, 1);
        }
    }
}
