package dev.longplay.models.eval;

import dev.longplay.models.dataset.Placement;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.training.Trainer;
import dev.longplay.models.training.TrainingRecipe;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptAdherenceTest {

    @TempDir
    Path tmp;

    @Test
    void placementNeedsTheRightSideOfTheBalance() {
        assertTrue(PromptAdherence.placementMatches(Placement.LEFT, -0.9));
        assertFalse(PromptAdherence.placementMatches(Placement.LEFT, 0.0));
        assertTrue(PromptAdherence.placementMatches(Placement.CENTER, 0.1));
        assertFalse(PromptAdherence.placementMatches(Placement.RIGHT, 0.1));
    }

    @Test
    void measuresAModelOnHeldOutPrompts() throws IOException {
        Path dir = tmp.resolve("run");
        try (Trainer t = Trainer.start(dir, resource("/training/micro_model_config.json"),
                resource("/dev/longplay/models/tiny/text_encoder_config.json"),
                resource("/dev/longplay/models/tiny/tokenizer.json"),
                new TrainingRecipe(1, 7, 1, 0.256, 0, 0, 1e-3, 1, 1e-3, 0.9, 0.1, 1e-4, new int[] {64}, 10))) {
            assertEquals(0, t.progress().autoencoderStep());
        }
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "micro")) {
            PromptAdherence.Report r = PromptAdherence.measure(p, 7, 4, 0.5, 2);
            assertEquals(4, r.prompts());
            for (double share : new double[] {r.brightnessOrder(), r.placement()}) {
                assertTrue(share >= 0 && share <= 1, r.toString());
            }
            assertTrue(Double.isFinite(r.frechet()) && r.frechet() > 0, r.toString());
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = PromptAdherenceTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }
}
