package dev.longplay.models.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    // another machine's float rounding may differ in the last bits from the one that wrote the fixture (on that
    // one, the same steps write the same bytes)
    private static final double RELATIVE = 1e-4;
    private static final String[] FILES = {"model.safetensors", "training/weights.safetensors",
            "training/optimizer.safetensors"};

    @TempDir
    Path tmp;

    @Test
    void aRunSavedByAnEarlierBuildResumesOntoTheUninterruptedRunsNumbers() throws IOException, URISyntaxException {
        Path saved = Path.of(SavedRunResumeTest.class.getResource("/training/saved-run").toURI());
        Path resumed = tmp.resolve("resumed");
        TrainerTest.copy(saved, resumed);
        TrainingProgress savedProgress = ModelConfig.JSON.readValue(
                saved.resolve("training/progress.json").toFile(), TrainingProgress.class);
        assertEquals(2, savedProgress.autoencoderStep());
        assertEquals(1, savedProgress.diffusionStep());

        // the same recipe from the start, uninterrupted; its state at the saved step is kept for comparison
        Path straight = tmp.resolve("straight");
        Path atSavedStep = tmp.resolve("at-saved-step");
        List<String> straightSteps = new ArrayList<>();
        List<Double> straightLosses = new ArrayList<>();
        byte[] config = NewRunFolder.withoutLatentScale(Files.readAllBytes(saved.resolve("model_config.json")));
        TrainingStart start = TrainingStart.newModel(straight, savedProgress.recipe(), config).withTextEncoder(
                Files.readAllBytes(saved.resolve("text_encoder/config.json")),
                Files.readAllBytes(saved.resolve("tokenizer/tokenizer.json")));
        try (Trainer t = Trainer.start(start)) {
            t.run(new TrainingListener() {
                @Override
                public void step(String phase, long step, long total, double loss, double learningRate) {
                    straightSteps.add(phase + " " + step);
                    straightLosses.add(loss);
                }

                @Override
                public void checkpoint(Path dir, String phase, long step) {
                    if (phase.equals("diffusion") && step == 1) {
                        try {
                            TrainerTest.copy(dir, atSavedStep);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            });
        }
        assertEquals(5, straightSteps.size(), straightSteps.toString());
        assertSameRun(saved, atSavedStep);

        List<String> resumedSteps = new ArrayList<>();
        List<Double> resumedLosses = new ArrayList<>();
        try (Trainer t = Trainer.resume(TrainingResume.of(resumed))) {
            assertEquals(2, t.progress().autoencoderStep());
            assertEquals(1, t.progress().diffusionStep());
            t.run((phase, step, total, loss, lr) -> {
                resumedSteps.add(phase + " " + step);
                resumedLosses.add(loss);
            });
        }
        assertEquals(List.of("diffusion 2", "diffusion 3"), resumedSteps);
        assertEquals(straightSteps.subList(3, 5), resumedSteps);
        for (int i = 0; i < 2; i++) {
            assertEquals(straightLosses.get(3 + i), resumedLosses.get(i), RELATIVE * straightLosses.get(3 + i));
        }
        assertSameRun(straight, resumed);
    }

    // the same progress file, latent scale and tensors (same keys, the same values to RELATIVE of each tensor's
    // largest) in two run folders
    private static void assertSameRun(Path expected, Path actual) throws IOException {
        JsonNode expectedProgress = ModelConfig.JSON.readTree(expected.resolve("training/progress.json").toFile());
        assertEquals(expectedProgress, ModelConfig.JSON.readTree(actual.resolve("training/progress.json").toFile()));
        double scale = ModelConfig.load(expected.resolve("model_config.json")).model().pretransform().scale();
        assertEquals(scale, ModelConfig.load(actual.resolve("model_config.json")).model().pretransform().scale(),
                RELATIVE * scale);
        for (String file : FILES) {
            Map<String, float[]> e = TrainerTest.tensors(expected.resolve(file));
            Map<String, float[]> a = TrainerTest.tensors(actual.resolve(file));
            assertEquals(e.keySet(), a.keySet(), file);
            e.forEach((k, v) -> {
                float largest = 0;
                for (float x : v) {
                    largest = Math.max(largest, Math.abs(x));
                }
                assertArrayEquals(v, a.get(k), (float) RELATIVE * largest, file + ": " + k);
            });
        }
    }
}
