package dev.longplay.models.sa3.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.RmsNorm;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.transformer.RotaryEmbedding;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * T5Gemma's encoder (Hugging Face T5GemmaEncoder), the text encoder of SA3: embeddings scaled by sqrt(hidden),
 * then per layer a sandwich-normed bidirectional self-attention (rotary positions over the whole head, scores
 * scaled by query_pre_attn_scalar^-½, padded keys masked) and a sandwich-normed GeGLU (tanh-approximated GELU)
 * MLP; final RMSNorm. Gemma's norms apply their weights as 1 + w.
 *
 * <p>No attention-logit soft-capping although the config names one: the reference loads the model with
 * transformers' default SDPA attention, which ignores {@code attn_logit_softcapping} (only the eager path applies
 * it); the golden case reproduces that. {@link #withSoftcap} gives the eager behaviour.
 */
public final class T5GemmaEncoder {

    private record Layer(RmsNorm preAttn, Linear q, Linear k, Linear v, Linear o, RmsNorm postAttn, RmsNorm preFf,
                         Linear gate, Linear up, Linear down, RmsNorm postFf) {
    }

    private final T5GemmaConfig config;
    private final NDArray embed;
    private final List<Layer> layers;
    private final RmsNorm norm;
    private final RotaryEmbedding rotary;
    private final boolean softcap;

    private T5GemmaEncoder(T5GemmaConfig config, NDArray embed, List<Layer> layers, RmsNorm norm, boolean softcap) {
        this.config = config;
        this.softcap = softcap;
        this.embed = embed;
        this.layers = layers;
        this.norm = norm;
        this.rotary = new RotaryEmbedding(RotaryEmbedding.inverseFrequencies(config.headDim(), config.ropeTheta()));
    }

    /** sd: unscoped; the encoder's keys start with {@code encoder.} or {@code model.encoder.}. */
    public static T5GemmaEncoder load(StateDict sd, T5GemmaConfig c) {
        StateDict e = sd.has("encoder.embed_tokens.weight") ? sd.scope("encoder")
                : sd.has("model.encoder.embed_tokens.weight") ? sd.scope("model.encoder") : null;
        if (e == null) {
            throw new CheckpointException("T5Gemma weights: no encoder.embed_tokens.weight (nor model.encoder.…)");
        }
        int h = c.hiddenSize();
        int qDim = c.heads() * c.headDim();
        int kvDim = c.kvHeads() * c.headDim();
        NDArray embed = e.take("embed_tokens.weight", c.vocabSize(), h);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            StateDict l = e.scope("layers." + i);
            StateDict a = l.scope("self_attn");
            StateDict m = l.scope("mlp");
            layers.add(new Layer(RmsNorm.loadGemma(l.scope("pre_self_attn_layernorm"), h, c.rmsEps()),
                    Linear.load(a.scope("q_proj"), h, qDim, false), Linear.load(a.scope("k_proj"), h, kvDim, false),
                    Linear.load(a.scope("v_proj"), h, kvDim, false), Linear.load(a.scope("o_proj"), qDim, h, false),
                    RmsNorm.loadGemma(l.scope("post_self_attn_layernorm"), h, c.rmsEps()),
                    RmsNorm.loadGemma(l.scope("pre_feedforward_layernorm"), h, c.rmsEps()),
                    Linear.load(m.scope("gate_proj"), h, c.intermediateSize(), false),
                    Linear.load(m.scope("up_proj"), h, c.intermediateSize(), false),
                    Linear.load(m.scope("down_proj"), c.intermediateSize(), h, false),
                    RmsNorm.loadGemma(l.scope("post_feedforward_layernorm"), h, c.rmsEps())));
        }
        return new T5GemmaEncoder(c, embed, List.copyOf(layers), RmsNorm.loadGemma(e.scope("norm"), h, c.rmsEps()), false);
    }

    /** The same weights with the config's logit soft-capping applied (transformers' eager attention). */
    public T5GemmaEncoder withSoftcap() {
        return new T5GemmaEncoder(config, embed, layers, norm, true);
    }

    public T5GemmaConfig config() {
        return config;
    }

    /** ids, mask: [B, N] (mask 1 = token, 0 = padding) -> last_hidden_state [B, N, hidden]. */
    public NDArray forward(NDArray ids, NDArray mask) {
        long n = ids.getShape().get(1);
        if (n > config.slidingWindow()) {
            throw new IllegalArgumentException("T5Gemma input of " + n + " tokens exceeds the sliding window "
                    + config.slidingWindow() + " (its sliding layers are not implemented)");
        }
        NDManager parent = ids.getManager();
        try (NDManager scope = parent.newSubManager()) {
            ids.tempAttach(scope);
            mask.tempAttach(scope);
            NDArray rows = embed.get(ids.toType(DataType.INT64, false));
            rows.attach(scope);  // a lookup joins the weights' manager: without this, every prompt stays there
            NDArray h = rows.mul((float) Math.sqrt(config.hiddenSize()));
            // additive key mask [B, 1, 1, N]: 0 for tokens, the float minimum for padding (as HF's eager path)
            NDArray keyMask = mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-Float.MAX_VALUE).expandDims(1).expandDims(1);
            try (RotaryEmbedding.Tables tables = rotary.tables(scope, Math.toIntExact(n))) {
                for (Layer l : layers) {
                    h = layer(l, h, keyMask, tables);
                }
            }
            NDArray out = norm.forward(h);
            out.attach(parent);
            return out;
        }
    }

    private NDArray layer(Layer l, NDArray x, NDArray keyMask, RotaryEmbedding.Tables tables) {
        return Scoped.apply(x, in -> {
            NDArray a = l.preAttn().forward(in);
            NDArray q = RotaryEmbedding.apply(heads(l.q().forward(a), config.heads()), tables);
            NDArray k = RotaryEmbedding.apply(heads(l.k().forward(a), config.kvHeads()), tables);
            NDArray v = heads(l.v().forward(a), config.kvHeads());
            if (config.kvHeads() != config.heads()) {
                k = repeat(k);
                v = repeat(v);
            }
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul((float) Math.pow(config.queryPreAttnScalar(), -0.5));
            if (softcap && config.attnSoftcap() > 0) {
                float cap = (float) config.attnSoftcap();
                scores = scores.div(cap).tanh().mul(cap);
            }
            NDArray att = scores.add(keyMask).softmax(3).matMul(v);
            Shape s = in.getShape();
            NDArray merged = att.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(1), (long) config.heads() * config.headDim());
            NDArray h = in.add(l.postAttn().forward(l.o().forward(merged)));
            NDArray f = l.preFf().forward(h);
            NDArray mlp = l.down().forward(geluTanh(l.gate().forward(f)).mul(l.up().forward(f)));
            return h.add(l.postFf().forward(mlp));
        });
    }

    // 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³)))
    private static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
        return x.mul(inner.tanh().add(1f)).mul(0.5f);
    }

    private NDArray heads(NDArray t, int h) {
        Shape s = t.getShape();
        return t.reshape(s.get(0), s.get(1), h, config.headDim()).transpose(0, 2, 1, 3);
    }

    private NDArray repeat(NDArray t) {
        Shape s = t.getShape();
        int rep = config.heads() / config.kvHeads();
        return t.expandDims(2).broadcast(new Shape(s.get(0), config.kvHeads(), rep, s.get(2), s.get(3)))
                .reshape(s.get(0), config.heads(), s.get(2), s.get(3));
    }
}
