package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.Sequential;
import dev.longplay.models.weights.StateDict;

import java.util.List;

/** x + conv1x1(act(conv7_dilated(act(x)))), the Oobleck residual unit; channels are unchanged. */
public record ResidualUnit(ChannelActivation act1, Conv1d conv1, ChannelActivation act2, Conv1d conv2) {

    private static final int KERNEL = 7;

    /** Encoder and decoder blocks each hold three units with these dilations. */
    static final int[] BLOCK_DILATIONS = {1, 3, 9};

    /** Keys: layers.0 activation, layers.1 dilated conv, layers.2 activation, layers.3 1x1 conv. */
    public static ResidualUnit load(StateDict sd, long channels, int dilation, boolean useSnake) {
        StateDict layers = sd.scope("layers");
        return new ResidualUnit(
                ChannelActivation.load(layers.scope("0"), channels, useSnake),
                Conv1d.loadWeightNormed(layers.scope("1"), channels, channels, KERNEL, 1,
                        dilation * (KERNEL - 1) / 2, dilation, true),
                ChannelActivation.load(layers.scope("2"), channels, useSnake),
                Conv1d.loadWeightNormed(layers.scope("3"), channels, channels, 1, 1, 0, 1, true));
    }

    // x: [B, C, T] -> [B, C, T]; each intermediate is closed as soon as the next exists, the conv's output is
    // activated in place
    public NDArray forward(NDArray x) {
        return Sequential.apply(x, List.of(act1::forward, conv1::forward, act2::forwardInPlace, conv2::forward)).addi(x);
    }

    /** Dilated 7-tap conv: how far (in samples at this rate) an output sees on each side. */
    public int receptiveRadius() {
        return conv1.dilation() * (KERNEL - 1) / 2;
    }
}
