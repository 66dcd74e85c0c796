package dev.longplay.models.pipeline;

import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model folder without {@code text_encoder/} and {@code tokenizer/} (as the Stable Audio Open repos ship) loads
 * the T5 its config names ({@code t5-base}) from the Hugging Face cache, where {@code longplay pull} puts it as
 * {@code google-t5/t5-base} (config, weights and tokenizer side by side), and generates exactly what the folder
 * with its own encoder does. Without that repo in the cache the error names it and the pull command.
 */
class CachedTextEncoderTest {

    @TempDir
    static Path cache;

    @Test
    void aFolderWithoutItsT5UsesTheCachedOneTheConfigNames(@TempDir Path tmp) throws Exception {
        ModelFiles embedded = EmbeddedModel.ensure(cache);
        Path dir = tmp.resolve("sao-like");
        Files.createDirectories(dir);
        Files.copy(embedded.config(), dir.resolve("model_config.json"));
        Files.copy(embedded.checkpoint(), dir.resolve("model.safetensors"));

        Path hub = tmp.resolve("hub");
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> StableAudioPipeline.load(ModelFiles.in(dir, hub), "no-t5").close());
        assertTrue(missing.getMessage().contains("google-t5/t5-base") && missing.getMessage().contains("longplay pull google-t5/t5-base"),
                missing.getMessage());

        // the t5-base repo's layout: config.json, model.safetensors and tokenizer.json at its root
        String commit = "a9723ea7f1b39c1eae772870f3b547bf6ef7e6c1";
        Path snap = hub.resolve("models--google-t5--t5-base/snapshots").resolve(commit);
        Files.createDirectories(snap);
        flatten(embedded.textEncoderDir(), snap);
        flatten(embedded.tokenizerDir(), snap);
        Files.createDirectories(hub.resolve("models--google-t5--t5-base/refs"));
        Files.writeString(hub.resolve("models--google-t5--t5-base/refs/main"), commit);
        assertFalse(Files.exists(dir.resolve("text_encoder")));

        GenerationParams p = GenerationParams.builder().prompt("warm pad").negativePrompt("").seconds(0.5).seed(11)
                .steps(2).cfgScale(6.0).build();
        float[][] own;
        try (StableAudioPipeline a = StableAudioPipeline.load(embedded, "own")) {
            own = a.generate(p, GenerationListener.NONE).samples();
        }
        try (StableAudioPipeline b = StableAudioPipeline.load(ModelFiles.in(dir, hub), "cached-t5")) {
            float[][] cached = b.generate(p, GenerationListener.NONE).samples();
            for (int c = 0; c < own.length; c++) {
                assertArrayEquals(own[c], cached[c], "channel " + c);
            }
        }
    }

    private static void flatten(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
