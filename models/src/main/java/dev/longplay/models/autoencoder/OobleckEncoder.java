package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.Sequential;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Oobleck encoder: a 7-tap conv to {@code channels}, one {@link EncoderBlock} per stride (channels
 * c_mults[i-1]*channels -> c_mults[i]*channels with c_mults prefixed by 1), an activation, and a 3-tap conv
 * to {@code latent_dim} (twice the latent size for a VAE bottleneck: mean and scale).
 */
public record OobleckEncoder(OobleckConfig config, Conv1d stem, List<EncoderBlock> blocks, ChannelActivation act,
                             Conv1d head) {

    /** Keys under {@code sd}: layers.0 stem, layers.1..depth blocks, layers.depth+1 activation, layers.depth+2 head. */
    public static OobleckEncoder load(StateDict sd, OobleckConfig cfg) {
        StateDict layers = sd.scope("layers");
        int depth = cfg.depth();
        Conv1d stem = Conv1d.loadWeightNormed(layers.scope("0"), cfg.ioChannels(), cfg.channelsAt(0), 7, 1, 3, 1, true);
        List<EncoderBlock> blocks = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            blocks.add(EncoderBlock.load(layers.scope(String.valueOf(i + 1)), cfg.channelsAt(i), cfg.channelsAt(i + 1),
                    cfg.strides().get(i), cfg.useSnake()));
        }
        ChannelActivation act = ChannelActivation.load(layers.scope(String.valueOf(depth + 1)), cfg.channelsAt(depth),
                cfg.useSnake());
        Conv1d head = Conv1d.loadWeightNormed(layers.scope(String.valueOf(depth + 2)), cfg.channelsAt(depth),
                cfg.latentDim(), 3, 1, 1, 1, true);
        return new OobleckEncoder(cfg, stem, List.copyOf(blocks), act, head);
    }

    // audio: [B, io, L] -> [B, latent_dim, L / ratio]
    public NDArray forward(NDArray audio) {
        List<UnaryOperator<NDArray>> layers = new ArrayList<>(List.of(stem::forward));
        blocks.forEach(block -> layers.add(block::forward));
        layers.add(act::forward);
        layers.add(head::forward);
        return Sequential.apply(audio, layers);
    }
}
