package dev.longplay.models.sa3;

import ai.djl.ndarray.NDArray;

/** What the SA3 pipeline needs from an autoencoder: audio [B, C, samples] <-> latents [B, D, frames]. */
public interface LatentCodec extends AutoCloseable {

    /** Audio at {@link #sampleRate()} to latents; the result joins the input's manager. */
    NDArray encode(NDArray audio);

    /** Latents to audio; the result joins the input's manager. */
    NDArray decode(NDArray latents);

    int sampleRate();

    int audioChannels();

    int latentDim();

    /** Audio samples per latent frame (4096 for SAME). */
    int downsamplingRatio();

    @Override
    default void close() {
    }
}
