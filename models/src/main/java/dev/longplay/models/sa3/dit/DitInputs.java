package dev.longplay.models.sa3.dit;

import ai.djl.ndarray.NDArray;

/**
 * What the SA3 DiT is conditioned on for one batch: cross-attention tokens [B, M, condTokenDim], global
 * conditioning [B, globalCondDim], local additive conditioning [B, localDim, T] and the padding mask [B, T]
 * (1 = valid, 0 = padding); any may be null.
 */
public record DitInputs(NDArray cross, NDArray global, NDArray local, NDArray valid) {
}
