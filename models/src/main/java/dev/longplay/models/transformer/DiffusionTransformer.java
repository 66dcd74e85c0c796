package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.IValue;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.conditioning.Conditioning;
import dev.longplay.models.diffusion.ModelFunction;
import dev.longplay.models.nn.BlockPath;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.Precision;
import dev.longplay.models.nn.SiluMlp;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.List;

/**
 * stable-audio-tools' DiffusionTransformer ({@code dit}): timestep Fourier features and embedding, projected
 * cross-attention tokens and global condition, the global condition (plus the timestep) prepended as a token
 * or fed to adaLN, 1×1 pre/post convolutions with residuals around a continuous transformer; and
 * classifier-free guidance in one batch of 2B against zeroed (or negative-prompt) conditioning.
 */
public final class DiffusionTransformer {

    /** The DiT's module path in a full Stable Audio checkpoint. */
    public static final String CHECKPOINT_PREFIX = "model.model";
    private static final int TIMESTEP_FEATURES = 256;

    private final DitConfig config;
    private final FourierFeatures timestepFeatures;
    private final SiluMlp toTimestepEmbed;
    private final SiluMlp toCondEmbed;
    private final SiluMlp toGlobalEmbed;
    private final Conv1d preprocess;
    private final Conv1d postprocess;
    private final ContinuousTransformer transformer;
    private final BlockPath<FusedDitStack> blocks = new BlockPath<>();

    private DiffusionTransformer(DitConfig config, FourierFeatures timestepFeatures, SiluMlp toTimestepEmbed,
                                 SiluMlp toCondEmbed, SiluMlp toGlobalEmbed, Conv1d preprocess, Conv1d postprocess,
                                 ContinuousTransformer transformer) {
        this.config = config;
        this.timestepFeatures = timestepFeatures;
        this.toTimestepEmbed = toTimestepEmbed;
        this.toCondEmbed = toCondEmbed;
        this.toGlobalEmbed = toGlobalEmbed;
        this.preprocess = preprocess;
        this.postprocess = postprocess;
        this.transformer = transformer;
    }

    public static DiffusionTransformer load(StateDict checkpoint, ModelConfig cfg) {
        if (!"dit".equals(cfg.model().diffusion().type())) {
            throw new CheckpointException("unsupported diffusion model type '" + cfg.model().diffusion().type()
                    + "' (Longplay runs 'dit')");
        }
        DitConfig c = DitConfig.parse(cfg.model().diffusion().config(), cfg.model().diffusion().objective());
        if (c.inputConcatDim() > 0 || c.prependCondDim() > 0 || c.patchSize() != 1) {
            throw new CheckpointException("unsupported DiT options: input_concat_dim, prepend_cond_dim and patch_size > 1");
        }
        StateDict sd = checkpoint.scope(CHECKPOINT_PREFIX);
        int dim = c.embedDim();
        FourierFeatures ff = FourierFeatures.load(sd.scope("timestep_features"), 1, TIMESTEP_FEATURES);
        SiluMlp ts = SiluMlp.load(sd.scope("to_timestep_embed"), TIMESTEP_FEATURES, dim, dim, true);
        SiluMlp cond = c.condTokenDim() > 0
                ? SiluMlp.load(sd.scope("to_cond_embed"), c.condTokenDim(), c.condEmbedDim(), c.condEmbedDim(), false) : null;
        SiluMlp global = c.globalCondDim() > 0
                ? SiluMlp.load(sd.scope("to_global_embed"), c.globalCondDim(), c.globalEmbedDim(), c.globalEmbedDim(), false) : null;
        int io = c.ioChannels();
        Conv1d pre = new Conv1d(sd.take("preprocess_conv.weight", io, io, 1), null, 1, 0, 1);
        Conv1d post = new Conv1d(sd.take("postprocess_conv.weight", io, io, 1), null, 1, 0, 1);
        ContinuousTransformer t = ContinuousTransformer.load(sd.scope("transformer"), c, io, io,
                c.condTokenDim() > 0 ? c.condEmbedDim() : 0);
        sd.requireAllUsed();
        DiffusionTransformer dit = new DiffusionTransformer(c, ff, ts, cond, global, pre, post, t);
        dit.blocks.fuse(FusedDitStack.unsupported(t.layers(), false), () -> dit.build(false));
        return dit;
    }

    /**
     * Runs the blocks' linear layers through libtorch's dynamically quantised int8 kernels from now on (weights
     * quantised and packed here, once; activations per call): see {@link FusedDitStack}. The blocks' float32 linear
     * weights are released once packed, so the int8 blocks are the only path from then on (whatever
     * {@code -Dlongplay.dit} says). Throws {@link IllegalStateException} when the blocks cannot run that way (weights
     * not float32, not on the CPU, or a libtorch without the quantised ops), saying why.
     */
    public void quantizeLinears() {
        blocks.quantize(FusedDitStack.unsupported(transformer.layers(), true), () -> build(true));
    }

    /**
     * How the blocks run, for benchmark reports: {@code fused}, {@code fused int8}, or {@code ops} and why (also
     * with {@code -Dlongplay.dit=ops}).
     */
    public String blocksPath() {
        return blocks.describe();
    }

