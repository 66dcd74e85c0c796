package dev.longplay.models.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A run folder saved by an earlier build of the trainer (test resource {@code training/saved-run}: a nano model,
 * recipe with a log-sigma share, both autoencoder steps and one of three diffusion steps done, latent scale
 * measured) resumes onto the very numbers of an uninterrupted run: the files, their tensor keys, the keys of
 * {@code progress.json} and the order of batches, noise and noise levels are those such folders hold. A run
 * started today writes the same folder at the same point.
 */
class SavedRunResumeTest {

    private static final String[] FILES = {"model.safetensors", "training/weights.safetensors",
            "training/optimizer.safetensors"};

    @TempDir
    Path tmp;

    @Test
    void aRunSavedByAnEarlierBuildResumesOntoTheUninterruptedRunsNumbers() throws IOException, URISyntaxException {
        Path saved = Path.of(SavedRunResumeTest.class.getResource("/training/saved-run").toURI());
        Path resumed = tmp.resolve("resumed");
        copy(saved, resumed);
        TrainingProgress savedProgress = ModelConfig.JSON.readValue(
                saved.resolve("training/progress.json").toFile(), TrainingProgress.class);
        assertEquals(2, savedProgress.autoencoderStep());
        assertEquals(1, savedProgress.diffusionStep());

        // the same recipe from the start, uninterrupted; its state at the saved step is kept for comparison
        Path straight = tmp.resolve("straight");
        Path atSavedStep = tmp.resolve("at-saved-step");
        List<String> straightSteps = new ArrayList<>();
        byte[] config = Trainer.withoutLatentScale(Files.readAllBytes(saved.resolve("model_config.json")));
        try (Trainer t = Trainer.start(straight, config, Files.readAllBytes(saved.resolve("text_encoder/config.json")),
                Files.readAllBytes(saved.resolve("tokenizer/tokenizer.json")), savedProgress.recipe())) {
            t.run(new TrainingListener() {
                @Override
                public void step(String phase, long step, long total, double loss, double learningRate) {
                    straightSteps.add(phase + " " + step + " " + loss);
                }

                @Override
                public void checkpoint(Path dir, String phase, long step) {
                    if (phase.equals("diffusion") && step == 1) {
                        copy(dir, atSavedStep);
                    }
                }
            });
        }
        assertEquals(5, straightSteps.size(), straightSteps.toString());
        assertSameRun(saved, atSavedStep, 1e-5f);

        List<String> resumedSteps = new ArrayList<>();
        try (Trainer t = Trainer.resume(resumed)) {
            assertEquals(2, t.progress().autoencoderStep());
            assertEquals(1, t.progress().diffusionStep());
            t.run((phase, step, total, loss, lr) -> resumedSteps.add(phase + " " + step + " " + loss));
        }
        assertEquals(straightSteps.subList(3, 5), resumedSteps, "the same steps with the same losses");
        assertSameRun(straight, resumed, 1e-6f);
    }

    // the same progress file, latent scale and tensors (same keys, values within tolerance) in two run folders
    private static void assertSameRun(Path expected, Path actual, float tolerance) throws IOException {
        JsonNode expectedProgress = ModelConfig.JSON.readTree(expected.resolve("training/progress.json").toFile());
        assertEquals(expectedProgress, ModelConfig.JSON.readTree(actual.resolve("training/progress.json").toFile()));
        double scale = ModelConfig.load(expected.resolve("model_config.json")).model().pretransform().scale();
        assertEquals(scale, ModelConfig.load(actual.resolve("model_config.json")).model().pretransform().scale(),
                1e-6 * scale);
        for (String file : FILES) {
            Map<String, float[]> e = tensors(expected.resolve(file));
            Map<String, float[]> a = tensors(actual.resolve(file));
            assertEquals(e.keySet(), a.keySet(), file);
            e.forEach((k, v) -> assertArrayEquals(v, a.get(k), tolerance, file + ": " + k));
        }
    }

    private static Map<String, float[]> tensors(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> all = new TreeMap<>();
            for (String k : f.keys()) {
                all.put(k, f.load(m, k, DataType.FLOAT32).toFloatArray());
            }
            return all;
        }
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted().toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
