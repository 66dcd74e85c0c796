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

    /** The velocity of the sampler's calls on one set of inputs: x [B, C, T], t [B] -> v [B, C, T]. */
    public interface Bound {
        NDArray apply(NDArray x, NDArray t);
    }

    // x: [B, C, T]; t: [B] -> v [B, C, T]; the inputs bound for this call alone
    public NDArray apply(NDArray x, NDArray t, DitInputs in) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray v = bind(in, scope).apply(x, t);
            v.attach(parent);
            return v;
        }
    }

    /**
     * The velocity for every call of one sampling on {@code in}: the guided batch's inputs (conditioned and
     * unconditioned halves) and the cross-attention context ({@link Sa3Dit#context}) are made here once, owned by
     * {@code manager}, instead of on every call.
     */
    public Bound bind(DitInputs in, NDManager manager) {
        if (cfgScale == 1.0 || in.cross() == null) {
            Sa3Dit.CrossContext ctx = dit.context(in.cross(), manager);
            return (x, t) -> dit.forward(x, t, ctx, in.global(), in.local(), in.valid());
        }
        NDArray cross = in.cross().concat(in.negativeCross() != null ? in.negativeCross() : in.cross().zerosLike(), 0);
        cross.attach(manager);
        Sa3Dit.CrossContext ctx = dit.context(cross, manager);
        NDArray global = twice(in.global(), manager);
        NDArray local = twice(in.local(), manager);
        NDArray valid = twice(in.valid(), manager);
        return (x, t) -> guided(x, t, ctx, global, local, valid, in.valid());
    }

    private NDArray guided(NDArray x, NDArray t, Sa3Dit.CrossContext ctx, NDArray global, NDArray local,
                           NDArray valid, NDArray singleValid) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray xx = x.concat(x, 0);
            xx.attach(scope);
            NDArray tt = t.concat(t, 0);
            tt.attach(scope);
            NDArray both = dit.forward(xx, tt, ctx, global, local, valid);
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
                NDArray orth = orthogonal(diff, condDen, singleValid);
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
