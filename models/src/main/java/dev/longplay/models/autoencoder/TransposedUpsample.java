package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.nn.ConvTranspose1d;

/** The reference's default upsampler: a transposed conv with kernel 2s, stride s and padding ⌈s/2⌉. */
public record TransposedUpsample(ConvTranspose1d conv) implements Upsampler {

    @Override
    public NDArray apply(NDArray x) {
        return conv.forward(x);
    }
}
