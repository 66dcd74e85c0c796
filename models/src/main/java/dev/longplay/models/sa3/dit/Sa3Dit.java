package dev.longplay.models.sa3.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import dev.longplay.models.nn.BlockPath;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.Precision;
import dev.longplay.models.nn.SiluMlp;
import dev.longplay.models.transformer.RotaryEmbedding;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * The SA3 diffusion transformer ({@code model.model.*}): conditioning MLPs, expo timestep features added to the
 * global embedding, 1×1 pre/post convolutions with residuals, memory tokens in front of the frames, a rotary
 * table over all tokens, adaLN blocks, project out. Predicts the rectified-flow velocity.
 */
public final class Sa3Dit {


    private final Sa3DitConfig config;
    private final SiluMlp toCondEmbed;
    private final SiluMlp toGlobalEmbed;
    private final SiluMlp toTimestepEmbed;
    private final ExpoFourierFeatures timestepFeatures;
    private final Linear preConv;
    private final Linear postConv;
    private final Linear projectIn;
    private final Linear projectOut;
    private final NDArray memoryTokens;
    private final RotaryEmbedding rotary;
    private final SiluMlp globalCondEmbedder;
    private final List<Sa3Block> blocks;
    private final BlockPath<Sa3FusedStack> path = new BlockPath<>();

    private Sa3Dit(Sa3DitConfig config, SiluMlp toCondEmbed, SiluMlp toGlobalEmbed, SiluMlp toTimestepEmbed,
                   Linear preConv, Linear postConv, Linear projectIn, Linear projectOut, NDArray memoryTokens,
                   RotaryEmbedding rotary, SiluMlp globalCondEmbedder, List<Sa3Block> blocks) {
        this.config = config;
        this.toCondEmbed = toCondEmbed;
        this.toGlobalEmbed = toGlobalEmbed;
        this.toTimestepEmbed = toTimestepEmbed;
        this.timestepFeatures = ExpoFourierFeatures.standard(config.timestepFeaturesDim());
        this.preConv = preConv;
        this.postConv = postConv;
        this.projectIn = projectIn;
        this.projectOut = projectOut;
        this.memoryTokens = memoryTokens;
        this.rotary = rotary;
        this.globalCondEmbedder = globalCondEmbedder;
        this.blocks = blocks;
    }

    /** sd: scoped at the DiT ({@code model.model}). */
    public static Sa3Dit load(StateDict sd, Sa3DitConfig c) {
        if (!c.adaLN()) {
            throw new CheckpointException("SA3 DiT: global_cond_type must be adaLN");
        }
        int dim = c.embedDim();
        int io = c.ioChannels();
        SiluMlp cond = c.condTokenDim() > 0
                ? SiluMlp.load(sd.scope("to_cond_embed"), c.condTokenDim(), c.condEmbedDim(), c.condEmbedDim(), false) : null;
        SiluMlp global = c.globalCondDim() > 0
                ? SiluMlp.load(sd.scope("to_global_embed"), c.globalCondDim(), c.globalEmbedDim(), c.globalEmbedDim(), false)
                : null;
        SiluMlp time = SiluMlp.load(sd.scope("to_timestep_embed"), c.timestepFeaturesDim(), dim, dim, true);
        Linear pre = conv1x1(sd, "preprocess_conv", io);
        Linear post = conv1x1(sd, "postprocess_conv", io);
        StateDict tr = sd.scope("transformer");
        Linear in = Linear.load(tr.scope("project_in"), io, dim, false);
        Linear out = Linear.load(tr.scope("project_out"), dim, io, false);
        NDArray memory = c.numMemoryTokens() > 0 ? tr.take("memory_tokens", c.numMemoryTokens(), dim) : null;
        int rotDim = Math.max(c.dimHeads() / 2, 32);
        NDArray invFreq = tr.takeFloat32("rotary_pos_emb.inv_freq", rotDim / 2);
        RotaryEmbedding rope = new RotaryEmbedding(invFreq.toFloatArray());
        invFreq.close();
        StateDict g = tr.scope("global_cond_embedder");
        SiluMlp globalEmbedder = new SiluMlp(Linear.load(g.scope("0"), dim, dim, true), Linear.load(g.scope("2"), dim, 6L * dim, true));
        List<Sa3Block> layers = new ArrayList<>();
        for (int i = 0; i < c.depth(); i++) {
            layers.add(Sa3Block.load(tr.scope("layers." + i), c));
        }
        Sa3Dit dit = new Sa3Dit(c, cond, global, time, pre, post, in, out, memory, rope, globalEmbedder,
                List.copyOf(layers));
        dit.path.fuse(Sa3FusedStack.unsupported(dit.blocks, false), () -> dit.build(false));
        return dit;
    }

    /**
     * Runs the blocks' attention and feed-forward linear layers through libtorch's dynamically quantised int8 kernels
     * from now on (see {@link Sa3FusedStack}); their float32 weights are released once packed, so the int8 blocks are
     * the only path from then on. Throws {@link IllegalStateException} when the blocks cannot run that way, saying why.
     */
    public void quantizeLinears() {
        path.quantize(Sa3FusedStack.unsupported(blocks, true), () -> build(true));
    }

    /** Whether the blocks' linear layers run in int8. */
    public boolean int8() {
        return path.int8();
    }

