package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Set;

/** Where a {@link StateDict} gets its tensors: a checkpoint file, or a generator for a built-in model. */
public interface TensorSource {

    /** A name for messages (the file's path). */
    String describe();

    boolean contains(String key);

    /** The stored shape, or null when the key is absent. */
    long[] shape(String key);

    /** Every key, for reporting unexpected ones. */
    Set<String> keys();

    /**
     * Loads {@code key}; {@code expected} is the shape the caller needs (may hold -1 for unknown dims) —
     * a file ignores it after validation, a generator uses it to make the tensor.
     */
    NDArray load(NDManager manager, String key, long[] expected, DataType computeType);
}