    /** The blocks run one DJL op at a time from now on (the path the fused stack is checked against). */
    void runBlocksOpByOp() {
        blocks.opByOp();
    }

    private FusedDitStack build(boolean int8) {
        List<TransformerBlock> layers = transformer.layers();
        NDManager owner = layers.get(0).selfAttn().toQkv().weight().getManager();
        return FusedDitStack.build(layers, config, transformer.rotary(), int8, owner);
    }

    // the fused stack for this call, or null: op by op when not selected, or while training (autograd); int8 always
    private FusedDitStack fusedForCall() {
        FusedDitStack f = blocks.forCall();
        return f != null && (f.int8() || !FusedDitStack.training(transformer.layers())) ? f : null;
    }

    /** The block stack (tests look at its weights). */
    ContinuousTransformer transformer() {
        return transformer;
    }

    public DitConfig config() {
        return config;
    }

    /**
     * The network with conditioning and guidance bound, as samplers call it. With cfgScale ≠ 1 and
     * cross-attention tokens present, the conditional and unconditional halves run as one batch of 2B whose
     * unconditional tokens are zeros, or the negative prompt's tokens with its padding zeroed; the global
     * condition is the same for both halves (the reference guides only the cross-attention input).
     * The projected conditioning lives in {@code manager} until it is closed.
     */
    public ModelFunction bind(Conditioning cond, Conditioning negative, double cfgScale, NDManager manager) {
        NDArray tokens = cond.crossAttnTokens();
        NDArray global = cond.globalCond();
        boolean guided = cfgScale != 1.0 && tokens != null;
        NDArray batchTokens = tokens;
        NDArray batchGlobal = global;
        if (guided) {
            NDArray uncond = negative != null && negative.crossAttnTokens() != null
                    ? negative.crossAttnTokens().mul(negative.crossAttnMask().expandDims(2))
                    : tokens.zerosLike();
            batchTokens = tokens.concat(uncond, 0);
            uncond.close();
            batchGlobal = global == null ? null : global.concat(global, 0);
        }
        // The projections of the conditioning do not depend on x or t: compute them once per generation, and with
        // them (fused blocks) every block's cross-attention keys and values.
        NDArray context = batchTokens != null && toCondEmbed != null ? toCondEmbed.forward(batchTokens) : null;
        FusedDitStack f = fusedForCall();
        if (f != null && f.crossAttention() && context == null) {
            f = null;
        }
        FusedDitStack stack = f;
        IValue kv = stack != null && stack.crossAttention() ? stack.crossKv(context, manager) : null;
        NDArray globalEmbed = batchGlobal != null && toGlobalEmbed != null ? toGlobalEmbed.forward(batchGlobal) : null;
        for (NDArray a : new NDArray[]{context, globalEmbed}) {
            if (a != null) {
                a.attach(manager);
            }
        }
        if (guided) {
            batchTokens.close();
            if (batchGlobal != null) {
                batchGlobal.close();
            }
        }
        if (!guided) {
            return (x, t) -> scoped(x, t, () -> run(x, t, context, globalEmbed, stack, kv));
        }
        float scale = (float) cfgScale;
        return (x, t) -> scoped(x, t, () -> {
            long b = x.getShape().get(0);
            // the guidance sum in the sampler's type: with bf16 halves, cond − uncond would cancel digits
            NDArray both = Precision.as(run(x.concat(x, 0), t.concat(t, 0), context, globalEmbed, stack, kv),
                    x.getDataType());
            NDArray condOut = both.get("0:" + b);
            NDArray uncondOut = both.get(b + ":");
            return uncondOut.add(condOut.sub(uncondOut).muli(scale));
        });
    }

    /**
     * Runs one network call in its own memory scope; only the result survives, in x's manager and type (the
     * sampler's state stays float32 when the network computes in reduced precision).
     */
    private static NDArray scoped(NDArray x, NDArray t, java.util.function.Supplier<NDArray> body) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            t.tempAttach(scope);
            NDArray out = Precision.as(body.get(), x.getDataType());
            out.attach(parent);
            return out;
        }
    }

    // x: [B, C, T], t: [B], context: [B, M, D] projected tokens or null, globalEmbed: [B, dim] or null
    private NDArray run(NDArray x, NDArray t, NDArray context, NDArray globalEmbed, FusedDitStack stack, IValue kv) {
        // training with the fused stack bound (grads attached since): op by op
        FusedDitStack f = stack != null && stack == fusedForCall() ? stack : null;
        NDArray timestep = toTimestepEmbed.forward(timestepFeatures.forward(t.expandDims(1)));  // [B, dim]
        NDArray global = globalEmbed == null ? timestep : timestep.add(globalEmbed);
        NDArray prepend = config.adaLN() ? null : global.expandDims(1);                         // [B, 1, dim]
        NDArray h = preprocess.forward(x).add(x);                                               // [B, C, T]
        NDArray seq = transformer.forward(h.transpose(0, 2, 1), prepend, context,
                config.adaLN() ? global : null, f, kv);                                              // [B, P+T, C]
        long p = prepend == null ? 0 : prepend.getShape().get(1);
        NDArray y = seq.get(":, " + p + ":, :").transpose(0, 2, 1);                             // [B, C, T]
        return postprocess.forward(y).add(y);
    }
}
