package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Inpainting and continuation for models without an inpainting input: wherever the mask is 1, the model's
 * clean-data estimate is replaced by the given latents, so every sampler step pulls those frames to the
 * given audio while the rest is generated around them (the network sees the kept frames at the current
 * noise level and shapes the new ones to fit). Done by rewriting the network output, so it works with
 * every sampler: for v, denoised = c_out·v + c_skip·x; for rectified flow, denoised = x − t·v.
 */
public final class KeepRegions {

    private KeepRegions() {
    }

    /** known: [B, C, T] latents to keep; mask: [B, 1, T] (1 keep, 0 generate). */
    public static ModelFunction wrap(ModelFunction model, NDArray known, NDArray mask, boolean rectifiedFlow) {
        return (xIn, t) -> {
            NDArray v = model.apply(xIn, t);
            double time = t.getFloat(0);
            try (NDArray keepV = rectifiedFlow ? rfVelocity(xIn, known, time) : vVelocity(xIn, known, time)) {
                // v' = v + mask·(v_keep − v)
                NDArray out = v.add(keepV.sub(v).muli(mask));
                v.close();
                return out;
            }
        };
    }

    // The v that makes the v-denoiser return `known`: (known − c_skip·x) / c_out, with x = x_in / c_in.
    private static NDArray vVelocity(NDArray xIn, NDArray known, double t) {
        VDenoiser.Scalings c = VDenoiser.Scalings.at(Math.tan(t * Math.PI / 2));
        // x-derived operand first: results join its (per-step) manager, not the generation's
        return xIn.mul(-c.cSkip() / c.cIn()).addi(known).divi(c.cOut());
    }

    // The flow velocity that makes x − t·v equal `known`: (x − known) / t.
    private static NDArray rfVelocity(NDArray x, NDArray known, double t) {
        return x.sub(known).divi(t);
    }
}
