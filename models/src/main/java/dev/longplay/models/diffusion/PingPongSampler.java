package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Ping-pong sampling for distilled rectified-flow models (SAO small): jump to the model's clean estimate,
 * then re-noise to the next time with fresh noise: denoised = x − t·v(x, t); x = (1 − t')·denoised + t'·z.
 */
public final class PingPongSampler implements Sampler {

    @Override
    public boolean rectifiedFlow() {
        return true;
    }

    @Override
    public NDArray sample(ModelFunction model, NDArray x, double[] t, NoiseSource noise, StepListener listener) {
        int steps = t.length - 1;
        NDManager manager = x.getManager();
        x = x.duplicate();
        for (int i = 0; i < steps; i++) {
            NDArray next;
            try (NDArray ti = manager.full(new Shape(x.getShape().get(0)), (float) t[i]);
                 NDArray v = model.apply(x, ti);
                 NDArray denoised = x.sub(v.mul(t[i]));
                 NDArray z = noise.next(manager, x.getShape())) {
                next = denoised.mul(1 - t[i + 1]).addi(z.mul(t[i + 1]));
            }
            x.close();
            x = next;
            Sampler.checkStep(listener, i + 1, steps);
        }
        return x;
    }
}
