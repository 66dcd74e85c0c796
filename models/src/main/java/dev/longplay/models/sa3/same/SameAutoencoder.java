package dev.longplay.models.sa3.same;

import dev.longplay.models.sa3.LatentCodecLoader;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.sa3.LatentCodec;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The SAME autoencoder of Stable Audio 3 (SAME-S, SAME-L): patchify (pure reshape), transformer resampling
 * levels, a linear to the latent width, and the SoftNorm bottleneck; decode in reverse. Deterministic: the
 * reference's inference-time noises (N(0, mask_noise) on the new tokens, 1e-3·std on SoftNorm decode when
 * noise_regularize) are left out. With {@code chunked} the reference's tiling runs: 128-latent tiles
 * overlapping by 32, the last one end-anchored, each tile's half overlap trimmed, hard splices.
 */
public final class SameAutoencoder implements LatentCodec {

    public static final int TILE = 128;
    public static final int OVERLAP = 32;

    private final SameConfig config;
    private final NDManager manager;
    private final List<TransformerResamplingBlock> encoderLevels;
    private final Linear toLatent;
    private final Linear fromLatent;
    private final List<TransformerResamplingBlock> decoderLevels;
    private final NDArray scaling;  // [1, D, 1]
    private final NDArray bias;
    private final NDArray runningStd;  // [1] or null

    private SameAutoencoder(SameConfig config, NDManager manager, List<TransformerResamplingBlock> encoderLevels,
                            Linear toLatent, Linear fromLatent, List<TransformerResamplingBlock> decoderLevels,
                            NDArray scaling, NDArray bias, NDArray runningStd) {
        this.config = config;
        this.manager = manager;
        this.encoderLevels = encoderLevels;
        this.toLatent = toLatent;
        this.fromLatent = fromLatent;
        this.decoderLevels = decoderLevels;
        this.scaling = scaling;
        this.bias = bias;
        this.runningStd = runningStd;
    }

    /**
     * Loads from {@code sd} scoped at the autoencoder's own prefix: {@code pretransform.model} in a full SA3
     * checkpoint, the root of a standalone SAME-S / SAME-L one. Every key under that prefix must be used.
     */
    /**
     * The loader SA3 checkpoints use: SAME-S or SAME-L as the checkpoint's {@code model.pretransform.config} says, from
     * the weights under {@code pretransform.model.}.
     */
    public static LatentCodecLoader loader() {
        return (config, sd, manager) -> load(sd.scope("pretransform.model"), SameConfig.of(config), manager);
    }

    public static SameAutoencoder load(StateDict sd, SameConfig config, NDManager manager) {
        if (config.noiseAugmentDim() != 0) {
            throw new CheckpointException("SAME bottleneck noise_augment_dim " + config.noiseAugmentDim()
                    + " is not supported");
        }
        if (sd.manager() != manager) {
            throw new IllegalArgumentException("the state dict must load into the given manager");
        }
        StateDict weights = sd;
        SameConfig.Coder e = config.encoder();
        SameConfig.Coder d = config.decoder();
        if (e.ioChannels() != config.audioChannels() * config.patchSize()) {
            throw new CheckpointException("SAME encoder in_channels " + e.ioChannels() + " != channels x patch_size");
        }
        List<TransformerResamplingBlock> enc = new ArrayList<>();
        for (int i = 0; i < e.levels(); i++) {
            enc.add(TransformerResamplingBlock.load(weights.scope("encoder.layers." + i), e, true, e.channelsAt(i),
                    e.channelsAt(i + 1), e.strides()[i], e.depths()[i], e.sinusoidalBlocks()[i]));
        }
        Linear toLatent = Linear.load(weights.scope("encoder.layers." + (e.levels() + 1)), e.channelsAt(e.levels()),
                config.latentDim(), true);
        Linear fromLatent = Linear.load(weights.scope("decoder.layers.1"), config.latentDim(),
                d.channelsAt(d.levels()), true);
        List<TransformerResamplingBlock> dec = new ArrayList<>();
        for (int i = d.levels(); i >= 1; i--) {
            int index = 3 + d.levels() - i;
            dec.add(TransformerResamplingBlock.load(weights.scope("decoder.layers." + index), d, false,
                    d.channelsAt(i), d.channelsAt(i - 1), d.strides()[i - 1], d.depths()[i - 1],
                    d.sinusoidalBlocks()[i - 1]));
        }
        int dim = config.latentDim();
        StateDict bn = weights.scope("bottleneck");
        NDArray scaling = bn.take("scaling_factor", 1, dim, 1);
        NDArray bias = bn.take("bias", 1, dim, 1);
        NDArray std = bn.takeOptional("running_std", 1);
        bn.takeOptional("noise_scaling_factor", 1, 0, 1);
        weights.requireAllUsed();
        return new SameAutoencoder(config, manager, enc, toLatent, fromLatent, dec, scaling, bias, std);
    }

