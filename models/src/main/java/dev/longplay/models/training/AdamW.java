package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov & Hutter; PyTorch's {@code torch.optim.AdamW}): Adam moments with bias correction and
 * weight decay applied to the weights directly, not through the gradient. Its moments live in
 * {@code manager} and are part of a resumable training state.
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public long step() {
        return step;
    }

    /**
     * Updates every parameter in place at learning rate {@code lr}, after scaling the gradients down to a global
     * norm of at most {@code maxGradNorm} (a diverging step fails here, naming the step, not later as NaN weights).
     */
    public void update(Map<String, NDArray> parameters, double lr, double maxGradNorm) {
        double norm = gradientNorm(parameters);
        double clip = norm > maxGradNorm ? maxGradNorm / norm : 1.0;
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = p.getGradient();
            NDManager home = p.getManager();
            NDArray mt = m.computeIfAbsent(e.getKey(), k -> home.zeros(p.getShape()));
            NDArray vt = v.computeIfAbsent(e.getKey(), k -> home.zeros(p.getShape()));
            try (NDManager scratch = home.newSubManager()) {
                g.attach(scratch);
                NDArray clipped = g.mul(clip);
                mt.muli(beta1).addi(clipped.mul(1 - beta1));
                vt.muli(beta2).addi(clipped.square().muli(1 - beta2));
                NDArray vHat = vt.div(c2);
                NDArray mHat = mt.div(c1);
                vHat.attach(scratch);  // results of ops on the moments join their manager: keep them in the scratch one
                mHat.attach(scratch);
                NDArray delta = mHat.divi(vHat.sqrt().addi(eps)).muli(lr);
                p.muli(1 - lr * weightDecay).subi(delta);
                g.muli(0); // the gradient accumulates in place across backward passes: clear it for the next step
            }
        }
    }

    // the global L2 norm of the gradients; fails naming the first parameter whose gradient is not finite
    private double gradientNorm(Map<String, NDArray> parameters) {
        double sum = 0;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            double part;
            try (NDArray g = e.getValue().getGradient(); NDArray sq = g.square(); NDArray total = sq.sum()) {
                part = total.getFloat();
            }
            if (!Double.isFinite(part)) {
                throw new IllegalStateException("training diverged: the gradient of " + e.getKey()
                        + " is not finite at optimizer step " + (step + 1));
            }
            sum += part;
        }
        return Math.sqrt(sum);
    }

    /** The moments by name ({@code m.<key>}, {@code v.<key>}), for a checkpoint of the training state. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        m.forEach((k, a) -> s.put("m." + k, a));
        v.forEach((k, a) -> s.put("v." + k, a));
        return s;
    }

    /** Restores moments and step count saved by {@link #state()}. */
    public void restore(Map<String, NDArray> state, long steps, NDManager manager) {
        m.clear();
        v.clear();
        state.forEach((k, a) -> {
            NDArray copy = a.duplicate();
            copy.attach(manager);
            (k.startsWith("m.") ? m : v).put(k.substring(2), copy);
        });
        this.step = steps;
    }
}
