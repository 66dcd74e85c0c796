package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;

/** k-diffusion's view of a model: the denoised estimate of x at noise level sigma. */
@FunctionalInterface
public interface Denoiser {

    // x: [B, C, T] -> denoised: [B, C, T]
    NDArray denoise(NDArray x, double sigma);
}
