package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDArray;

/**
 * The conditioning inputs of the diffusion network, as the reference's get_conditioning_inputs assembles them:
 * cross-attention tokens [B, N, D] with their mask [B, N], and the global condition [B, G]; either may be null.
 */
public record Conditioning(NDArray crossAttnTokens, NDArray crossAttnMask, NDArray globalCond) implements AutoCloseable {

    @Override
    public void close() {
        for (NDArray a : new NDArray[]{crossAttnTokens, crossAttnMask, globalCond}) {
            if (a != null) {
                a.close();
            }
        }
    }
}
