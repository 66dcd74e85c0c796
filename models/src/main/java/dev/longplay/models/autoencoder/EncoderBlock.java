package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.weights.StateDict;

import java.util.List;

/**
 * Three residual units (dilations 1, 3, 9) at the input rate, an activation, then a strided conv
 * (kernel 2s, stride s, padding ceil(s/2)) that downsamples by s and changes the channel count.
 */
public record EncoderBlock(List<ResidualUnit> units, ChannelActivation act, Conv1d downsample) {

    /** Keys: layers.0-2 residual units, layers.3 activation, layers.4 strided conv. */
    public static EncoderBlock load(StateDict sd, long in, long out, int stride, boolean useSnake) {
        StateDict layers = sd.scope("layers");
        List<ResidualUnit> units = new java.util.ArrayList<>();
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
        return Scoped.apply(x, input -> {
            NDArray h = input;
            for (ResidualUnit unit : units) {
                NDArray next = unit.forward(h);
                if (h != input) {
                    h.close();
                }
                h = next;
            }
            NDArray a = act.forward(h);
            h.close();
            return downsample.forward(a);
        });
    }
}
