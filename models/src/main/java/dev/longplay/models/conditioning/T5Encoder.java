package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * The encoder half of T5 (Raffel et al.), as Hugging Face's T5EncoderModel computes it: token embedding, then
 * per layer a pre-RMS-normalised self-attention with a learned relative-position bias (computed by the first
 * layer, shared by all) and no 1/sqrt(d) score scaling, then a pre-normalised feed-forward (ReLU, or
 * gated GELU for v1.1/Flan), and a final RMS norm. Padding is masked with the most negative float.
 */
public final class T5Encoder implements AutoCloseable {

    private final T5Config config;
    private final NDManager weights;
    private final NDArray embedding;            // [vocab, d_model]
    private final NDArray relativeBias;         // [buckets, heads]
    private final List<Layer> layers;
    private final NDArray finalNorm;

    private record Layer(NDArray attnNorm, Linear qkv, Linear o, NDArray ffNorm, Linear wi, Linear wiGate, Linear wo) {
    }

    private T5Encoder(T5Config config, NDManager weights, NDArray embedding, NDArray relativeBias, List<Layer> layers,
                      NDArray finalNorm) {
        this.config = config;
        this.weights = weights;
        this.embedding = embedding;
        this.relativeBias = relativeBias;
        this.layers = layers;
        this.finalNorm = finalNorm;
    }

    /** sd: the text encoder's own checkpoint (HF key names); its manager owns the weights. */
    public static T5Encoder load(StateDict sd, T5Config c) {
        long d = c.dModel();
        long inner = c.innerDim();
        NDArray emb = sd.has("shared.weight") ? sd.take("shared.weight", c.vocabSize(), d)
                : sd.take("encoder.embed_tokens.weight", c.vocabSize(), d);
        if (sd.has("encoder.embed_tokens.weight") && sd.has("shared.weight")) {
            sd.take("encoder.embed_tokens.weight", c.vocabSize(), d).close();  // tied copy of shared.weight
        }
        StateDict enc = sd.scope("encoder");
        NDArray bias = enc.take("block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                c.relativeAttentionNumBuckets(), c.numHeads());
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            StateDict attn = enc.scope("block." + i + ".layer.0");
            NDArray q = attn.take("SelfAttention.q.weight", inner, d);
            NDArray k = attn.take("SelfAttention.k.weight", inner, d);
            NDArray v = attn.take("SelfAttention.v.weight", inner, d);
            // One [3·inner, d] projection instead of three: fewer calls per layer.
            Linear qkv = new Linear(q.concat(k, 0).concat(v, 0), null);
            q.close();
            k.close();
            v.close();
            Linear o = Linear.load(attn.scope("SelfAttention.o"), inner, d, false);
            NDArray attnNorm = attn.take("layer_norm.weight", d);
            StateDict ff = enc.scope("block." + i + ".layer.1");
            Linear wi;
            Linear wiGate = null;
            if (c.gatedGelu()) {
                wiGate = Linear.load(ff.scope("DenseReluDense.wi_0"), d, c.dFf(), false);
                wi = Linear.load(ff.scope("DenseReluDense.wi_1"), d, c.dFf(), false);
            } else {
                wi = Linear.load(ff.scope("DenseReluDense.wi"), d, c.dFf(), false);
            }
            Linear wo = Linear.load(ff.scope("DenseReluDense.wo"), c.dFf(), d, false);
            layers.add(new Layer(attnNorm, qkv, o, ff.take("layer_norm.weight", d), wi, wiGate, wo));
        }
        NDArray finalNorm = enc.take("final_layer_norm.weight", d);
        sd.requireAllUsed();
        return new T5Encoder(c, sd.manager(), emb, bias, List.copyOf(layers), finalNorm);
    }

    public T5Config config() {
        return config;
    }

