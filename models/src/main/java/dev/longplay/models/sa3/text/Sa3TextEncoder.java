package dev.longplay.models.sa3.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.conditioning.T5Tokenizer;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.Reloadable;
import dev.longplay.models.weights.StateDict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The prompt's path to T5Gemma hidden states: the folder's {@code tokenizer.json} (DJL's binding of Hugging Face
 * tokenizers, offline; special tokens as the file's post-processor adds them, truncated and padded to max_length
 * as the reference asks its tokenizer) and the encoder from {@code config.json} + {@code model.safetensors}.
 */
public final class Sa3TextEncoder implements AutoCloseable {

    /** Hidden states [1, N, hidden] and their mask [1, N] (1 = token). */
    public record Encoded(NDArray hidden, NDArray mask) {
    }

    private final T5Tokenizer tokenizer;
    private final T5GemmaConfig config;
    private final Reloadable<Loaded> encoder;

    // the encoder with the manager that owns its weights, so that releasing it frees them
    private record Loaded(T5GemmaEncoder encoder, NDManager weights) implements AutoCloseable {
        @Override
        public void close() {
            weights.close();
        }
    }

    private Sa3TextEncoder(T5Tokenizer tokenizer, T5GemmaConfig config, Reloadable<Loaded> encoder) {
        this.tokenizer = tokenizer;
        this.config = config;
        this.encoder = encoder;
    }

    /** dir: the checkpoint's {@code t5gemma-b-b-ul2/} folder. */
    public static Sa3TextEncoder load(Path dir, int maxLength, NDManager manager) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("missing folder: " + dir + " (the T5Gemma text encoder SA3 checkpoints ship)");
        }
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new CheckpointException("missing file: " + weights + (Files.exists(dir.resolve("model.safetensors.index.json"))
                    ? " (sharded T5Gemma weights are not supported)" : ""));
        }
        T5GemmaConfig config = T5GemmaConfig.load(dir.resolve("config.json"));
        T5Tokenizer tok = T5Tokenizer.load(dir.resolve("tokenizer.json"), maxLength);
        java.util.function.Supplier<Loaded> loader = () -> {
            NDManager owner = manager.newSubManager();
            try (SafetensorsFile file = SafetensorsFile.open(weights)) {
                return new Loaded(T5GemmaEncoder.load(new StateDict(file, owner, DataType.FLOAT32), config), owner);
            } catch (RuntimeException e) {
                owner.close();
                throw e;
            }
        };
        try {
            return new Sa3TextEncoder(tok, config, Reloadable.of(loader.get(), loader));
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    public int hiddenSize() {
        return config.hiddenSize();
    }

    public Encoded encode(String prompt, NDManager manager) {
        T5Tokenizer.Batch b = tokenizer.encode(List.of(prompt == null ? "" : prompt));
        int n = b.ids()[0].length;
        NDArray ids = manager.create(b.ids()[0], new Shape(1, n));
        NDArray mask = manager.create(b.mask()[0], new Shape(1, n)).toType(DataType.FLOAT32, false);
        return new Encoded(encoder.get().encoder().forward(ids, mask), mask);
    }

    /** Lets the encoder's weights go until the next prompt ({@code --low-memory}). */
    public void release() {
        encoder.release();
    }

    /** Whether the weights are in memory now. */
    public boolean isLoaded() {
        return encoder.isLoaded();
    }

    @Override
    public void close() {
        encoder.close();
        tokenizer.close();
    }
}
