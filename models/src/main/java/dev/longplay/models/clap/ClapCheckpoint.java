package dev.longplay.models.clap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.CheckpointFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A CLAP model folder: the Hugging Face layout of {@code laion/clap-htsat-*} ({@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json}; keys {@code text_model.*}, {@code text_projection.linear1|2},
 * {@code audio_model.*}), or a laion_clap state dict converted to safetensors (keys {@code text_branch.*},
 * {@code text_projection.0|2}, {@code audio_branch.*}, possibly prefixed {@code module.}; no config: the text
 * branch's sizes are read from the tensor shapes), as safetensors or as laion's released {@code .pt}/{@code .ckpt}
 * (read by {@link dev.longplay.models.weights.TorchCheckpoint}, which runs no pickled code).
 */
public final class ClapCheckpoint implements AutoCloseable {

    /** Where the text branch's tensors live in the file. */
    public record TextKeys(String encoder, String projection, String linear1, String linear2) {
    }

    private static final TextKeys HF = new TextKeys("text_model", "text_projection", "linear1", "linear2");

    private final Path dir;
    private final CheckpointFile file;
    private final JsonNode config;      // null for a laion state dict
    private final TextKeys textKeys;
    private final ClapTextConfig textConfig;
    private final Path tokenizer;

    private ClapCheckpoint(Path dir, CheckpointFile file, JsonNode config, TextKeys textKeys,
                           ClapTextConfig textConfig, Path tokenizer) {
        this.dir = dir;
        this.file = file;
        this.config = config;
        this.textKeys = textKeys;
        this.textConfig = textConfig;
        this.tokenizer = tokenizer;
    }

    /**
     * Opens {@code dir}; the tokenizer is {@code dir/tokenizer.json}, else {@code tokenizerFallback/tokenizer.json}
     * (may be null).
     */
    public static ClapCheckpoint open(Path dir, Path tokenizerFallback) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("CLAP model folder not found: " + dir);
        }
        Path weights = weightsFile(dir);
        Path tok = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tok) && tokenizerFallback != null
                && Files.isRegularFile(tokenizerFallback.resolve("tokenizer.json"))) {
            tok = tokenizerFallback.resolve("tokenizer.json");
        }
        CheckpointFile file = CheckpointFile.open(weights);
        try {
            Path configFile = dir.resolve("config.json");
            if (file.contains("text_model.embeddings.word_embeddings.weight")) {
                JsonNode cfg = readJson(configFile);
                return new ClapCheckpoint(dir, file, cfg, HF, ClapTextConfig.fromHf(cfg, configFile.toString()), tok);
            }
            for (String prefix : List.of("", "module.")) {
                if (file.contains(prefix + "text_branch.embeddings.word_embeddings.weight")) {
                    TextKeys keys = new TextKeys(prefix + "text_branch", prefix + "text_projection", "0", "2");
                    // an HF-style config.json beside it gives exact sizes; otherwise roberta-base's conventions
                    JsonNode cfg = Files.isRegularFile(configFile) ? readJson(configFile) : null;
                    return new ClapCheckpoint(dir, file, cfg, keys, cfg != null
                            ? ClapTextConfig.fromHf(cfg, configFile.toString()) : laionTextConfig(file, keys), tok);
                }
            }
            throw new CheckpointException(weights + " holds no CLAP text branch (neither text_model.* of the "
                    + "Hugging Face layout nor text_branch.* of laion_clap)");
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static Path weightsFile(Path dir) {
        Path st = dir.resolve("model.safetensors");
        if (Files.isRegularFile(st)) {
            return st;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).sorted().toList();
            List<Path> safetensors = files.stream().filter(p -> p.toString().endsWith(".safetensors")).toList();
            if (safetensors.size() == 1) {
                return safetensors.get(0);
            }
            // laion's released checkpoints: a torch.save zip, read without Python (weights only)
            List<Path> pickles = files.stream().filter(p -> p.toString().endsWith(".pt") || p.toString().endsWith(".ckpt")
                    || p.toString().endsWith(".bin")).toList();
            if (pickles.size() == 1) {
                return pickles.get(0);
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list CLAP folder " + dir + ": " + e.getMessage(), e);
        }
        throw new CheckpointException("missing file: " + st + " (the CLAP weights)");
    }

    private static JsonNode readJson(Path file) {
        try {
            return ModelConfig.JSON.readTree(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CheckpointException("missing file: " + file + " (the CLAP config of the Hugging Face layout)");
        } catch (IOException e) {
            throw new CheckpointException("cannot read CLAP config " + file + ": " + e.getMessage(), e);
        }
    }

    // laion_clap's text branch is roberta-base (64-wide heads, LayerNorm eps 1e-5, pad id 1); sizes from shapes
    private static ClapTextConfig laionTextConfig(CheckpointFile f, TextKeys k) {
        long[] words = f.shape(k.encoder() + ".embeddings.word_embeddings.weight");
        long[] positions = shapeOrFail(f, k.encoder() + ".embeddings.position_embeddings.weight");
        long[] types = shapeOrFail(f, k.encoder() + ".embeddings.token_type_embeddings.weight");
        long[] inter = shapeOrFail(f, k.encoder() + ".encoder.layer.0.intermediate.dense.weight");
        long[] proj = shapeOrFail(f, k.projection() + ".2.weight");
        int layers = 0;
        while (f.contains(k.encoder() + ".encoder.layer." + layers + ".attention.self.query.weight")) {
            layers++;
        }
        int hidden = (int) words[1];
        if (hidden % 64 != 0) {
            throw new CheckpointException("cannot infer the head count of a " + hidden + "-wide CLAP text branch in "
                    + f.describe() + " (roberta's heads are 64 wide); put its HF config.json beside it");
        }
        return new ClapTextConfig((int) words[0], hidden, layers, hidden / 64, (int) inter[0], (int) positions[0],
                (int) types[0], 1e-5f, 1, (int) proj[0]);
    }

    private static long[] shapeOrFail(CheckpointFile f, String key) {
        long[] s = f.shape(key);
        if (s == null) {
            throw new CheckpointException("missing key '" + key + "' in " + f.describe());
        }
        return s;
    }

    public Path dir() {
        return dir;
    }

    public CheckpointFile file() {
        return file;
    }

    /** The HF config.json, or null for a laion state dict without one. */
    public JsonNode config() {
        return config;
    }

    public TextKeys textKeys() {
        return textKeys;
    }

    public ClapTextConfig textConfig() {
        return textConfig;
    }

    /** The RoBERTa tokenizer's tokenizer.json, failing with the paths looked at when there is none. */
    public Path tokenizer() {
        if (!Files.isRegularFile(tokenizer)) {
            throw new CheckpointException("missing file: " + tokenizer + " (CLAP's RoBERTa tokenizer; the Hugging Face "
                    + "repos laion/clap-htsat-* and roberta-base ship it)");
        }
        return tokenizer;
    }

    @Override
    public void close() {
        file.close();
    }
}
