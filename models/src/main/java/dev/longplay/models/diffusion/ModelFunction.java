package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * The network as a sampler sees it, with conditioning and guidance already bound: the raw model output
 * (v for the v-objective, the flow velocity for rectified flow) at latents x and diffusion time t.
 */
@FunctionalInterface
public interface ModelFunction {

    // x: [B, C, T], t: [B] in [0, 1] -> output [B, C, T]
    NDArray apply(NDArray x, NDArray t);
}
