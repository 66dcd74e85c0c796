package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.weights.StateDict;

/** The Oobleck nonlinearity: SnakeBeta when the config's {@code use_snake} is set, ELU otherwise. */
public interface ChannelActivation {

    // x: [B, C, T] -> [B, C, T]; x is left as it was
    NDArray forward(NDArray x);

    /**
     * The same, for a caller that gives up x: the result may be x itself, overwritten, which saves allocating and
     * filling an array as large as the signal.
     */
    default NDArray forwardInPlace(NDArray x) {
        return forward(x);
    }

    static ChannelActivation load(StateDict sd, long channels, boolean useSnake) {
        return useSnake ? SnakeBeta.load(sd, channels) : Elu.INSTANCE;
    }

    /** {@code torch.nn.ELU()} with alpha 1; no parameters. */
    enum Elu implements ChannelActivation {
        INSTANCE;

        @Override
        public NDArray forward(NDArray x) {
            return ai.djl.nn.Activation.elu(x, 1f);
        }
    }
}
