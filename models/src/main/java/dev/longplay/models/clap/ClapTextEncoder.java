package dev.longplay.models.clap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.longplay.models.nn.LayerNorm;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * CLAP's text branch, a RoBERTa encoder (as laion_clap's text_branch and Hugging Face's ClapTextModel compute it):
 * word + token-type + position embeddings (positions count non-padding tokens from pad_id + 1) and LayerNorm;
 * per layer post-norm self-attention and a GELU feed-forward; the pooler tanh(dense(h[:, 0])); and the
 * projection Linear-ReLU-Linear to the joint audio-text space.
 */
public final class ClapTextEncoder implements AutoCloseable {

    private final ClapTextConfig config;
    private final NDManager weights;
    private final NDArray wordEmbeddings;       // [vocab, D]
    private final NDArray positionEmbeddings;   // [maxPositions, D]
    private final NDArray tokenType;            // [D], type 0: every token of a single sentence
    private final LayerNorm embeddingNorm;
    private final List<Layer> layers;
    private final Linear pooler;
    private final Linear projection1;
    private final Linear projection2;

    private record Layer(Linear qkv, Linear out, LayerNorm attnNorm, Linear up, Linear down, LayerNorm ffNorm) {
    }

    private ClapTextEncoder(ClapTextConfig config, NDManager weights, NDArray wordEmbeddings,
                            NDArray positionEmbeddings, NDArray tokenType, LayerNorm embeddingNorm, List<Layer> layers,
                            Linear pooler, Linear projection1, Linear projection2) {
        this.config = config;
        this.weights = weights;
        this.wordEmbeddings = wordEmbeddings;
        this.positionEmbeddings = positionEmbeddings;
        this.tokenType = tokenType;
        this.embeddingNorm = embeddingNorm;
        this.layers = layers;
        this.pooler = pooler;
        this.projection1 = projection1;
        this.projection2 = projection2;
    }

    /** root: the whole CLAP file; its manager owns the weights. The audio branch's keys are left alone. */
    public static ClapTextEncoder load(StateDict root, ClapCheckpoint.TextKeys keys, ClapTextConfig c) {
        long d = c.hiddenSize();
        StateDict sd = root.scope(keys.encoder());
        StateDict emb = sd.scope("embeddings");
        NDArray words = emb.take("word_embeddings.weight", c.vocabSize(), d);
        NDArray positions = emb.take("position_embeddings.weight", c.maxPositions(), d);
        NDArray types = emb.take("token_type_embeddings.weight", c.typeVocabSize(), d);
        // a view: `types` must stay open (it holds the mapped file buffer the view reads)
        NDArray type0 = types.get(0);
        LayerNorm embNorm = LayerNorm.loadWeightBias(emb.scope("LayerNorm"), d, c.layerNormEps());
        for (String buffer : List.of("position_ids", "token_type_ids")) {
            if (emb.has(buffer)) {
                emb.take(buffer).close();   // HF's persistent index buffers: recomputed here
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            StateDict l = sd.scope("encoder.layer." + i);
            StateDict self = l.scope("attention.self");
            Linear q = Linear.load(self.scope("query"), d, d, true);
            Linear k = Linear.load(self.scope("key"), d, d, true);
            Linear v = Linear.load(self.scope("value"), d, d, true);
            // one [3D, D] projection instead of three: fewer calls per layer
            Linear qkv = new Linear(q.weight().concat(k.weight(), 0).concat(v.weight(), 0),
                    q.bias().concat(k.bias(), 0).concat(v.bias(), 0));
            for (Linear part : List.of(q, k, v)) {
                part.weight().close();
                part.bias().close();
            }
            layers.add(new Layer(qkv,
                    Linear.load(l.scope("attention.output.dense"), d, d, true),
                    LayerNorm.loadWeightBias(l.scope("attention.output.LayerNorm"), d, c.layerNormEps()),
                    Linear.load(l.scope("intermediate.dense"), d, c.intermediateSize(), true),
                    Linear.load(l.scope("output.dense"), c.intermediateSize(), d, true),
                    LayerNorm.loadWeightBias(l.scope("output.LayerNorm"), d, c.layerNormEps())));
        }
        Linear pooler = Linear.load(sd.scope("pooler.dense"), d, d, true);
        StateDict proj = root.scope(keys.projection());
        Linear p1 = Linear.load(proj.scope(keys.linear1()), d, c.projectionDim(), true);
        Linear p2 = Linear.load(proj.scope(keys.linear2()), c.projectionDim(), c.projectionDim(), true);
        sd.requireAllUsed();
        return new ClapTextEncoder(c, root.manager(), words, positions, type0, embNorm, List.copyOf(layers), pooler,
                p1, p2);
    }

    public ClapTextConfig config() {
        return config;
    }

    /**
     * The hidden states after layer {@code layerIx} of [embeddings, layer 1, ..., layer L], counted from the end
     * when negative as Python indexes (-1: the last layer, -2: the one before) -> [B, N, D] in {@code manager}.
     */
    public NDArray hiddenState(long[][] ids, long[][] mask, int layerIx, NDManager manager) {
        int states = config.numLayers() + 1;
        int index = layerIx < 0 ? states + layerIx : layerIx;
        if (index < 0 || index >= states) {
            throw new CheckpointException("CLAP feature_layer_ix " + layerIx + " is out of range for a text branch with "
                    + config.numLayers() + " layers");
        }
        return run(ids, mask, index, manager);
    }

    /** The text embedding of laion_clap's get_text_embedding: normalize(projection(pooler(h))) -> [B, P]. */
    public NDArray embedding(long[][] ids, long[][] mask, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray h = run(ids, mask, config.numLayers(), scope);
            NDArray pooled = pooler.forward(h.get(new NDIndex(":, 0, :"))).tanh();
            NDArray projected = projection2.forward(Activation.relu(projection1.forward(pooled)));
            NDArray norm = projected.norm(new int[]{-1}, true).maximum(1e-12f);   // F.normalize's eps
            NDArray out = projected.div(norm);
            out.attach(manager);
            return out;
        }
    }

