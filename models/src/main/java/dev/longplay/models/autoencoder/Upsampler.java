package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;

import java.util.function.UnaryOperator;

/** A decoder block's upsampler by its stride: [B, in, T] -> [B, out, ≈T·s]. The two kinds the reference builds. */
public sealed interface Upsampler extends UnaryOperator<NDArray> permits TransposedUpsample, NearestUpsample {
}