    /** input ids and attention mask (1/0) of [B, N] -> last hidden state [B, N, d_model] in {@code manager}. */
    public NDArray encode(long[][] ids, long[][] mask, NDManager manager) {
        int b = ids.length;
        int n = ids[0].length;
        long[] flatIds = new long[b * n];
        float[] additive = new float[b * n];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                flatIds[i * n + j] = ids[i][j];
                additive[i * n + j] = mask[i][j] != 0 ? 0f : -Float.MAX_VALUE;
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray idArray = scope.create(flatIds, new Shape((long) b * n));
            NDArray rows = embedding.get(idArray);   // the result joins the weights' manager: move it
            rows.attach(scope);
            NDArray h = rows.reshape(b, n, config.dModel());
            // position bias [1, H, N, N] plus the padding mask broadcast over queries [B, 1, 1, N]
            NDArray bias = positionBias(scope, n).add(scope.create(additive, new Shape(b, 1, 1, n)));
            for (Layer layer : layers) {
                NDArray next = layerForward(layer, h, bias);
                h = next;
            }
            NDArray out = rmsNorm(h, finalNorm);
            out.attach(manager);
            return out;
        }
    }

    private NDArray layerForward(Layer l, NDArray x, NDArray bias) {
        return Scoped.apply(x, h -> {
            long b = h.getShape().get(0);
            long n = h.getShape().get(1);
            int heads = config.numHeads();
            int dkv = config.dKv();
            NDArray qkv = l.qkv().forward(rmsNorm(h, l.attnNorm()))
                    .reshape(b, n, 3, heads, dkv).transpose(2, 0, 3, 1, 4);                 // [3, B, H, N, dkv]
            NDArray q = qkv.get(0);
            NDArray k = qkv.get(1);
            NDArray v = qkv.get(2);
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).add(bias);                  // [B, H, N, N]
            NDArray attended = scores.softmax(3).matMul(v).transpose(0, 2, 1, 3).reshape(b, n, (long) heads * dkv);
            NDArray h1 = h.add(l.o().forward(attended));
            NDArray normed = rmsNorm(h1, l.ffNorm());
            NDArray inner = l.wiGate() == null
                    ? l.wi().forward(normed).maximum(0f)
                    : geluTanh(l.wiGate().forward(normed)).mul(l.wi().forward(normed));
            return h1.add(l.wo().forward(inner));
        });
    }

    // T5's LayerNorm: scale by the root mean square, no mean subtraction, no bias
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.square().mean(new int[]{-1}, true);
        return x.div(variance.add(config.layerNormEpsilon()).sqrt()).mul(weight);
    }

    // "gelu_new": 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³)))
    private static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
        return x.mul(inner.tanh().add(1f)).mul(0.5f);
    }

    /** The learned relative-position bias [1, H, N, N] over bidirectional log-spaced buckets. */
    private NDArray positionBias(NDManager scope, int n) {
        int[] buckets = new int[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                buckets[i * n + j] = bucket(j - i);
            }
        }
        NDArray idx = scope.create(buckets, new Shape((long) n * n)).toType(DataType.INT64, false);
        NDArray values = relativeBias.get(idx);
        values.attach(scope);
        return values.reshape(n, n, config.numHeads()).transpose(2, 0, 1).expandDims(0);
    }

    /**
     * Hugging Face's _relative_position_bucket for an encoder (bidirectional), in its arithmetic: the log-spaced
     * part is float32 throughout (the ratio, its log, the division by the log range, which is taken in double and
     * then used as a float32 operand, and the product) and truncated, so that a position whose value lands next to
     * a bucket boundary takes the reference's bucket, not the one exact arithmetic would give.
     */
    int bucket(int relativePosition) {
        int numBuckets = config.relativeAttentionNumBuckets() / 2;
        int result = relativePosition > 0 ? numBuckets : 0;
        int rel = Math.abs(relativePosition);
        int maxExact = numBuckets / 2;
        if (rel < maxExact) {
            return result + rel;
        }
        float logRatio = (float) Math.log((float) rel / maxExact);
        float logRange = (float) Math.log((double) config.relativeAttentionMaxDistance() / maxExact);
        int large = maxExact + (int) (logRatio / logRange * (numBuckets - maxExact));
        return result + Math.min(large, numBuckets - 1);
    }

    @Override
    public void close() {
        weights.close();
    }
}
