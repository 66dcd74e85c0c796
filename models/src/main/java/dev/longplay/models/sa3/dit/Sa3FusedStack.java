package dev.longplay.models.sa3.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.longplay.models.nn.BlockPath;
import dev.longplay.models.nn.BlockTensors;
import dev.longplay.models.nn.ScriptModule;
import dev.longplay.models.nn.ScriptSource;
import dev.longplay.models.transformer.RotaryEmbedding;

import java.util.ArrayList;
import java.util.List;

/**
 * SA3's whole block stack in one TorchScript call per network evaluation instead of some seventy DJL operations per
 * block, each a JNI hop with its own temporaries: the same computation as {@link Sa3Block} (adaLN-modulated RMS-normed
 * self-attention with per-head q/k norm and rotary, differential attention where configured, cross-attention, the
 * local conditioning's embedding, the gated SwiGLU feed-forward), written as TorchScript source for this model's shape
 * and compiled by libtorch at load time. The cross-attention keys and values, which depend only on the conditioning,
 * come from {@link #crossKv} once per call of the network on a new context.
 *
 * <p>With {@code int8}, the blocks' attention and feed-forward linear layers run libtorch's dynamically quantised int8
 * kernel (weights per output channel, packed once here; activations per call); norms, rotary, softmax, the local
 * embedding and the cross-attention keys and values stay float32.
 *
 * <p>Serves float32 weights only (int8: on the CPU), and inference only: {@link #unsupported} says why not otherwise,
 * and {@link Sa3Block} runs instead.
 */
final class Sa3FusedStack implements BlockPath.Stack {

    private static final String CLASS = "Sa3Fused";

    private final String[] sources = new String[4];  // by (valid, local): written on first use
    private final Layout layout;
    private final int depth;
    private final Sa3DitConfig config;
    private final int rotDim;
    private final IValue weights;
    private final IValue packed;        // int8: per block, the packed linear layers; else null
    private final IValue crossWeights;  // per block: to_kv and the key norm
    private final boolean int8;

    private Sa3FusedStack(Layout layout, int depth, Sa3DitConfig config, int rotDim, IValue weights, IValue packed,
                          IValue crossWeights, boolean int8) {
        this.layout = layout;
        this.depth = depth;
        this.config = config;
        this.rotDim = rotDim;
        this.weights = weights;
        this.packed = packed;
        this.crossWeights = crossWeights;
        this.int8 = int8;
    }

    /** Why these blocks cannot run fused, or null when they can. */
    static String unsupported(List<Sa3Block> blocks, boolean int8) {
        if (blocks.isEmpty()) {
            return "no blocks";
        }
        NDArray w = blocks.get(0).ff().in().weight();
        if (w.hasGradient()) {
            return "weights being trained";
        }
        String weights = BlockTensors.unsupportedWeights(w, int8);
        if (weights != null) {
            return weights;
        }
        Layout first = new Layout(blocks.get(0), int8);
        for (Sa3Block b : blocks) {
            if (!new Layout(b, int8).sameAs(first)) {
                return "blocks of different shapes";
            }
        }
        return null;
    }

    /**
     * The fused stack, or null when {@link #unsupported} says why not. The weight lists belong to {@code owner}: closing
     * it frees them. With int8 the blocks' float32 linear weights are released once packed.
     */
    static Sa3FusedStack build(List<Sa3Block> blocks, Sa3DitConfig config, RotaryEmbedding rotary, boolean int8,
                               NDManager owner) {
        if (unsupported(blocks, int8) != null) {
            return null;
        }
        Layout layout = new Layout(blocks.get(0), int8);
        List<BlockTensors> all = new ArrayList<>();
        for (Sa3Block b : blocks) {
            all.add(new Layout(b, int8).t);
        }
        Sa3FusedStack unpacked = new Sa3FusedStack(layout, blocks.size(), config, rotary.rotDim(), null, null, null, int8);
        BlockTensors.Uploaded lists = BlockTensors.upload(all, unpacked.module(false, false), owner);
        return new Sa3FusedStack(layout, blocks.size(), config, rotary.rotDim(), lists.weights(), lists.packed(),
                lists.cross(), int8);
    }

    @Override
    public boolean int8() {
        return int8;
    }

    boolean crossAttention() {
        return crossWeights != null;
    }

