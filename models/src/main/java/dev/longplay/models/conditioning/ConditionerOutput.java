package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDArray;

/** What one conditioner makes for a batch: tokens [B, N, D] and their mask [B, N] (1 = attend, 0 = padding). */
public record ConditionerOutput(NDArray tokens, NDArray mask) {
}
