package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.Sequential;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Oobleck decoder, the encoder's mirror: a 7-tap conv from {@code latent_dim} to c_mults[-1]*channels, one
 * {@link DecoderBlock} per stride from the deepest level up, an activation, a bias-free 7-tap conv to the
 * audio channels, and tanh when {@code final_tanh}.
 */
public record OobleckDecoder(OobleckConfig config, Conv1d stem, List<DecoderBlock> blocks, ChannelActivation act,
                             Conv1d head, FusedOobleckDecoder fused) {

    private static final int STEM_RADIUS = 3;
    private static final int HEAD_RADIUS = 3;

    /** Keys under {@code sd}: layers.0 stem, layers.1..depth blocks, layers.depth+1 activation, layers.depth+2 head. */
    public static OobleckDecoder load(StateDict sd, OobleckConfig cfg) {
        StateDict layers = sd.scope("layers");
        int depth = cfg.depth();
        Conv1d stem = Conv1d.loadWeightNormed(layers.scope("0"), cfg.latentDim(), cfg.channelsAt(depth), 7, 1,
                STEM_RADIUS, 1, true);
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int level = depth; level >= 1; level--) {
            blocks.add(DecoderBlock.load(layers.scope(String.valueOf(depth - level + 1)), cfg.channelsAt(level),
                    cfg.channelsAt(level - 1), cfg.strides().get(level - 1), cfg.useSnake(), cfg.useNearestUpsample()));
        }
        ChannelActivation act = ChannelActivation.load(layers.scope(String.valueOf(depth + 1)), cfg.channelsAt(0),
                cfg.useSnake());
        Conv1d head = Conv1d.loadWeightNormed(layers.scope(String.valueOf(depth + 2)), cfg.channelsAt(0),
                cfg.ioChannels(), 7, 1, HEAD_RADIUS, 1, false);
        return new OobleckDecoder(cfg, stem, List.copyOf(blocks), act, head);
    }

    /**
     * A decoder of these layers, run as one fused call on a CPU ({@link FusedOobleckDecoder}) unless
     * {@code -Dlongplay.decoder=ops} or the weights rule it out.
     */
    public OobleckDecoder(OobleckConfig config, Conv1d stem, List<DecoderBlock> blocks, ChannelActivation act,
                          Conv1d head) {
        this(config, stem, blocks, act, head, fusedOrNull(new OobleckDecoder(config, stem, blocks, act, head, null)));
    }

    private static FusedOobleckDecoder fusedOrNull(OobleckDecoder d) {
        return FusedOobleckDecoder.selected() ? FusedOobleckDecoder.build(d, d.stem().weight().getManager()) : null;
    }

    /** This decoder without the fused call: every layer op by op (to compare the two). */
    public OobleckDecoder opByOp() {
        return new OobleckDecoder(config, stem, blocks, act, head, null);
    }

    // latents: [B, latent_dim, T] -> audio: [B, io, T * ratio]
    public NDArray forward(NDArray latents) {
        if (fused != null && !latents.getDevice().isGpu() && latents.getDataType() == DataType.FLOAT32
                && !latents.hasGradient()) {
            return fused.forward(latents);
        }
        List<UnaryOperator<NDArray>> layers = new ArrayList<>(List.of(stem::forward));
        blocks.forEach(block -> layers.add(block::forward));
        layers.add(act::forwardInPlace);   // its input is the last block's output, an intermediate
        layers.add(head::forward);
        if (config.finalTanh()) {
            layers.add(NDArray::tanh);
        }
        return Sequential.apply(latents, layers);
    }

    /**
     * How many latent frames on each side an output sample depends on (an upper bound): outside this radius
     * the zero padding at a chunk's edge cannot reach it. Walks from the audio end back to the latents.
     */
    public int receptiveRadiusLatents() {
        int r = HEAD_RADIUS;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            r = blocks.get(i).inputRadius(r);
        }
        return r + STEM_RADIUS;
    }

    /** Audio samples per latent frame. */
    public int ratio() {
        return config.ratio();
    }
}
