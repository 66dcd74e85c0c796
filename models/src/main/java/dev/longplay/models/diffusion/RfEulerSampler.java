package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Euler steps along a rectified flow's velocity: x += (t' − t)·v(x, t) (the reference's sample_discrete_euler). */
public final class RfEulerSampler implements Sampler {

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
            try (NDArray ti = manager.full(new Shape(x.getShape().get(0)), (float) t[i]);
                 NDArray v = model.apply(x, ti)) {
                x.addi(v.mul(t[i + 1] - t[i]));
            }
            Sampler.checkStep(listener, i + 1, steps);
        }
        return x;
    }
}
