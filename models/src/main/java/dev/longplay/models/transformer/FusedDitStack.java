package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.longplay.models.nn.BlockPath;
import dev.longplay.models.nn.BlockTensors;
import dev.longplay.models.nn.LayerNorm;
import dev.longplay.models.nn.ScriptModule;
import dev.longplay.models.nn.ScriptSource;

import java.util.ArrayList;
import java.util.List;

/**
 * The continuous transformer's whole block stack in one TorchScript call per network evaluation, instead of some
 * sixty DJL operations per block, each a JNI hop with its own temporaries: the same computation as
 * {@link TransformerBlock} (pre-norm self-attention with q/k norm and rotary, cross-attention, feed-forward, adaLN
 * when configured), written as TorchScript source for this model's shape and compiled by libtorch at load time
 * ({@link ScriptModule}). The weights go in as one list made once; the cross-attention keys and values, which depend
 * only on the conditioning, are computed once per generation ({@link #crossKv}).
 *
 * <p>With {@code int8}, every linear layer of the blocks runs libtorch's dynamically quantised int8 kernel (fbgemm on
 * x86): weights quantised per output channel (symmetric, to int8) and packed once here, activations quantised per
 * call from their observed range. Norms, rotary, softmax attention and the cross-attention keys and values stay
 * float32.
 *
 * <p>Serves float32 weights only, on any device for float32 and on the CPU for int8; {@link #build} returns null
 * (and {@link #unsupported} says why) for anything else, and the op-by-op blocks run instead.
 */
final class FusedDitStack implements BlockPath.Stack {

    private final ScriptModule module;
    private final IValue weights;       // per layer: norms, adaLN gains, and (float32) the linear layers
    private final IValue packed;        // int8: per layer, the packed linear layers; else null
    private final IValue crossWeights;  // per layer: to_kv and the key norm, for crossKv
    private final boolean adaLN;
    private final boolean crossAttention;
    private final boolean int8;

    private FusedDitStack(ScriptModule module, IValue weights, IValue packed, IValue crossWeights, boolean adaLN,
                          boolean crossAttention, boolean int8) {
        this.module = module;
        this.weights = weights;
        this.packed = packed;
        this.crossWeights = crossWeights;
        this.adaLN = adaLN;
        this.crossAttention = crossAttention;
        this.int8 = int8;
    }

    /**
     * Why these blocks cannot run fused, or null when they can. The stack needs float32 weights, the same parts in
     * every block, and (int8) the CPU.
     */
    static String unsupported(List<TransformerBlock> layers, boolean int8) {
        if (layers.isEmpty()) {
            return "no blocks";
        }
        String weights = BlockTensors.unsupportedWeights(layers.get(0).selfAttn().toQkv().weight(), int8);
        if (weights != null) {
            return weights;
        }
        Layout first = new Layout(layers.get(0), int8);
        for (TransformerBlock b : layers) {
            if (!new Layout(b, int8).sameAs(first)) {
                return "blocks of different shapes";
            }
        }
        return null;
    }

    /**
     * The fused stack for {@code layers} (loaded with {@code config}), or null when {@link #unsupported} says why
     * not. The lists of weights (and, int8, the packed weights) belong to {@code owner}: closing it frees them.
     */
    static FusedDitStack build(List<TransformerBlock> layers, DitConfig config, RotaryEmbedding rotary, boolean int8,
                               NDManager owner) {
        if (unsupported(layers, int8) != null) {
            return null;
        }
        Layout layout = new Layout(layers.get(0), int8);
        ScriptModule module = ScriptModule.compile("FusedDit", source(layout, layers.size(), config, rotary, int8));
        List<BlockTensors> blocks = new ArrayList<>();
        for (TransformerBlock b : layers) {
            blocks.add(new Layout(b, int8).t);
        }
        BlockTensors.Uploaded lists = BlockTensors.upload(blocks, module, owner);
        return new FusedDitStack(module, lists.weights(), lists.packed(), lists.cross(), config.adaLN(),
                layout.t.hasCross(), int8);
    }

    @Override
    public boolean int8() {
        return int8;
    }

    boolean crossAttention() {
        return crossAttention;
    }

