package dev.longplay.models.conditioning;

import dev.longplay.models.nn.TorchOwned;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.List;

/**
 * A number (seconds_start, seconds_total) as one conditioning token: clamp to [min, max], normalise to
 * [0, 1], embed with learned Fourier features [x, sin(2π·x·w), cos(2π·x·w)] and a linear layer (the reference's
 * NumberEmbedder with a 256-wide positional embedding). Mask is always 1.
 */
public final class NumberConditioner implements Conditioner {

    private static final int EMBEDDING_DIM = 256;

    private final String id;
    private final double min;
    private final double max;
    private final NDArray weights;   // [EMBEDDING_DIM / 2]
    private final Linear linear;     // EMBEDDING_DIM + 1 -> outputDim

    private NumberConditioner(String id, double min, double max, NDArray weights, Linear linear) {
        this.id = id;
        this.min = min;
        this.max = max;
        this.weights = weights;
        this.linear = linear;
    }

    /** sd: scoped to {@code conditioner.conditioners.<id>}. */
    public static NumberConditioner load(StateDict sd, String id, double min, double max, int outputDim) {
        StateDict e = sd.scope("embedder.embedding");
        NDArray w = e.take("0.weights", EMBEDDING_DIM / 2);
        Linear lin = Linear.load(e.scope("1"), EMBEDDING_DIM + 1, outputDim, true);
        return new NumberConditioner(id, min, max, w, lin);
    }

    /** A "number" entry of the conditioning config; weights under {@code conditioner.conditioners.<id>}. */
    public static NumberConditioner fromConfig(ConditioningConfig.Conditioner c, StateDict checkpoint, int condDim) {
        double min = c.config().path("min_val").asDouble(0);
        double max = c.config().path("max_val").asDouble(1);
        if (!(max > min)) {
            throw new CheckpointException("number conditioner '" + c.id() + "' needs max_val > min_val");
        }
        return load(checkpoint.scope("conditioner.conditioners." + c.id()), c.id(), min, max, condDim);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ConditionerOutput encode(List<?> values, NDManager manager) {
        float[] normalised = new float[values.size()];
        for (int i = 0; i < normalised.length; i++) {
            Object v = values.get(i);
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException("conditioner '" + id + "' takes numbers, got " + v);
            }
            double clamped = Math.max(min, Math.min(max, n.doubleValue()));
            normalised[i] = (float) ((clamped - min) / (max - min));
        }
        int b = normalised.length;
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = TorchOwned.adopt(scope.create(normalised, new Shape(b, 1)));
            NDArray xw = x.mul(weights);
            NDArray freqs = xw.mul(TorchOwned.scalar(xw, 2 * Math.PI));   // [B, 128]
            NDArray features = x.concat(freqs.sin(), 1).concat(freqs.cos(), 1);        // [B, 257]
            NDArray embedding = linear.forward(features).expandDims(1);                // [B, 1, D]
            NDArray mask = scope.ones(new Shape(b, 1));
            embedding.attach(manager);
            mask.attach(manager);
            return new ConditionerOutput(embedding, mask);
        }
    }
}
