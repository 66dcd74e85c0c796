package dev.longplay.models.clap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.conditioning.Conditioner;
import dev.longplay.models.conditioning.ConditionerOutput;
import dev.longplay.models.conditioning.PromptProjection;
import dev.longplay.models.conditioning.T5Tokenizer;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.weights.StateDict;

import java.nio.file.Path;
import java.util.List;

/**
 * The "clap_text" prompt conditioner (stable-audio-tools' CLAPTextConditioner, Stable Audio 2.0's): the prompt
 * tokenized as laion_clap does (RoBERTa BPE, padded and truncated to 77 tokens), then either the text branch's
 * hidden states at {@code feature_layer_ix} with the attention mask ({@code use_text_features}), or the
 * normalised CLAP text embedding as a single token; projected to cond_dim by {@code proj_out} when the widths
 * differ. Unlike the T5 conditioner the padding positions are not zeroed (the reference leaves them).
 */
public final class ClapTextConditioner implements Conditioner {

    private final String id;
    private final ClapTokenizer tokenizer;
    private final ClapTextEncoder encoder;
    private final boolean useTextFeatures;
    private final int featureLayerIx;
    private final PromptProjection projection;

    public ClapTextConditioner(String id, ClapTokenizer tokenizer, ClapTextEncoder encoder, boolean useTextFeatures,
                               int featureLayerIx, PromptProjection projection) {
        this.id = id;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.useTextFeatures = useTextFeatures;
        this.featureLayerIx = featureLayerIx;
        this.projection = projection;
    }

    /**
     * The CLAP text branch from {@code clapDir} ({@link ClapCheckpoint}; the tokenizer from there or from
     * {@code tokenizerDir}), proj_out from the model checkpoint's {@code conditioner.conditioners.<id>}.
     */
    public static ClapTextConditioner load(ConditioningConfig.Conditioner c, int condDim, Path clapDir,
                                           Path tokenizerDir, StateDict checkpoint, NDManager manager) {
        boolean features = c.config().path("use_text_features").asBoolean(false);
        int layerIx = c.config().path("feature_layer_ix").asInt(-1);
        try (ClapCheckpoint clap = ClapCheckpoint.open(clapDir, tokenizerDir)) {
            ClapTokenizer tokenizer = ClapTokenizer.load(clap.tokenizer(), clap.textConfig().padTokenId());
            ClapTextEncoder encoder;
            try {
                encoder = ClapTextEncoder.load(new StateDict(clap.file(), manager.newSubManager(), DataType.FLOAT32),
                        clap.textKeys(), clap.textConfig());
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
            long width = features ? clap.textConfig().hiddenSize() : clap.textConfig().projectionDim();
            PromptProjection proj = PromptProjection.load(checkpoint.scope("conditioner.conditioners." + c.id()),
                    width, condDim);
            return new ClapTextConditioner(c.id(), tokenizer, encoder, features, layerIx, proj);
        }
    }

    @Override
    public String id() {
        return id;
    }

    /** Token ids and mask [B][77], as the conditioner tokenizes. */
    public T5Tokenizer.Batch tokenize(List<String> texts) {
        return tokenizer.encode(texts);
    }

    public ClapTextEncoder encoder() {
        return encoder;
    }

    @Override
    public ConditionerOutput encode(List<?> values, NDManager manager) {
        List<String> texts = values.stream().map(v -> v == null ? "" : v.toString()).toList();
        T5Tokenizer.Batch batch = tokenize(texts);
        int b = texts.size();
        try (NDManager scope = manager.newSubManager()) {
            NDArray tokens;
            NDArray mask;
            if (useTextFeatures) {
                tokens = projection.project(encoder.hiddenState(batch.ids(), batch.mask(), featureLayerIx, scope));
                int n = batch.mask()[0].length;
                float[] m = new float[b * n];
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < n; j++) {
                        m[i * n + j] = batch.mask()[i][j];
                    }
                }
                mask = scope.create(m, new Shape(b, n));
            } else {
                tokens = projection.project(encoder.embedding(batch.ids(), batch.mask(), scope).expandDims(1));
                mask = scope.ones(new Shape(b, 1));
            }
            tokens.attach(manager);
            mask.attach(manager);
            return new ConditionerOutput(tokens, mask);
        }
    }

    @Override
    public void close() {
        encoder.close();
        tokenizer.close();
    }
}
