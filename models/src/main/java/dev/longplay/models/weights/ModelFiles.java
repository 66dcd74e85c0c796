package dev.longplay.models.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files of one model folder laid out as on Hugging Face: {@code model_config.json}, the checkpoint
 * ({@code model.safetensors}, else {@code model.ckpt}), and for T5-conditioned models the text encoder and tokenizer
 * folders. A checkpoint that does not ship its text encoder (the Stable Audio Open repos do not) gets the one its
 * config names from the Hugging Face cache at {@code hubCache}.
 */
public record ModelFiles(Path dir, Path config, Path checkpoint, Path hubCache) {

    /** Where a text encoder's weights/config and its tokenizer are. */
    public record EncoderFolders(Path encoder, Path tokenizer) {
    }

    /** Files whose missing text encoder is looked for in the environment's Hugging Face cache. */
    public ModelFiles(Path dir, Path config, Path checkpoint) {
        this(dir, config, checkpoint, ModelLocator.hubCacheFrom(System.getenv()));
    }

    /** The folder's files, failing with a message that names the first one missing. */
    public static ModelFiles in(Path dir) {
        return in(dir, ModelLocator.hubCacheFrom(System.getenv()));
    }

    /** As {@link #in(Path)}, with text encoders the folder lacks looked for in {@code hubCache}. */
    public static ModelFiles in(Path dir, Path hubCache) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("model folder not found: " + dir);
        }
        Path config = dir.resolve("model_config.json");
        if (!Files.isRegularFile(config)) {
            throw new CheckpointException("missing file: " + config + " (every Stable Audio model folder has one)");
        }
        Path safetensors = dir.resolve("model.safetensors");
        if (Files.isRegularFile(safetensors)) {
            return new ModelFiles(dir, config, safetensors, hubCache);
        }
        // The HF repos of SAO ship both; a folder with only the pickle is read by the restricted unpickler.
        Path ckpt = dir.resolve("model.ckpt");
        if (Files.isRegularFile(ckpt)) {
            return new ModelFiles(dir, config, ckpt, hubCache);
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

    /**
     * The text encoder of conditioner {@code conditionerId}: the model folder's own ({@code text_encoder/} +
     * {@code tokenizer/}, or SA3's subfolder) when present, else the cached snapshot of the Hub repo the config
     * names (which holds config, weights and tokenizer together). Fails naming what is missing and the pull
     * command that fetches it.
     */
    public EncoderFolders textEncoder(String conditionerId) {
        Optional<TextEncoderNeed> need = TextEncoderNeed.read(config).stream()
                .filter(n -> n.conditionerId().equals(conditionerId)).findFirst();
        if (need.isEmpty()) {
            return new EncoderFolders(textEncoderDir(), tokenizerDir());
        }
        Path own = dir.resolve(need.get().subfolder());
        if (Files.isDirectory(own)) {
            Path tokenizer = need.get().subfolder().equals("text_encoder") ? tokenizerDir() : own;
            return new EncoderFolders(own, tokenizer);
        }
        ModelLocator cache = new ModelLocator(hubCache);
        Path snapshot = cache.cachedSnapshot(need.get().repoId()).orElseThrow(() -> new CheckpointException("model folder "
                + dir + " has no " + need.get().subfolder() + "/ and the " + need.get().type() + " text encoder its config names, "
                + need.get().repoId() + ", is not in the Hugging Face cache (looked in " + cache.repoFolder(need.get().repoId())
                + "); fetch it with: " + need.get().pullCommand()));
        return new EncoderFolders(snapshot, snapshot);
    }
}
