package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EMA weights, which the released checkpoints are made of: {@code e ← d·e + (1 − d)·w} after each step, with
 * the decay warmed up as {@code min(d, (1 + n)/(10 + n))} so early steps are not averaged with the random init.
 */
public final class ExponentialMovingAverage {

    private final double decay;
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();

    public ExponentialMovingAverage(double decay) {
        this.decay = decay;
    }

    public void update(Map<String, NDArray> parameters, long step) {
        double d = Math.min(decay, (1.0 + step) / (10.0 + step));
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray w = e.getValue();
            NDArray s = shadow.get(e.getKey());
            if (s == null) {
                NDArray copy;
                try (NDArray plain = w.stopGradient()) {
                    copy = plain.duplicate(); // detach() shares storage: the average needs its own
                }
                copy.attach(w.getManager());
                shadow.put(e.getKey(), copy);
                continue;
            }
            try (NDArray plain = w.stopGradient(); NDArray part = plain.mul(1 - d)) {
                s.muli(d).addi(part);
            }
        }
    }

    /** The averaged weights by checkpoint key. */
    public Map<String, NDArray> weights() {
        return Collections.unmodifiableMap(shadow);
    }

    /** Restores averages saved from {@link #weights()}. */
    public void restore(Map<String, NDArray> saved) {
        shadow.clear();
        saved.forEach((k, a) -> shadow.put(k, a));
    }
}
