package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A tensor source that invents every tensor a model asks for, deterministically from a seed and the key's
 * name, and records them. Loading a model through it once and writing {@link #recorded()} out gives a
 * complete random-weight checkpoint in the official layout with no second copy of the model's structure:
 * the loaders themselves say which keys and shapes exist.
 *
 * <p>Values follow PyTorch's default initialisation closely enough to keep activations in range: weights
 * uniform in ±1/sqrt(fan_in); weight-norm gains {@code weight_g} one, or, with {@code torchWeightNormGains}, the
 * norm of their {@code weight_v} as {@code torch.nn.utils.weight_norm} sets them (training starts there; the
 * embedded default keeps unit gains, which fixtures written by torch from its weights are tied to); biases and
 * LayerNorm shifts zero; LayerNorm gains and SoftNorm scales one; Snake alpha/beta zero (they are stored as
 * logarithms); DynamicTanh's scalar alpha 4 (its reference init); rotary {@code inv_freq} buffers the standard
 * 1/10000^(2i/d); a sinusoidal position scale dim^−½.
 */
public final class SyntheticTensors implements TensorSource {

    private final long seed;
    // Only shapes are kept: values are a pure function of (seed, key), made again when written, so a
    // billion-parameter model never sits in memory twice.
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    private final boolean torchWeightNormGains;

    public SyntheticTensors(long seed) {
        this(seed, false);
    }

    public SyntheticTensors(long seed, boolean torchWeightNormGains) {
        this.seed = seed;
        this.torchWeightNormGains = torchWeightNormGains;
    }

    @Override
    public String describe() {
        return "synthetic weights (seed " + seed + ")";
    }

    /** Every key is present: the model being loaded decides what exists. */
    @Override
    public boolean contains(String key) {
        return true;
    }

    @Override
    public long[] shape(String key) {
        return shapes.get(key);
    }

    @Override
    public Set<String> keys() {
        return shapes.keySet();
    }

    @Override
    public NDArray load(NDManager manager, String key, long[] expected, DataType computeType) {
        float[] data = generate(key, expected);
        shapes.putIfAbsent(key, expected.clone());
        NDArray a = manager.create(data, new Shape(shapes.get(key)));
        return computeType == null || computeType == DataType.FLOAT32 ? a : a.toType(computeType, false);
    }

    /** Writes every tensor asked for so far as a safetensors file, one tensor in memory at a time. */
    public void writeTo(java.nio.file.Path file) throws java.io.IOException {
        SafetensorsWriter.write(file, shapes, key -> generate(key, shapes.get(key)));
    }

    /** The values of one tensor: the same for the same seed, key and shape, every time. */
    private float[] generate(String key, long[] shape) {
        if (shape == null || shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw new CheckpointException("synthetic weights need a full shape for '" + key + "', got "
                    + Arrays.toString(shape));
        }
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        float[] data = new float[Math.toIntExact(n)];
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        boolean vector = shape.length == 1;
        if (leaf.equals("inv_freq")) {
            // a rotary embedding's buffer: the standard frequencies, never random
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (1.0 / Math.pow(10000, (2.0 * i) / (2.0 * data.length)));
            }
            return data;
        }
        if (key.endsWith("pos_emb.scale") && n == 1) {
            // the sinusoidal position scale starts at dim^-1/2 as the reference's; dim is its project_in's width
            long[] in = shapes.get(key.substring(0, key.length() - "pos_emb.scale".length()) + "project_in.weight");
            data[0] = in == null ? 1f : (float) (1 / Math.sqrt(in[0]));
            return data;
        }
        if (leaf.equals("alpha") && n == 1) {
            // a scalar alpha is DynamicTanh's (SAME): the reference starts it at 4; zero would silence every norm
            data[0] = 4f;
            return data;
        }
        if (leaf.equals("bias") || leaf.equals("beta") || leaf.equals("alpha")) {
            return data; // zeros (Snake's alpha/beta are log-scale: zero means 1)
        }
        if (leaf.equals("weight_g")) {
            String vKey = key.substring(0, key.length() - 1) + "v";
            long[] vShape = shapes.get(vKey);
            if (torchWeightNormGains && vShape != null && vShape[0] == data.length) {
                // PyTorch's weight_norm starts g at ||v||: a gain of one would make every folded kernel a unit
                // vector, about 1.7 times PyTorch's scale, and a deep Oobleck's first outputs hundreds of times too loud
                float[] v = generate(vKey, vShape);
                int per = v.length / data.length;
                for (int o = 0; o < data.length; o++) {
                    double sum = 0;
                    for (int i = o * per; i < (o + 1) * per; i++) {
                        sum += (double) v[i] * v[i];
                    }
                    data[o] = (float) Math.sqrt(sum);
                }
                return data;
            }
            Arrays.fill(data, 1f);
            return data;
        }
        if (leaf.equals("gamma") || (vector && leaf.equals("weight"))
                || leaf.equals("scaling_factor") || leaf.equals("running_std")) {
            Arrays.fill(data, 1f);
            return data;
        }
        long fanIn = n / shape[0];
        double bound = 1.0 / Math.sqrt(Math.max(1, fanIn));
        // Each key gets its own stream so adding a tensor elsewhere never changes this one.
        SplittableRandom rng = new SplittableRandom(seed ^ (key.hashCode() * 0x9E3779B97F4A7C15L));
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return data;
    }
}