    /**
     * Every block's cross-attention keys and values for {@code context} [B, M, dimContext] (projected, key-normed,
     * grouped heads repeated: [B, H, M, Dh] each), as one list owned by {@code manager}.
     */
    IValue crossKv(NDArray context, NDManager manager) {
        IValue kv;
        try (IValue ctx = IValue.from((PtNDArray) context)) {
            kv = module.call("cross_kv", ctx, crossWeights);
        }
        manager.attachInternal("fused-dit-kv-" + System.identityHashCode(kv), kv);
        return kv;
    }

    /**
     * x: [B, N, dim] -> [B, N, dim] after every block, in x's manager. tables: rotary cos and sin for N positions;
     * kv: from {@link #crossKv} (ignored without cross-attention); modulation: [B, 6·dim] (adaLN only).
     */
    NDArray forward(NDArray x, RotaryEmbedding.Tables tables, IValue kv, NDArray modulation) {
        List<IValue> args = new ArrayList<>();
        try {
            args.add(IValue.from((PtNDArray) x));
            // without rotary the source ignores cos and sin: x stands in for them
            args.add(IValue.from((PtNDArray) (tables == null ? x : tables.cos())));
            args.add(IValue.from((PtNDArray) (tables == null ? x : tables.sin())));
            if (adaLN) {
                args.add(IValue.from((PtNDArray) modulation));
            }
            List<IValue> shared = new ArrayList<>(List.of(weights));
            if (int8) {
                shared.add(packed);
            }
            if (crossAttention) {
                shared.add(kv);
            }
            List<IValue> all = new ArrayList<>(args);
            all.addAll(shared);
            try (IValue out = module.call("forward", all.toArray(IValue[]::new))) {
                return out.toTensor((PtNDManager) x.getManager());
            }
        } finally {
            args.forEach(IValue::close);
        }
    }

    /**
     * Whether the weights record gradients (training): the fused call runs without autograd, so the op-by-op path
     * must run then.
     */
    static boolean training(List<TransformerBlock> layers) {
        return layers.get(0).selfAttn().toQkv().weight().hasGradient();
    }

    /** One block's tensors by role ({@link BlockTensors}), with the attention options the source is written for. */
    private static final class Layout {
        final BlockTensors t;
        final String qkNorm;
        final int kvRepeat;

        Layout(TransformerBlock b, boolean int8) {
            t = new BlockTensors(int8);
            norm("pre", b.preNorm());
            Attention s = b.selfAttn();
            qkNorm = s.qNorm() != null ? "ln" : s.l2Norm() ? "l2" : "none";
            t.linear("qkv", s.toQkv(), true);
            if (s.qNorm() != null) {
                norm("qn", s.qNorm());
                norm("kn", s.kNorm());
            }
            t.linear("out", s.toOut(), true);
            Attention x = b.crossAttn();
            if (x != null) {
                norm("cn", b.crossNorm());
                t.linear("cq", x.toQ(), true);
                if (x.qNorm() != null) {
                    norm("cqn", x.qNorm());
                }
                t.linear("co", x.toOut(), true);
                t.crossTensor("kv.w", x.toKv().weight());
                t.crossTensor("kv.b", x.toKv().bias());
                if (x.kNorm() != null) {
                    t.crossTensor("ckn.g", x.kNorm().gain());
                    t.crossTensor("ckn.b", x.kNorm().shift());
                }
                kvRepeat = x.heads() / x.kvHeads();
            } else {
                kvRepeat = 1;
            }
            norm("ffn", b.ffNorm());
            t.linear("ffi", b.ff().in(), true);
            t.linear("ffo", b.ff().out(), true);
            t.tensor("ssg", b.scaleShiftGate());
        }

        private void norm(String name, LayerNorm n) {
            t.tensor(name + ".g", n.gain());
            t.tensor(name + ".b", n.shift());
        }

        boolean sameAs(Layout o) {
            return t.sameKeys(o.t) && qkNorm.equals(o.qkNorm) && kvRepeat == o.kvRepeat;
        }

        String w(String key) {
            return t.w(key);
        }

        String c(String key) {
            return t.c(key);
        }
    }

    // ---- the TorchScript source ------------------------------------------------------------------------------