    // the hidden state after `layerCount` layers
    private NDArray run(long[][] ids, long[][] mask, int layerCount, NDManager manager) {
        int b = ids.length;
        int n = ids[0].length;
        long[] flatIds = new long[b * n];
        long[] positionIds = new long[b * n];
        float[] additive = new float[b * n];
        int pad = config.padTokenId();
        for (int i = 0; i < b; i++) {
            long count = 0;
            for (int j = 0; j < n; j++) {
                long id = ids[i][j];
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the CLAP vocabulary of "
                            + config.vocabSize());
                }
                flatIds[i * n + j] = id;
                // RoBERTa numbers the non-padding tokens pad+1, pad+2, ...; padding keeps position pad
                count += id != pad ? 1 : 0;
                positionIds[i * n + j] = id != pad ? count + pad : pad;
                additive[i * n + j] = mask[i][j] != 0 ? 0f : -Float.MAX_VALUE;
            }
            if (count + pad >= config.maxPositions()) {
                throw new IllegalArgumentException(count + " tokens exceed the CLAP text branch's "
                        + config.maxPositions() + " positions");
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray words = wordEmbeddings.get(scope.create(flatIds));
            NDArray positions = positionEmbeddings.get(scope.create(positionIds));
            words.attach(scope);          // gathers join the weights' manager: move them
            positions.attach(scope);
            NDArray h = embeddingNorm.forward(words.add(positions).add(tokenType).reshape(b, n, config.hiddenSize()));
            NDArray bias = scope.create(additive, new Shape(b, 1, 1, n));
            for (int i = 0; i < layerCount; i++) {
                Layer layer = layers.get(i);
                h = Scoped.apply(h, x -> layerForward(layer, x, bias));
            }
            h.attach(manager);
            return h;
        }
    }

    private NDArray layerForward(Layer l, NDArray h, NDArray bias) {
        long b = h.getShape().get(0);
        long n = h.getShape().get(1);
        int heads = config.numHeads();
        int dh = config.headDim();
        NDArray qkv = l.qkv().forward(h).reshape(b, n, 3, heads, dh).transpose(2, 0, 3, 1, 4);  // [3, B, H, N, dh]
        NDArray q = qkv.get(0).mul((float) (1.0 / Math.sqrt(dh)));
        NDArray scores = q.matMul(qkv.get(1).transpose(0, 1, 3, 2)).add(bias);                 // [B, H, N, N]
        NDArray attended = scores.softmax(3).matMul(qkv.get(2)).transpose(0, 2, 1, 3).reshape(b, n, (long) heads * dh);
        NDArray a = l.attnNorm().forward(l.out().forward(attended).add(h));
        NDArray inner = Activation.gelu(l.up().forward(a));
        return l.ffNorm().forward(l.down().forward(inner).add(a));
    }

    @Override
    public void close() {
        weights.close();
    }
}