    /**
     * Every block's cross-attention keys and values for {@code context} [B, M, dim] (projected, key-normed, heads
     * split: [B, H, M, Dh] each, differential keys after), as one list owned by {@code manager}.
     */
    IValue crossKv(NDArray context, NDManager manager) {
        IValue kv;
        try (IValue ctx = IValue.from((PtNDArray) context)) {
            kv = module(false, false).call("cross_kv", ctx, crossWeights);
        }
        manager.attachInternal("sa3-fused-kv-" + System.identityHashCode(kv), kv);
        return kv;
    }

    /**
     * x: [B, N, dim] (memory tokens first) -> [B, N, dim] after every block, in x's manager. modulation: [B, 6·dim];
     * kv: from {@link #crossKv}, or null without cross-attention; local: [B, T, localDim] for the last T tokens, or
     * null; valid: [B, N] 1/0 floats, or null.
     */
    NDArray forward(NDArray x, RotaryEmbedding.Tables tables, NDArray modulation, IValue kv, NDArray local,
                    NDArray valid) {
        ScriptModule module = module(valid != null, local != null);
        List<IValue> args = new ArrayList<>();
        try {
            args.add(IValue.from((PtNDArray) x));
            args.add(IValue.from((PtNDArray) tables.cos()));
            args.add(IValue.from((PtNDArray) tables.sin()));
            args.add(IValue.from((PtNDArray) modulation));
            // an absent input is not read by the source written without it: x stands in
            args.add(IValue.from((PtNDArray) (valid == null ? x : valid)));
            args.add(IValue.from((PtNDArray) (local == null ? x : local)));
            List<IValue> all = new ArrayList<>(args);
            all.add(weights);
            if (int8) {
                all.add(packed);
            }
            if (kv != null) {
                all.add(kv);
            }
            try (IValue out = module.call(kv != null ? "forward" : "forward_no_cross", all.toArray(IValue[]::new))) {
                return out.toTensor((PtNDManager) x.getManager());
            }
        } finally {
            args.forEach(IValue::close);
        }
    }

    // compiled once per variant (ScriptModule caches by source); a race writes the same string twice
    private ScriptModule module(boolean valid, boolean local) {
        int i = (valid ? 2 : 0) + (local ? 1 : 0);
        String src = sources[i];
        if (src == null) {
            src = source(valid, local);
            sources[i] = src;
        }
        return ScriptModule.compile(CLASS, src);
    }

    /** One block's tensors by role ({@link BlockTensors}), with the q/k norm the source is written for. */
    private static final class Layout {
        final BlockTensors t;
        final String qkNorm;

        Layout(Sa3Block b, boolean int8) {
            t = new BlockTensors(int8);
            t.tensor("pre.g", b.preNorm().gain());
            Sa3Attention s = b.selfAttn();
            qkNorm = s.qNorm() != null ? "rms" : s.l2() ? "l2" : "none";
            t.linear("qkv", s.toQkv(), true);
            if (s.qNorm() != null) {
                t.tensor("qn.g", s.qNorm().gain());
                t.tensor("kn.g", s.kNorm().gain());
            }
            t.linear("out", s.toOut(), true);
            Sa3Attention x = b.crossAttn();
            if (x != null) {
                t.tensor("cn.g", b.crossNorm().gain());
                t.linear("cq", x.toQ(), true);
                if (x.qNorm() != null) {
                    t.tensor("cqn.g", x.qNorm().gain());
                }
                t.linear("co", x.toOut(), true);
                t.crossTensor("kv.w", x.toKv().weight());
                if (x.kNorm() != null) {
                    t.crossTensor("ckn.g", x.kNorm().gain());
                }
            }
            if (b.localEmbed() != null) {
                t.linear("l1", b.localEmbed().first(), false);
                t.linear("l2", b.localEmbed().second(), false);
            }
            t.tensor("ffn.g", b.ffNorm().gain());
            t.linear("ffi", b.ff().in(), true);
            t.linear("ffo", b.ff().out(), true);
            t.tensor("ssg", b.scaleShiftGate());
        }

        boolean sameAs(Layout o) {
            return t.sameKeys(o.t) && qkNorm.equals(o.qkNorm);
        }

        String w(String key) {
            return t.w(key);
        }

