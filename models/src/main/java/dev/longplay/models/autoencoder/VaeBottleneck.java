package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * The VAE bottleneck: the encoder's output holds the mean and an unconstrained scale, one half each along
 * channels; stdev = softplus(scale) + 1e-4 and the latents are a reparameterised sample noise * stdev + mean.
 * Decoding passes latents through unchanged.
 */
public final class VaeBottleneck {

    private static final double MIN_STDEV = 1e-4;

    /** The sample and the distribution it came from; all [B, latent_dim, T]. */
    public record Sample(NDArray mean, NDArray stdev, NDArray latents) {
    }

    // encoderOut: [B, 2*latent_dim, T], noise: [B, latent_dim, T] (standard normal)
    public Sample sample(NDArray encoderOut, NDArray noise) {
        NDList halves = encoderOut.split(2, 1);
        NDArray mean = halves.get(0);
        NDArray scale = halves.get(1);
        if (!noise.getShape().equals(mean.getShape())) {
            throw new IllegalArgumentException("noise has shape " + noise.getShape() + ", the latents " + mean.getShape());
        }
        NDArray stdev = ai.djl.nn.Activation.softPlus(scale).addi(MIN_STDEV);
        scale.close();
        NDArray latents = noise.mul(stdev).addi(mean);
        return new Sample(mean, stdev, latents);
    }

    /** As {@link #sample(NDArray, NDArray)} with standard normal noise from {@code seed} (reproducible, thread-safe). */
    public Sample sample(NDArray encoderOut, long seed) {
        Shape s = encoderOut.getShape();
        Shape latentShape = new Shape(s.get(0), s.get(1) / 2, s.get(2));
        try (NDArray noise = gaussian(encoderOut, latentShape, seed)) {
            return sample(encoderOut, noise);
        }
    }

    private static NDArray gaussian(NDArray like, Shape shape, long seed) {
        // latents are small (64 x ~6k frames for minutes of audio), so drawing them in Java is cheap and keeps
        // the noise independent of libtorch's global generator
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        NDArray noise = like.getManager().create(values, shape);
        if (noise.getDataType() == like.getDataType()) {
            return noise;
        }
        NDArray converted = noise.toType(like.getDataType(), false);
        noise.close();
        return converted;
    }
}
