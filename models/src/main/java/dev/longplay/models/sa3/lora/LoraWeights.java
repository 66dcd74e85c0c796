package dev.longplay.models.sa3.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.TensorSource;

import java.util.List;
import java.util.Set;

/**
 * A checkpoint seen through stacked LoRA adapters: every weight an adapter targets is rewritten on load, the
 * adapters applied in order (as the reference's chained parametrizations: a later DoRA renormalises what the
 * earlier ones made, so the order matters), each at its own strength.
 */
public final class LoraWeights implements TensorSource {

    /** An adapter and the strength it is applied at (1 = as trained). */
    public record Applied(LoraAdapter adapter, double strength) {
    }

    private final TensorSource base;
    private final List<Applied> adapters;

    public LoraWeights(TensorSource base, List<Applied> adapters) {
        this.base = base;
        this.adapters = List.copyOf(adapters);
        for (Applied a : adapters) {
            for (String key : a.adapter().targets()) {
                if (!base.contains(key)) {
                    throw new CheckpointException(a.adapter().path() + ": targets '" + key + "', which "
                            + base.describe() + " does not have (a LoRA for another model?)");
                }
            }
        }
    }

    @Override
    public String describe() {
        return base.describe() + " with " + adapters.size() + " LoRA adapter(s)";
    }

    @Override
    public boolean contains(String key) {
        return base.contains(key);
    }

    @Override
    public long[] shape(String key) {
        return base.shape(key);
    }

    @Override
    public Set<String> keys() {
        return base.keys();
    }

    @Override
    public NDArray load(NDManager manager, String key, long[] expected, DataType computeType) {
        NDArray w = base.load(manager, key, expected, DataType.FLOAT32);
        for (Applied a : adapters) {
            NDArray next = a.adapter().apply(key, w, a.strength());
            if (next != w) {
                w.close();
                w = next;
            }
        }
        return computeType == DataType.FLOAT32 ? w : w.toType(computeType, false);
    }
}
