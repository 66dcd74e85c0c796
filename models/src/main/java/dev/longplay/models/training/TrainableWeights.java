package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.weights.SafetensorsWriter;
import dev.longplay.models.weights.TensorSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A checkpoint opened for training: the runtime's own loaders take their tensors from here, and every tensor
 * they take becomes a parameter that requires a gradient (except buffers such as rotary {@code inv_freq}),
 * so the existing forward code is the training forward. Weight-normalised pairs ({@code x.weight_g},
 * {@code x.weight_v}) are offered to the loaders as one plain {@code x.weight} to train directly. Saved in the
 * official layout they become a pair again ({@code g = ||w||}, {@code v = w}), which the runtime and the
 * reference implementation load; saved as training state they stay plain, so a resumed run starts from the
 * exact same numbers (refolding a pair is not bit-exact).
 */
public final class TrainableWeights implements TensorSource {

    private final TensorSource file;
    private final Set<String> pairs = new TreeSet<>();        // names stored as _g/_v pairs in this file
    private final Set<String> weightNormed = new TreeSet<>(); // names that are pairs in the official layout
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Map<String, float[]> buffers = new LinkedHashMap<>(); // values only: loaders may free their copy

    /**
     * @param file             the checkpoint, in the official layout or as saved training state
     * @param weightNormedPlain names stored plain in {@code file} that are weight-normed in the official layout
     */
    public TrainableWeights(TensorSource file, Set<String> weightNormedPlain) {
        this.file = file;
        for (String k : file.keys()) {
            if (k.endsWith("_v") && file.contains(base(k) + "_g")) {
                pairs.add(base(k));
            }
        }
        weightNormed.addAll(pairs);
        weightNormed.addAll(weightNormedPlain);
    }

    /** Every tensor taken so far that training updates, by checkpoint key. */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** The names that the official layout stores as weight-norm pairs. */
    public Set<String> weightNormed() {
        return Collections.unmodifiableSet(weightNormed);
    }

    @Override
    public String describe() {
        return file.describe();
    }

    @Override
    public boolean contains(String key) {
        if (pairs.contains(key)) {
            return true;
        }
        if (isPairPart(key)) {
            return false;
        }
        return file.contains(key);
    }

    @Override
    public long[] shape(String key) {
        return pairs.contains(key) ? file.shape(key + "_v") : contains(key) ? file.shape(key) : null;
    }

    @Override
    public Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (String k : file.keys()) {
            keys.add(isPairPart(k) ? base(k) : k);
        }
        return keys;
    }

    @Override
    public NDArray load(NDManager manager, String key, long[] expected, DataType computeType) {
        if (parameters.containsKey(key)) {
            return parameters.get(key);
        }
        NDArray a = pairs.contains(key) ? fold(manager, key) : copy(manager, key);
        if (isBuffer(key)) {
            buffers.put(key, a.toFloatArray());
        } else {
            a.setRequiresGradient(true);
            parameters.put(key, a);
        }
        return a;
    }

    /** Rotary frequency tables are fixed buffers in the reference, never trained. */
    static boolean isBuffer(String key) {
        return key.endsWith("inv_freq");
    }

    private boolean isPairPart(String key) {
        return (key.endsWith("_g") || key.endsWith("_v")) && pairs.contains(base(key));
    }

    private static String base(String pairKey) {
        return pairKey.substring(0, pairKey.length() - 2);
    }

    private NDArray copy(NDManager manager, String key) {
        try (NDArray stored = file.load(manager, key, file.shape(key), DataType.FLOAT32)) {
            return stored.duplicate(); // the file's tensor may share a read-only mapping; training writes in place
        }
    }

    private NDArray fold(NDManager manager, String key) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray v = file.load(scratch, key + "_v", file.shape(key + "_v"), DataType.FLOAT32);
            NDArray g = file.load(scratch, key + "_g", file.shape(key + "_g"), DataType.FLOAT32);
            NDArray w = v.mul(g).div(norm(v));
            w.attach(manager);
            return w;
        }
    }

    // PyTorch's weight norm with dim=0: the norm over every dimension but the first, keeping rank
    private static NDArray norm(NDArray v) {
        int[] axes = new int[v.getShape().dimension() - 1];
        Arrays.setAll(axes, i -> i + 1);
        return v.square().sum(axes, true).sqrt();
    }

    /**
     * Writes every tensor the loaders took, with the current parameter values (or those of {@code values}, e.g.
     * EMA weights, where it has the key), as float32: in the official layout (weight-norm pairs) or plain.
     */
    public void save(Path target, Map<String, NDArray> values, boolean officialLayout) throws IOException {
        Map<String, long[]> shapes = new TreeMap<>();
        for (String k : keys()) {
            long[] shape = shape(k);
            if (officialLayout && weightNormed.contains(k)) {
                long[] g = new long[shape.length];
                Arrays.fill(g, 1);
                g[0] = shape[0];
                shapes.put(k + "_g", g);
                shapes.put(k + "_v", shape);
            } else {
                shapes.put(k, shape);
            }
        }
        // on the parameters' device, so that folding weight norms never mixes a GPU tensor with a CPU one
        ai.djl.Device device = parameters.isEmpty() ? ai.djl.Device.cpu() : parameters.values().iterator().next().getDevice();
        try (NDManager scratch = NDManager.newBaseManager(device)) {
            SafetensorsWriter.write(target, shapes, key -> {
                try (NDManager m = scratch.newSubManager()) {
                    return current(m, key, values).toFloatArray();
                }
            });
        }
    }

    private NDArray current(NDManager m, String key, Map<String, NDArray> values) {
        boolean part = (key.endsWith("_g") || key.endsWith("_v")) && weightNormed.contains(base(key));
        String name = part ? base(key) : key;
        if (buffers.containsKey(name)) {
            return m.create(buffers.get(name), new Shape(shape(name)));
        }
        NDArray p = values.containsKey(name) ? values.get(name) : parameters.get(name);
        if (p == null) {
            throw new IllegalStateException("no loader took '" + name + "' of " + file.describe()
                    + ": it cannot be saved");
        }
        NDArray w = p.stopGradient();
        w.attach(m);
        return part && key.endsWith("_g") ? norm(w) : w;
    }
}
