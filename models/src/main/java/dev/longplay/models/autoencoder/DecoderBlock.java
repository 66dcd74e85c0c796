package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.nn.ConvTranspose1d;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.nn.Sequential;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An activation, an upsampler by s that changes the channel count (a transposed conv with kernel 2s and
 * padding ceil(s/2), or nearest repeat + conv when {@code use_nearest_upsample}), then three residual units
 * (dilations 1, 3, 9) at the output rate.
 */
public record DecoderBlock(ChannelActivation act, Upsampler upsample, List<ResidualUnit> units,
                           int stride) {

    /** Keys: layers.0 activation, layers.1 upsampler, layers.2-4 residual units. */
    public static DecoderBlock load(StateDict sd, long in, long out, int stride, boolean useSnake,
                                    boolean useNearestUpsample) {
        StateDict layers = sd.scope("layers");
        ChannelActivation act = ChannelActivation.load(layers.scope("0"), in, useSnake);
        Upsampler upsample = useNearestUpsample
                ? NearestUpsample.load(layers.scope("1"), in, out, stride)
                : new TransposedUpsample(ConvTranspose1d.loadWeightNormed(layers.scope("1"), in, out, 2 * stride,
                stride, (stride + 1) / 2, true));
        List<ResidualUnit> units = new ArrayList<>();
        for (int i = 0; i < ResidualUnit.BLOCK_DILATIONS.length; i++) {
            units.add(ResidualUnit.load(layers.scope(String.valueOf(i + 2)), out, ResidualUnit.BLOCK_DILATIONS[i], useSnake));
        }
        return new DecoderBlock(act, upsample, List.copyOf(units), stride);
    }

    // x: [B, in, T] -> [B, out, T*s] (T*s - 1 for an odd stride with the transposed conv, as in PyTorch)
    public NDArray forward(NDArray x) {
        List<UnaryOperator<NDArray>> layers = new ArrayList<>(List.of(act::forward, upsample::apply));
        units.forEach(unit -> layers.add(unit::forward));
        return Scoped.apply(x, input -> Sequential.apply(input, layers));
    }

    /**
     * Given how far (in samples at this block's output rate) the layers after it look on each side, how far
     * they look in frames at its input rate. The residual units add their dilated radii; the upsampler maps
     * output sample n to input frames within (r + 2s) / s of n / s (kernel 2s, padding below it).
     */
    public int inputRadius(int outputRadius) {
        int r = outputRadius;
        for (ResidualUnit unit : units) {
            r += unit.receptiveRadius();
        }
        return (r + 2 * stride + stride - 1) / stride;
    }
}