    static String source(Layout l, int depth, DitConfig cfg, RotaryEmbedding rotary, boolean int8) {
        int dim = cfg.embedDim();
        int heads = cfg.numHeads();
        int dh = cfg.dimHeads();
        String eps = Float.toString(cfg.normEps());
        ScriptSource s = new ScriptSource();
        s.classHeader("FusedDit");

        // forward(x, cos, sin[, mod], w[, p][, kv]) -> x after every block
        StringBuilder sig = new StringBuilder("def forward(self: __torch__.FusedDit, x: Tensor, cos: Tensor, sin: Tensor");
        if (cfg.adaLN()) {
            sig.append(", mod: Tensor");
        }
        sig.append(", w: List[Tensor]");
        if (int8) {
            sig.append(", p: List[" + ScriptSource.PACKED + "]");
        }
        if (l.t.hasCross()) {
            sig.append(", kv: List[Tensor]");
        }
        s.line(1, sig + ") -> Tensor:");
        s.line(2, "b = torch.size(x, 0)");
        s.line(2, "n = torch.size(x, 1)");
        s.line(2, "for i in range(" + depth + "):");
        s.line(3, "o = i * " + l.t.size());
        if (int8) {
            s.line(3, "po = i * " + l.t.packedCount());
        }
        if (cfg.adaLN()) {
            s.line(3, "m = torch.chunk(torch.unsqueeze(torch.add(mod, " + l.w("ssg") + "), 1), 6, 2)");
        }
        // self-attention
        s.line(3, "h = torch.layer_norm(x, [" + dim + "], " + l.w("pre.g") + ", " + l.w("pre.b") + ", " + eps + ", False)");
        if (cfg.adaLN()) {
            s.line(3, "h = torch.add(torch.mul(h, torch.add(m[0], 1.0)), m[1])");
        }
        s.line(3, "qkv = torch.permute(torch.reshape(" + l.t.linearCall("qkv", "h") + ", [b, n, 3, " + heads + ", "
                + dh + "]), [2, 0, 3, 1, 4])");
        s.line(3, "q = qkv[0]");
        s.line(3, "k = qkv[1]");
        s.line(3, "v = qkv[2]");
        headNorm(s, l, "q", "qn", l.qkNorm, dh);
        headNorm(s, l, "k", "kn", l.qkNorm, dh);
        if (rotary != null) {
            s.line(3, "q = self.rope(q, cos, sin)");
            s.line(3, "k = self.rope(k, cos, sin)");
        }
        s.line(3, "a = torch.reshape(torch.transpose(torch.scaled_dot_product_attention(q, k, v), 1, 2), [b, n, "
                + dim + "])");
        s.line(3, "a = " + l.t.linearCall("out", "a"));
        if (cfg.adaLN()) {
            s.line(3, "a = torch.mul(a, torch.sigmoid(torch.rsub(m[2], 1.0)))");
        }
        s.line(3, "x = torch.add(x, a)");
        // cross-attention over the precomputed keys and values
        if (l.t.hasCross()) {
            s.line(3, "h = torch.layer_norm(x, [" + dim + "], " + l.w("cn.g") + ", " + l.w("cn.b") + ", " + eps
                    + ", False)");
            s.line(3, "q = torch.transpose(torch.reshape(" + l.t.linearCall("cq", "h") + ", [b, n, " + heads + ", " + dh
                    + "]), 1, 2)");
            headNorm(s, l, "q", "cqn", l.qkNorm, dh);
            s.line(3, "a = torch.scaled_dot_product_attention(q, kv[2 * i], kv[2 * i + 1])");
            s.line(3, "a = torch.reshape(torch.transpose(a, 1, 2), [b, n, " + dim + "])");
            s.line(3, "x = torch.add(x, " + l.t.linearCall("co", "a") + ")");
        }
        // feed-forward
        s.line(3, "h = torch.layer_norm(x, [" + dim + "], " + l.w("ffn.g") + ", " + l.w("ffn.b") + ", " + eps
                + ", False)");
        if (cfg.adaLN()) {
            s.line(3, "h = torch.add(torch.mul(h, torch.add(m[3], 1.0)), m[4])");
        }
        s.line(3, "g = " + l.t.linearCall("ffi", "h"));
        if (cfg.ffGlu()) {
            s.line(3, "halves = torch.chunk(g, 2, -1)");
            s.line(3, "g = torch.mul(halves[0], torch.silu(halves[1]))");
        } else {
            s.line(3, "g = torch.silu(g)");
        }
        s.line(3, "f = " + l.t.linearCall("ffo", "g"));
        if (cfg.adaLN()) {
            s.line(3, "f = torch.mul(f, torch.sigmoid(torch.rsub(m[5], 1.0)))");
        }
        s.line(3, "x = torch.add(x, f)");
        s.line(2, "return x");

        if (rotary != null) {
            int rot = rotary.rotDim();
            int half = rot / 2;
            s.line(1, "def rope(self: __torch__.FusedDit, t: Tensor, cos: Tensor, sin: Tensor) -> Tensor:");
            s.line(2, "r = torch.narrow(t, 3, 0, " + rot + ")");
            s.line(2, "turned = torch.cat([torch.neg(torch.narrow(r, 3, " + half + ", " + half + ")), "
                    + "torch.narrow(r, 3, 0, " + half + ")], 3)");
            s.line(2, "out = torch.add(torch.mul(r, cos), torch.mul(turned, sin))");
            if (rot < dh) {
                s.line(2, "out = torch.cat([out, torch.narrow(t, 3, " + rot + ", " + (dh - rot) + ")], 3)");
            }
            s.line(2, "return out");
        }

        // cross_kv(context, c) -> [k0, v0, k1, v1, ...]
        if (l.t.hasCross()) {
            int kvHeads = heads / l.kvRepeat;
            s.line(1, "def cross_kv(self: __torch__.FusedDit, ctx: Tensor, c: List[Tensor]) -> List[Tensor]:");
            s.line(2, "b = torch.size(ctx, 0)");
            s.line(2, "m = torch.size(ctx, 1)");
            s.line(2, "out = annotate(List[Tensor], [])");
            s.line(2, "for i in range(" + depth + "):");
            s.line(3, "oc = i * " + l.t.crossSize());
            s.line(3, "halves = torch.chunk(torch.linear(ctx, " + l.c("kv.w") + ", " + l.c("kv.b") + "), 2, -1)");
            s.line(3, "k = torch.transpose(torch.reshape(halves[0], [b, m, " + kvHeads + ", " + dh + "]), 1, 2)");
            s.line(3, "v = torch.transpose(torch.reshape(halves[1], [b, m, " + kvHeads + ", " + dh + "]), 1, 2)");
            if (l.qkNorm.equals("ln")) {
                s.line(3, "k = torch.layer_norm(k, [" + dh + "], " + l.c("ckn.g") + ", " + l.c("ckn.b")
                        + ", 1e-06, False)");
            } else if (l.qkNorm.equals("l2")) {
                s.line(3, "k = torch.div(k, torch.clamp_min(torch.linalg_vector_norm(k, 2, [-1], True), 1e-12))");
            }
            if (l.kvRepeat > 1) {
                s.line(3, "k = torch.repeat_interleave(k, " + l.kvRepeat + ", 1)");
                s.line(3, "v = torch.repeat_interleave(v, " + l.kvRepeat + ", 1)");
            }
            s.line(3, "out.append(torch.contiguous(k))");
            s.line(3, "out.append(torch.contiguous(v))");
            s.line(2, "return out");
        }

        // pack(ws) -> the linear layers quantised to int8 per output channel and packed for fbgemm
        if (int8) {
            l.t.writePackMethods(s, "FusedDit", depth);
        }
        return s.toString();
    }

    private static void headNorm(ScriptSource s, Layout l, String var, String norm, String kind, int dh) {
        if (kind.equals("ln")) {
            s.line(3, var + " = torch.layer_norm(" + var + ", [" + dh + "], " + l.w(norm + ".g") + ", "
                    + l.w(norm + ".b") + ", 1e-06, False)");
        } else if (kind.equals("l2")) {
            s.line(3, var + " = torch.div(" + var + ", torch.clamp_min(torch.linalg_vector_norm(" + var
                    + ", 2, [-1], True), 1e-12))");
        }
    }
}