    /** How the blocks run, for benchmark reports: {@code fused}, {@code fused int8}, or {@code ops} and why. */
    public String blocksPath() {
        return path.describe();
    }

    /** The blocks run one DJL op at a time from now on (the path the fused stack is checked against). */
    void runBlocksOpByOp() {
        path.opByOp();
    }

    private Sa3FusedStack build(boolean int8) {
        NDManager owner = blocks.get(0).ff().in().weight().getManager();
        return Sa3FusedStack.build(blocks, config, rotary, int8, owner);
    }

    // the fused stack for a call, or null: op by op when not selected (int8 always fused)
    private Sa3FusedStack fusedForCall() {
        return path.forCall();
    }

    private static Linear conv1x1(StateDict sd, String name, int channels) {
        NDArray w = sd.take(name + ".weight", channels, channels, 1);
        return new Linear(w.reshape(channels, channels), null);
    }

    public Sa3DitConfig config() {
        return config;
    }

    /**
     * What every block's cross-attention reads from one batch of cross-attention tokens: the tokens projected by
     * {@code to_cond_embed} and, with fused blocks, each block's keys and values. None of it depends on x or t, so
     * a sampling makes it once ({@link #context}) for all its calls, where the reference projects again on each.
     */
    public record CrossContext(NDArray projected, IValue keysValues) {
    }

    /**
     * The cross-attention context of {@code cross} [B, M, condTokenDim] (null: none), owned by {@code manager} until it
     * is closed.
     */
    public CrossContext context(NDArray cross, NDManager manager) {
        if (cross == null || toCondEmbed == null) {
            return new CrossContext(null, null);
        }
        NDArray projected = toCondEmbed.forward(cross);
        projected.attach(manager);
        Sa3FusedStack f = fusedForCall();
        IValue kv = f != null && f.crossAttention() ? f.crossKv(projected, manager) : null;
        return new CrossContext(projected, kv);
    }

    /**
     * One unguided pass. x: [B, C, T]; t: [B]; cross: [B, M, condTokenDim] or null; global: [B, globalCondDim] or
     * null; local: [B, localDim, T] or null; valid: [B, T] 1/0 floats or null -> v [B, C, T].
     */
    public NDArray forward(NDArray x, NDArray t, NDArray cross, NDArray global, NDArray local, NDArray valid) {
        try (NDManager scope = x.getManager().newSubManager()) {
            return forward(x, t, context(cross, scope), global, local, valid);
        }
    }

    /** As {@link #forward(NDArray, NDArray, NDArray, NDArray, NDArray, NDArray)} with a context made beforehand. */
    public NDArray forward(NDArray x, NDArray t, CrossContext cross, NDArray global, NDArray local, NDArray valid) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            for (NDArray a : new NDArray[]{x, t, global, local, valid}) {
                if (a != null) {
                    a.tempAttach(scope);  // so that results of ops on the inputs are freed with the scope
                }
            }
            NDArray ctx = cross.projected();
            NDArray tCond = config.timestepFeaturesLogsnr() ? logsnrCondition(t) : t;
            NDArray g = toTimestepEmbed.forward(timestepFeatures.forward(tCond));
            if (global != null && toGlobalEmbed != null) {
                g = toGlobalEmbed.forward(global).add(g);
            }
            NDArray modulation = globalCondEmbedder.forward(g);
            NDArray xt = x.transpose(0, 2, 1);                                   // [B, T, C]
            xt = preConv.forward(xt).add(xt);
            NDArray h = projectIn.forward(xt);
            long b = h.getShape().get(0);
            int mem = config.numMemoryTokens();
            if (mem > 0) {
                NDArray tokens = scope.zeros(new Shape(b, mem, config.embedDim()), memoryTokens.getDataType())
                        .add(memoryTokens);  // left operand in scope
                h = tokens.concat(h, 1);
            }
            NDArray fullValid = null;
            if (valid != null) {
                fullValid = mem > 0 ? scope.ones(new Shape(b, mem)).concat(valid, 1) : valid;
            }
            NDArray localT = local != null ? local.transpose(0, 2, 1) : null;
            Sa3FusedStack f = fusedForCall();
            try (RotaryEmbedding.Tables tables = rotary.tables(scope, Math.toIntExact(h.getShape().get(1)))) {
                if (f != null) {
                    IValue kv = ctx == null || !f.crossAttention() ? null
                            : cross.keysValues() != null ? cross.keysValues()
                            : f.crossKv(ctx, scope);  // a context made while the blocks ran op by op
                    h = f.forward(h, tables, modulation, kv, localT, fullValid);
                } else {
                    for (Sa3Block block : blocks) {
                        h = block.forward(h, ctx, modulation, localT, tables, fullValid);
                    }
                }
            }
            NDArray out = projectOut.forward(h.get(":, " + mem + ":, :"));        // [B, T, C]
            // back in x's type: the guidance and the sampler work in float32 under reduced precision
            out = Precision.as(postConv.forward(out).add(out).transpose(0, 2, 1), x.getDataType());
            out.attach(parent);
            return out;
        }
    }

    // t -> (5 − clamp(log((1 − t) / t), −12, 5)) / 17, in float32
    private static NDArray logsnrCondition(NDArray t) {
        NDArray c = t.clip(1e-7f, 1f - 1e-7f);
        NDArray logsnr = c.neg().add(1f).div(c).log().clip(-12f, 5f);
        return logsnr.neg().add(5f).div(17f);
    }
}
