package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.nn.TorchOwned;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.List;

/**
 * A class (a key, a genre's index) as one conditioning token: the value clamped to [min, max] picks a row of a
 * learned table, as the reference's IntConditioner does. Mask is always 1.
 * <p>
 * The reference indexes its {@code max - min + 1} rows with the clamped value itself, not with its offset from
 * {@code min}: a config whose {@code min_val} is above 0 reads past its table there, and is refused here.
 */
public final class IntConditioner implements Conditioner {

    private final String id;
    private final int min;
    private final int max;
    private final NDArray table; // [max - min + 1, outputDim]

    private IntConditioner(String id, int min, int max, NDArray table) {
        this.id = id;
        this.min = min;
        this.max = max;
        this.table = table;
    }

    /** An {@code "int"} entry of the conditioning config; weights under {@code conditioner.conditioners.<id>}. */
    public static IntConditioner fromConfig(ConditioningConfig.Conditioner c, StateDict checkpoint, int condDim) {
        int min = c.config().path("min_val").asInt(0);
        int max = c.config().path("max_val").asInt(512);
        if (min != 0 || max < 0) {
            throw new CheckpointException("int conditioner '" + c.id() + "' needs min_val 0 and max_val >= 0 (the"
                    + " reference indexes its table by the value itself), not " + min + "–" + max);
        }
        NDArray table = checkpoint.scope("conditioner.conditioners." + c.id())
                .take("int_embedder.weight", max - min + 1, condDim);
        return new IntConditioner(c.id(), min, max, table);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ConditionerOutput encode(List<?> values, NDManager manager) {
        int b = values.size();
        int rows = max - min + 1;
        float[] oneHot = new float[b * rows];
        for (int i = 0; i < b; i++) {
            Object v = values.get(i);
            if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException("conditioner '" + id + "' takes whole numbers, got " + v);
            }
            long clamped = Math.max(min, Math.min(max, n.longValue()));
            oneHot[i * rows + (int) clamped] = 1;
        }
        try (NDManager scope = manager.newSubManager()) {
            // a one-hot product rather than a gather: the same rows, and a gradient for the table when training
            NDArray picks = TorchOwned.adopt(scope.create(oneHot, new Shape(b, rows)));
            NDArray embedding = picks.matMul(table).expandDims(1);                    // [B, 1, D]
            NDArray mask = scope.ones(new Shape(b, 1));
            embedding.attach(manager);
            mask.attach(manager);
            return new ConditionerOutput(embedding, mask);
        }
    }
}
