package dev.longplay.models.sa3.dit;

import ai.djl.ndarray.NDArray;

/**
 * What the SA3 DiT is conditioned on for one batch: cross-attention tokens [B, M, condTokenDim], global
 * conditioning [B, globalCondDim], local additive conditioning [B, localDim, T] and the padding mask [B, T]
 * (1 = valid, 0 = padding); any may be null. {@code negativeCross}: the unconditional branch's cross-attention
 * tokens under guidance (a negative prompt, padded tokens zeroed), or null for zeros.
 */
public record DitInputs(NDArray cross, NDArray global, NDArray local, NDArray valid, NDArray negativeCross) {

    public DitInputs(NDArray cross, NDArray global, NDArray local, NDArray valid) {
        this(cross, global, local, valid, null);
    }

    public DitInputs withNegative(NDArray negative) {
        return new DitInputs(cross, global, local, valid, negative);
    }
}
