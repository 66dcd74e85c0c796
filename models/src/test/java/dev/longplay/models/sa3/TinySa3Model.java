package dev.longplay.models.sa3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny SA3-shaped model folder laid out as on Hugging Face (model_config.json, model.safetensors,
 * t5gemma-b-b-ul2/{config.json, model.safetensors, tokenizer.json}), assembled from the golden cases' random
 * weights (sa3_sample_pingpong's DiT and conditioners, sa3_t5gemma's encoder) and a word-level tokenizer.
 */
final class TinySa3Model {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    private TinySa3Model() {
    }

    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("t5gemma-b-b-ul2"));
        Path sample = GOLDEN.resolve("sa3_sample_pingpong");
        Files.copy(sample.resolve("model_config.json"), dir.resolve("model_config.json"));
        Files.copy(sample.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Path t5 = GOLDEN.resolve("sa3_t5gemma");
        Files.copy(t5.resolve("config.json"), dir.resolve("t5gemma-b-b-ul2/config.json"));
        Files.copy(t5.resolve("model.safetensors"), dir.resolve("t5gemma-b-b-ul2/model.safetensors"));
        Files.copy(Path.of("src/test/resources/sa3/tiny_wordlevel_tokenizer.json"), dir.resolve("t5gemma-b-b-ul2/tokenizer.json"));
        return dir;
    }

    static Sa3Pipeline load(Path dir) {
        return Sa3Pipeline.load(dev.longplay.models.weights.ModelFiles.in(dir), "tiny-sa3",
                (config, sd, manager) -> new TestOnlyPatchCodec(config.ioChannels(), config.downsamplingRatio(), 5));
    }
}
