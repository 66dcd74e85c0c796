package dev.longplay.models.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * Standard normal noise generated in Java from a seed, so the same seed gives the same numbers on every
 * machine and engine build (libtorch's generator differs between CPU and CUDA). Each purpose of one user
 * seed gets its own stream ({@link #stream}), so e.g. drawing SDE noise never shifts the initial noise.
 */
public final class SeededNoise implements NoiseSource {

    /** Stream ids: the purposes one generation draws noise for. */
    public static final long INITIAL = 1;
    public static final long SAMPLER = 2;
    public static final long ENCODER = 3;

    private final SplittableRandom random;

    public SeededNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The stream for {@code purpose} under a user's seed. */
    public static SeededNoise stream(long seed, long purpose) {
        return new SeededNoise(new SplittableRandom(seed ^ (purpose * 0x9E3779B97F4A7C15L)).nextLong());
    }

    @Override
    public NDArray next(NDManager manager, Shape shape) {
        return manager.create(gaussian(Math.toIntExact(shape.size())), shape);
    }

    /** n standard normal floats (Box–Muller on the generator's doubles). */
    public float[] gaussian(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1.0 - random.nextDouble();   // (0, 1]: log is finite
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            out[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                out[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return out;
    }
}
