package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A checkpoint's tensors seen through a key prefix, as PyTorch modules see their own {@code state_dict}.
 * Components take their weights by relative name ({@code scope("decoder.layers.0").take("weight", ...)});
 * the root remembers which keys were taken so that a loader can report missing and unexpected keys by name.
 */
public final class StateDict {

    private final TensorSource file;
    private final String prefix;
    private final NDManager manager;
    private final DataType computeType;
    private final Set<String> used;

    public StateDict(TensorSource file, NDManager manager, DataType computeType) {
        this(file, "", manager, computeType, ConcurrentHashMap.newKeySet());
    }

    private StateDict(TensorSource file, String prefix, NDManager manager, DataType computeType, Set<String> used) {
        this.file = file;
        this.prefix = prefix;
        this.manager = manager;
        this.computeType = computeType;
        this.used = used;
    }

    /**
     * The same view with another compute type, sharing the record of taken keys: conditioners read the
     * checkpoint in float32 while the DiT and the autoencoder read it in reduced precision.
     */
    public StateDict withComputeType(DataType type) {
        return type == computeType ? this : new StateDict(file, prefix, manager, type, used);
    }

    /** The same checkpoint under {@code prefix + "." + name}. */
    public StateDict scope(String name) {
        return new StateDict(file, key(name) + ".", manager, computeType, used);
    }

    public NDManager manager() {
        return manager;
    }

    public DataType computeType() {
        return computeType;
    }

    public String prefix() {
        return prefix;
    }

    public String key(String name) {
        return prefix + name;
    }

    public boolean has(String name) {
        return file.contains(key(name));
    }

    public long[] shapeOf(String name) {
        long[] shape = file.shape(key(name));
        if (shape == null) {
            throw new CheckpointException("missing key '" + key(name) + "' in " + file.describe());
        }
        return shape;
    }

    /** Takes a tensor; {@code expected} may use -1 for a dimension the caller does not know. */
    public NDArray take(String name, long... expected) {
        return take(name, computeType, expected);
    }

    /**
     * Takes a tensor in float32 whatever the compute type: for parameters of the layers that compute in float32
     * under reduced precision (normalisation gains, Snake's alpha and beta, Fourier frequencies).
     */
    public NDArray takeFloat32(String name, long... expected) {
        return take(name, computeType == null ? null : DataType.FLOAT32, expected);
    }

    private NDArray take(String name, DataType type, long... expected) {
        String full = key(name);
        if (!file.contains(full)) {
            throw new CheckpointException("missing key '" + full + "' in " + file.describe());
        }
        long[] actual = file.shape(full);  // null: a generator that makes the tensor to the expected shape
        if (actual != null && expected != null && expected.length > 0 && !matches(actual, expected)) {
            throw new CheckpointException("shape mismatch for '" + full + "' in " + file.describe() + ": checkpoint has "
                    + Arrays.toString(actual) + ", the model config needs " + Arrays.toString(expected));
        }
        used.add(full);
        return file.load(manager, full, expected, type);
    }

    /** Takes a tensor if present (for optional biases), else null. */
    public NDArray takeOptional(String name, long... expected) {
        return has(name) ? take(name, expected) : null;
    }

    /**
     * A weight-normalised parameter ({@code weight_g}, {@code weight_v}), folded once at load time:
     * {@code w = g * v / ||v||} with the norm over every dimension but the first (PyTorch's dim=0).
     */
    public NDArray takeWeightNormed(String name, long... expected) {
        if (!has(name + "_v") && has(name)) {
            return take(name, expected);
        }
        // folded in float32: in fp16 the sum of squares over a wide kernel overflows
        DataType foldType = computeType == null ? null : DataType.FLOAT32;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray v = take(name + "_v", foldType, expected);
            // g keeps v's rank with ones beyond the first dimension ([out, 1, 1] for a conv weight).
            long[] gShape = new long[(int) v.getShape().dimension()];
            Arrays.fill(gShape, 1);
            gShape[0] = v.getShape().get(0);
            NDArray g = take(name + "_g", foldType, gShape);
            v.attach(scratch);
            g.attach(scratch);
            int[] axes = new int[(int) v.getShape().dimension() - 1];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i + 1;
            }
            NDArray norm = v.square().sum(axes, true).sqrt();
            NDArray w = v.mul(g.reshape(norm.getShape())).div(norm);
            if (computeType != null && computeType != DataType.FLOAT32) {
                w = w.toType(computeType, false);
            }
            w.attach(manager);
            return w;
        }
    }

    /** Keys of the whole checkpoint that no component took. */
    public Set<String> unusedKeys() {
        Set<String> unused = new TreeSet<>(file.keys());
        unused.removeAll(used);
        return unused;
    }

    /** Keys under this scope's prefix that no component took. */
    public Set<String> unusedKeysInScope() {
        Set<String> unused = new TreeSet<>();
        for (String k : file.keys()) {
            if (k.startsWith(prefix) && !used.contains(k)) {
                unused.add(k);
            }
        }
        return unused;
    }

    /** Fails with the unexpected keys under this scope, if any. */
    public void requireAllUsed() {
        Set<String> unused = unusedKeysInScope();
        if (!unused.isEmpty()) {
            throw new CheckpointException("unexpected key" + (unused.size() > 1 ? "s " : " ") + unused.stream()
                    .limit(8).toList() + (unused.size() > 8 ? " (and " + (unused.size() - 8) + " more)" : "")
                    + " under '" + prefix + "' in " + file.describe());
        }
    }

    private static boolean matches(long[] actual, long[] expected) {
        if (actual.length != expected.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if (expected[i] >= 0 && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

}