    public SameConfig config() {
        return config;
    }

    /** Audio [B, C, samples] (padded up to whole latents) to latents [B, D, frames], tiled when chunked. */
    @Override
    public NDArray encode(NDArray audio) {
        return Scoped.apply(audio, a -> {
            int ratio = config.downsamplingRatio();
            long len = a.getShape().get(2);
            long padded = (len + ratio - 1) / ratio * ratio;
            NDArray x = padded == len ? a : a.concat(a.getManager().zeros(
                    new Shape(a.getShape().get(0), a.getShape().get(1), padded - len), a.getDataType()), 2);
            return config.chunked() ? tiled(x, ratio, 1, this::encodeWhole) : encodeWhole(x);
        });
    }

    /** Latents [B, D, frames] to audio [B, C, frames·ratio], tiled when chunked. */
    @Override
    public NDArray decode(NDArray latents) {
        return Scoped.apply(latents, z -> config.chunked()
                ? tiled(z, 1, config.downsamplingRatio(), this::decodeWhole) : decodeWhole(z));
    }

    private NDArray encodeWhole(NDArray audio) {
        NDArray x = patchify(audio);
        for (TransformerResamplingBlock level : encoderLevels) {
            x = Scoped.apply(x, level::forward);  // frees each level's intermediates before the next
        }
        NDArray z = toLatent.forward(x.transpose(0, 2, 1)).transpose(0, 2, 1);
        z = z.mul(scaling).add(bias);
        return runningStd == null ? z : z.div(runningStd);
    }

    private NDArray decodeWhole(NDArray latents) {
        NDArray z = runningStd == null ? latents : latents.mul(runningStd);
        NDArray x = fromLatent.forward(z.transpose(0, 2, 1)).transpose(0, 2, 1);
        for (TransformerResamplingBlock level : decoderLevels) {
            x = Scoped.apply(x, level::forward);
        }
        NDArray audio = unpatchify(x);
        return config.softClip() ? audio.tanh() : audio;
    }

    // [B, C, L·p] -> [B, C·p, L], channel-major (index c·p + h)
    private NDArray patchify(NDArray audio) {
        Shape s = audio.getShape();
        int p = config.patchSize();
        long l = s.get(2) / p;
        return audio.reshape(s.get(0), s.get(1), l, p).transpose(0, 1, 3, 2).reshape(s.get(0), s.get(1) * p, l);
    }

    private NDArray unpatchify(NDArray x) {
        Shape s = x.getShape();
        int p = config.patchSize();
        long c = s.get(1) / p;
        return x.reshape(s.get(0), c, p, s.get(2)).transpose(0, 1, 3, 2).reshape(s.get(0), c, s.get(2) * p);
    }

    /**
     * The reference's encode_audio / decode_audio tiling along the last axis. {@code inPer} / {@code outPer}:
     * input / output samples per latent. Tiles of {@link #TILE} latents every TILE - OVERLAP, the last one
     * ending at the end; each tile but the first loses OVERLAP/2 latents on the left, each but the last on
     * the right. Shorter inputs run whole.
     */
    static NDArray tiled(NDArray x, int inPer, int outPer, UnaryOperator<NDArray> run) {
        long total = x.getShape().get(2) / inPer;
        if (total < TILE) {
            return run.apply(x);
        }
        List<Long> starts = new ArrayList<>();
        for (long s = 0; s <= total - TILE; s += TILE - OVERLAP) {
            starts.add(s);
        }
        if (starts.get(starts.size() - 1) != total - TILE) {
            starts.add(total - TILE);
        }
        int half = OVERLAP / 2;
        NDList pieces = new NDList();
        for (int i = 0; i < starts.size(); i++) {
            long start = starts.get(i);
            boolean last = i == starts.size() - 1;
            NDArray tile = Scoped.apply(x.get(":, :, " + start * inPer + ":" + (start + TILE) * inPer), run);
            long left = i == 0 ? 0 : half;
            // a later tile overwrites an earlier one where they overlap (the end-anchored last tile overlaps more)
            long right = last ? TILE : Math.min(TILE - half, starts.get(i + 1) + half - start);
            pieces.add(tile.get(":, :, " + left * outPer + ":" + right * outPer));
        }
        return NDArrays.concat(pieces, 2);
    }

    @Override
    public int sampleRate() {
        return config.sampleRate();
    }

    @Override
    public int audioChannels() {
        return config.audioChannels();
    }

    @Override
    public int latentDim() {
        return config.latentDim();
    }

    @Override
    public int downsamplingRatio() {
        return config.downsamplingRatio();
    }

    /** The manager holding the weights (the caller's; closing it frees the model). */
    public NDManager manager() {
        return manager;
    }
}
