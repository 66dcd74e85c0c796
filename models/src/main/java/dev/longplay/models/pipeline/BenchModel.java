package dev.longplay.models.pipeline;

import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.ModelLocator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Models for benchmarks: the embedded tiny model, random-weight models of the published Stable Audio Open
 * shapes (1.0: 1.2 B parameters in DiT and autoencoder; small: rectified flow with q/k LayerNorm), or any
 * real model folder / Hugging Face id. The random shapes use the embedded model's small T5: the text encoder
 * runs once per clip and is not what a benchmark of steps and decodes measures.
 */
public final class BenchModel {

    private BenchModel() {
    }

    public static ModelFiles resolve(String name, Path cacheRoot) {
        return switch (name) {
            case "tiny" -> EmbeddedModel.ensure(cacheRoot);
            case "sao-1.0-random" -> random("sao-1.0", cacheRoot);
            case "sao-small-random" -> random("sao-small", cacheRoot);
            default -> ModelLocator.fromEnvironment().locate(name);
        };
    }

    // Written once and reused while its config is the shipped one: a changed shape (a fixed config) is rewritten.
    private static ModelFiles random(String shape, Path cacheRoot) {
        try {
            return random(shape, EmbeddedModel.resource("/dev/longplay/models/bench/" + shape + ".json"), cacheRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the benchmark shape " + shape, e);
        }
    }

    static ModelFiles random(String shape, byte[] config, Path cacheRoot) {
        Path dir = cacheRoot.resolve("bench-" + shape + "-random");
        try {
            Path written = dir.resolve("model_config.json");
            boolean current = Files.isRegularFile(dir.resolve("model.safetensors")) && Files.isRegularFile(written)
                    && java.util.Arrays.equals(Files.readAllBytes(written), config);
            if (!current) {
                EmbeddedModel.deleteTree(dir);
                SyntheticModel.write(dir, config, EmbeddedModel.resource("text_encoder_config.json"),
                        EmbeddedModel.resource("tokenizer.json"), 7);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark model " + dir, e);
        }
        return ModelFiles.in(dir);
    }
}
