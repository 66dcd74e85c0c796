package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.nn.Sequential;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Three residual units (dilations 1, 3, 9) at the input rate, an activation, then a strided conv
 * (kernel 2s, stride s, padding ceil(s/2)) that downsamples by s and changes the channel count.
 */
public record EncoderBlock(List<ResidualUnit> units, ChannelActivation act, Conv1d downsample) {

    /** Keys: layers.0-2 residual units, layers.3 activation, layers.4 strided conv. */
    public static EncoderBlock load(StateDict sd, long in, long out, int stride, boolean useSnake) {
        StateDict layers = sd.scope("layers");
        List<ResidualUnit> units = new ArrayList<>();
        for (int i = 0; i < ResidualUnit.BLOCK_DILATIONS.length; i++) {
            units.add(ResidualUnit.load(layers.scope(String.valueOf(i)), in, ResidualUnit.BLOCK_DILATIONS[i], useSnake));
        }
        ChannelActivation act = ChannelActivation.load(layers.scope("3"), in, useSnake);
        Conv1d conv = Conv1d.loadWeightNormed(layers.scope("4"), in, out, 2 * stride, stride,
                (stride + 1) / 2, 1, true);
        return new EncoderBlock(List.copyOf(units), act, conv);
    }

    // x: [B, in, T] -> [B, out, ~T/s]
    public NDArray forward(NDArray x) {
        List<UnaryOperator<NDArray>> layers = new ArrayList<>();
        units.forEach(unit -> layers.add(unit::forward));
        layers.add(act::forward);
        layers.add(downsample::forward);
        return Scoped.apply(x, input -> Sequential.apply(input, layers));
    }
}