        String c(String key) {
            return t.c(key);
        }
    }

    // ---- the TorchScript source ------------------------------------------------------------------------------

    private String source(boolean valid, boolean local) {
        Layout l = layout;
        int dim = config.embedDim();
        int heads = config.numHeads();
        int dh = config.dimHeads();
        int parts = config.differential() ? 2 : 1;
        int kvPerBlock = parts + 1;
        String eps = Float.toString(config.normEps());
        ScriptSource s = new ScriptSource();
        s.classHeader(CLASS);

        String common = "self: __torch__." + CLASS + ", x: Tensor, cos: Tensor, sin: Tensor, mod: Tensor, valid: Tensor,"
                + " local: Tensor, w: List[Tensor]" + (int8 ? ", p: List[" + ScriptSource.PACKED + "]" : "");
        for (boolean withCross : new boolean[] {false, true}) {
            if (withCross && !l.t.hasCross()) {
                continue;
            }
            s.line(1, "def " + (withCross ? "forward" : "forward_no_cross") + "(" + common
                    + (withCross ? ", kv: List[Tensor]" : "") + ") -> Tensor:");
            s.line(2, "b = torch.size(x, 0)");
            s.line(2, "n = torch.size(x, 1)");
            if (valid) {
                s.line(2, "vm = torch.unsqueeze(torch.unsqueeze(valid, 1), 3)");
            }
            if (local) {
                s.line(2, "frames = torch.size(local, 1)");
                s.line(2, "front = n - frames");
            }
            s.line(2, "for i in range(" + depth + "):");
            s.line(3, "o = i * " + l.t.size());
            if (int8) {
                s.line(3, "po = i * " + l.t.packedCount());
            }
            s.line(3, "m = torch.chunk(torch.unsqueeze(torch.add(mod, " + l.w("ssg") + "), 1), 6, 2)");
            // self-attention on the modulated input, gated
            s.line(3, "h = self.rms(x, " + l.w("pre.g") + ", " + eps + ")");
            s.line(3, "h = torch.add(torch.mul(h, torch.add(m[0], 1.0)), m[1])");
            s.line(3, "qkv = torch.permute(torch.reshape(" + lin("qkv", "h") + ", [b, n, " + (2 * parts + 1) + ", "
                    + heads + ", " + dh + "]), [2, 0, 3, 1, 4])");
            s.line(3, "v = qkv[2]");
            if (valid) {
                s.line(3, "v = torch.mul(v, vm)");
            }
            selfAttend(s, "a", "qkv[0]", "qkv[1]");
            if (parts == 2) {
                selfAttend(s, "ad", "qkv[3]", "qkv[4]");
                s.line(3, "a = torch.sub(a, ad)");
            }
            s.line(3, "a = " + lin("out", "torch.reshape(torch.transpose(a, 1, 2), [b, n, " + dim + "])"));
            s.line(3, "x = torch.add(x, torch.mul(a, torch.sigmoid(torch.rsub(m[2], 1.0))))");
            if (withCross) {
                s.line(3, "h = self.rms(x, " + l.w("cn.g") + ", " + eps + ")");
                s.line(3, "cq = torch.permute(torch.reshape(" + lin("cq", "h") + ", [b, n, " + parts + ", " + heads
                        + ", " + dh + "]), [2, 0, 3, 1, 4])");
                s.line(3, "kb = " + kvPerBlock + " * i");
                s.line(3, "a = torch.scaled_dot_product_attention(" + qNorm("cq[0]", "cqn") + ", kv[kb], kv[kb + "
                        + parts + "])");
                if (parts == 2) {
                    s.line(3, "a = torch.sub(a, torch.scaled_dot_product_attention(" + qNorm("cq[1]", "cqn")
                            + ", kv[kb + 1], kv[kb + 2]))");
                }
                s.line(3, "x = torch.add(x, " + lin("co", "torch.reshape(torch.transpose(a, 1, 2), [b, n, " + dim
                        + "])") + ")");
            }
            if (local) {
                s.line(3, "e = torch.linear(torch.silu(torch.linear(local, " + l.w("l1.w") + ", " + l.w("l1.b")
                        + ")), " + l.w("l2.w") + ", " + l.w("l2.b") + ")");
                // the memory tokens in front receive nothing
                s.line(3, "x = torch.cat([torch.narrow(x, 1, 0, front), torch.add(torch.narrow(x, 1, front, frames), e)],"
                        + " 1)");
            }
            s.line(3, "h = self.rms(x, " + l.w("ffn.g") + ", " + eps + ")");
            s.line(3, "h = torch.add(torch.mul(h, torch.add(m[3], 1.0)), m[4])");
            s.line(3, "halves = torch.chunk(" + lin("ffi", "h") + ", 2, -1)");
            s.line(3, "f = " + lin("ffo", "torch.mul(halves[0], torch.silu(halves[1]))"));
            s.line(3, "x = torch.add(x, torch.mul(f, torch.sigmoid(torch.rsub(m[5], 1.0))))");
            s.line(2, "return x");
        }

        s.line(1, "def rms(self: __torch__." + CLASS + ", t: Tensor, g: Tensor, eps: float) -> Tensor:");
        s.line(2, "r = torch.rsqrt(torch.add(torch.mean(torch.mul(t, t), [-1], True), eps))");
        s.line(2, "return torch.mul(torch.mul(t, r), g)");

        int half = rotDim / 2;
        s.line(1, "def rope(self: __torch__." + CLASS + ", t: Tensor, cos: Tensor, sin: Tensor) -> Tensor:");
        s.line(2, "r = torch.narrow(t, 3, 0, " + rotDim + ")");
        s.line(2, "turned = torch.cat([torch.neg(torch.narrow(r, 3, " + half + ", " + half + ")), torch.narrow(r, 3, 0, "
                + half + ")], 3)");
        s.line(2, "out = torch.add(torch.mul(r, cos), torch.mul(turned, sin))");
        if (rotDim < dh) {
            s.line(2, "out = torch.cat([out, torch.narrow(t, 3, " + rotDim + ", " + (dh - rotDim) + ")], 3)");
        }
        s.line(2, "return out");

        if (!!l.t.hasCross()) {
            s.line(1, "def cross_kv(self: __torch__." + CLASS + ", ctx: Tensor, c: List[Tensor]) -> List[Tensor]:");
            s.line(2, "b = torch.size(ctx, 0)");
            s.line(2, "m = torch.size(ctx, 1)");
            s.line(2, "out = annotate(List[Tensor], [])");
            s.line(2, "for i in range(" + depth + "):");
            s.line(3, "oc = i * " + l.t.crossSize());
            s.line(3, "kv = torch.permute(torch.reshape(torch.linear(ctx, " + l.c("kv.w") + ", None), [b, m, "
                    + kvPerBlock + ", " + heads + ", " + dh + "]), [2, 0, 3, 1, 4])");
            for (int j = 0; j < parts; j++) {
                s.line(3, "out.append(torch.contiguous(" + keyNorm("kv[" + j + "]", l.c("ckn.g")) + "))");
            }
            s.line(3, "out.append(torch.contiguous(kv[" + parts + "]))");
            s.line(2, "return out");
        }

        if (int8) {
            l.t.writePackMethods(s, CLASS, depth);
        }
        return s.toString();
    }

    // a = attention of query and key expressions (per-head norm, rotary) over v
    private void selfAttend(ScriptSource s, String out, String q, String k) {
        s.line(3, out + " = torch.scaled_dot_product_attention(self.rope(" + qNorm(q, "qn") + ", cos, sin), self.rope("
                + keyNorm(k, layout.w("kn.g")) + ", cos, sin), v)");
    }

    private String qNorm(String t, String norm) {
        return headNorm(t, layout.w(norm + ".g"));
    }

    private String keyNorm(String t, String gain) {
        return headNorm(t, gain);
    }

    // the reference's per-head q/k norm: RMS with a gain, or L2 with its norm clamped at 1e-6, or none
    private String headNorm(String t, String gain) {
        return switch (layout.qkNorm) {
            case "rms" -> "self.rms(" + t + ", " + gain + ", " + config.qkNormEps() + ")";
            case "l2" -> "torch.div(" + t + ", torch.clamp_min(torch.linalg_vector_norm(" + t + ", 2, [-1], True), 1e-06))";
            default -> t;
        };
    }

    private String lin(String name, String x) {
        return layout.t.linearCall(name, x);
    }
}
