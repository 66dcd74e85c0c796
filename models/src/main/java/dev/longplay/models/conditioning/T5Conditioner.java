package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.Reloadable;
import dev.longplay.models.weights.StateDict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The "t5" prompt conditioner: tokenize, run the T5 encoder, project to cond_dim and zero the padding.
 * The reference runs T5 in float16; Longplay runs it in float32 on the model's device, which is at least as accurate.
 */
public final class T5Conditioner implements Conditioner {

    private final String id;
    private final T5Tokenizer tokenizer;
    private final Reloadable<T5Encoder> encoder;
    private final PromptProjection projection;

    public T5Conditioner(String id, T5Tokenizer tokenizer, Reloadable<T5Encoder> encoder, PromptProjection projection) {
        this.id = id;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.projection = projection;
    }

    /**
     * Loads the encoder from {@code textEncoderDir} (config.json + model.safetensors), the tokenizer from
     * {@code tokenizerDir/tokenizer.json}, and proj_out from the model checkpoint.
     */
    public static T5Conditioner load(ConditioningConfig.Conditioner c, int condDim, Path textEncoderDir,
                                     Path tokenizerDir, StateDict checkpoint, NDManager manager) {
        int maxLength = c.config().path("max_length").asInt(128);
        T5Config t5 = T5Config.load(textEncoderDir.resolve("config.json"));
        Path weights = textEncoderDir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new CheckpointException("missing file: " + weights + " (the T5 text encoder's weights)");
        }
        T5Tokenizer tokenizer = T5Tokenizer.load(tokenizerDir.resolve("tokenizer.json"), maxLength);
        java.util.function.Supplier<T5Encoder> loader = () -> {
            try (SafetensorsFile file = SafetensorsFile.open(weights)) {
                return T5Encoder.load(new StateDict(file, manager.newSubManager(), DataType.FLOAT32), t5);
            }
        };
        Reloadable<T5Encoder> encoder = Reloadable.of(loader.get(), loader);
        PromptProjection proj = PromptProjection.load(checkpoint.scope("conditioner.conditioners." + c.id()),
                t5.dModel(), condDim);
        return new T5Conditioner(c.id(), tokenizer, encoder, proj);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ConditionerOutput encode(List<?> values, NDManager manager) {
        List<String> texts = values.stream().map(v -> v == null ? "" : v.toString()).toList();
        T5Tokenizer.Batch batch = tokenizer.encode(texts);
        try (NDManager scope = manager.newSubManager()) {
            NDArray hidden = encoder.get().encode(batch.ids(), batch.mask(), scope);
            int b = batch.mask().length;
            int n = batch.mask()[0].length;
            float[] m = new float[b * n];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < n; j++) {
                    m[i * n + j] = batch.mask()[i][j];
                }
            }
            NDArray mask = scope.create(m, new Shape(b, n));
            ConditionerOutput out = projection.apply(hidden, mask);
            out.tokens().attach(manager);
            out.mask().attach(manager);
            return out;
        }
    }

    /** Lets the encoder's weights go (the largest conditioner by far); the next prompt reads them again. */
    @Override
    public void release() {
        encoder.release();
    }

    /** Whether the encoder's weights are in memory now. */
    public boolean encoderLoaded() {
        return encoder.isLoaded();
    }

    /** How many times the encoder's weights have been read, the first load included. */
    public int encoderLoads() {
        return encoder.loads();
    }

    @Override
    public void close() {
        encoder.close();
        tokenizer.close();
    }
}
