package dev.longplay.models.sa3.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The SA3 DiT's velocity with classifier-free guidance as the reference's forward does it for rectified flow:
 * a batch of [conditioned, cross-attention tokens zeroed or a negative prompt's], denoised estimates x − v·t, their difference
 * projected orthogonally to the conditioned estimate by APG ({@code apgScale} 1 = fully orthogonal, 0 = plain
 * CFG; norms only over valid frames), then back to a velocity. {@code cfgScale} 1 is a single plain pass.
 */
public record GuidedVelocity(Sa3Dit dit, double cfgScale, double apgScale) {

    // x: [B, C, T]; t: [B] -> v [B, C, T]
    public NDArray apply(NDArray x, NDArray t, DitInputs in) {
        if (cfgScale == 1.0 || in.cross() == null) {
            return dit.forward(x, t, in.cross(), in.global(), in.local(), in.valid());
        }
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray xx = x.concat(x, 0);
            xx.attach(scope);
            NDArray tt = t.concat(t, 0);
            tt.attach(scope);
            NDArray cross = in.cross().concat(in.negativeCross() != null ? in.negativeCross() : in.cross().zerosLike(), 0);
            cross.attach(scope);
            NDArray global = twice(in.global(), scope);
            NDArray local = twice(in.local(), scope);
            NDArray valid = twice(in.valid(), scope);
            NDArray both = dit.forward(xx, tt, cross, global, local, valid);
            both.attach(scope);
            NDList halves = both.split(2, 0);
            NDArray sigma = t.reshape(-1, 1, 1);
            sigma.attach(scope);
            NDArray xs = x.duplicate();
            xs.attach(scope);
            NDArray condDen = xs.sub(halves.get(0).mul(sigma));
            NDArray uncondDen = xs.sub(halves.get(1).mul(sigma));
            NDArray diff = condDen.sub(uncondDen);
            NDArray guided;
            if (apgScale == 0.0) {
                guided = diff;
            } else {
                NDArray orth = orthogonal(diff, condDen, in.valid());
                guided = apgScale == 1.0 ? orth : orth.mul((float) apgScale).add(diff.mul((float) (1 - apgScale)));
            }
            NDArray cfgDen = condDen.add(guided.mul((float) (cfgScale - 1)));
            NDArray v = xs.sub(cfgDen).div(sigma);
            v.attach(parent);
            return v;
        }
    }

    private static NDArray twice(NDArray a, NDManager scope) {
        if (a == null) {
            return null;
        }
        NDArray r = a.concat(a, 0);
        r.attach(scope);
        return r;
    }

    // v0's component orthogonal to v1 over (C, T); with a mask only valid frames count and padding stays zero
    private static NDArray orthogonal(NDArray v0, NDArray v1, NDArray valid) {
        int[] ct = {1, 2};
        if (valid == null) {
            NDArray unit = v1.div(v1.norm(ct, true).maximum(1e-12f));
            return v0.sub(v0.mul(unit).sum(ct, true).mul(unit));
        }
        NDArray mask = v0.getManager().zeros(valid.getShape()).add(valid).expandDims(1);
        NDArray v1m = v1.mul(mask);
        NDArray unit = v1m.div(v1m.norm(ct, true).maximum(1e-8f));
        return v0.sub(v0.mul(unit).sum(ct, true).mul(unit)).mul(mask);
    }
}
