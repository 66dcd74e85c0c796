package dev.longplay.models.weights;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one model folder laid out as on Hugging Face: {@code model_config.json}, the checkpoint
 * ({@code model.safetensors}, else {@code model.ckpt}), and for T5-conditioned models the text encoder and tokenizer folders.
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
        // The HF repos of SAO ship both; a folder with only the pickle is read by the restricted unpickler.
        Path ckpt = dir.resolve("model.ckpt");
        if (Files.isRegularFile(ckpt)) {
            return new ModelFiles(dir, config, ckpt);
        }
        throw new CheckpointException("missing file: " + safetensors + " (or model.ckpt)");
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
