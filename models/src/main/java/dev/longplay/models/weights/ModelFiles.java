package dev.longplay.models.weights;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one model folder laid out as on Hugging Face: {@code model_config.json}, the checkpoint
 * ({@code model.safetensors}), and for T5-conditioned models the text encoder and tokenizer folders.
 */
public record ModelFiles(Path dir, Path config, Path checkpoint) {

    /** The folder's files, failing with a message that names the first one missing. */
    public static ModelFiles in(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("model folder not found: " + dir);
        }
        Path config = dir.resolve("model_config.json");
        if (!Files.isRegularFile(config)) {
            throw new CheckpointException("missing file: " + config + " (every Stable Audio model folder has one)");
        }
        Path safetensors = dir.resolve("model.safetensors");
        if (Files.isRegularFile(safetensors)) {
            return new ModelFiles(dir, config, safetensors);
        }
        if (Files.isRegularFile(dir.resolve("model.ckpt"))) {
            throw new CheckpointException("missing file: " + safetensors + " — only model.ckpt (a pickled PyTorch "
                    + "checkpoint) is there; Longplay loads safetensors (the Hugging Face repos of SAO ship both)");
        }
        throw new CheckpointException("missing file: " + safetensors);
    }

    /** The text encoder folder of the HF layout ({@code text_encoder/}), which may be absent. */
    public Path textEncoderDir() {
        return dir.resolve("text_encoder");
    }

    /** The tokenizer folder of the HF layout ({@code tokenizer/}), which may be absent. */
    public Path tokenizerDir() {
        return dir.resolve("tokenizer");
    }
}
