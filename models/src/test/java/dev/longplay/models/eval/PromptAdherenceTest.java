package dev.longplay.models.eval;

import dev.longplay.models.dataset.Placement;
import dev.longplay.models.dataset.SoundKind;
import dev.longplay.models.dataset.SoundSpec;
import dev.longplay.models.dataset.SyntheticDataset;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.training.Trainer;
import dev.longplay.models.training.TrainingRecipe;
import dev.longplay.models.training.TrainingStart;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        try (Trainer t = Trainer.start(TrainingStart.newModel(dir, untrained(),
                resource("/training/micro_model_config.json")))) {
            assertEquals(0, t.progress().autoencoderStep());
        }
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "micro")) {
            PromptAdherence.Report r = PromptAdherence.measure(p, 7, 4, 0.5, 2);
            assertEquals(4, r.prompts());
            for (double share : new double[] {r.brightnessOrder().value(), r.placement().value()}) {
                assertTrue(share >= 0 && share <= 1, r.toString());
            }
            assertTrue(Double.isFinite(r.frechet()) && r.frechet() > 0, r.toString());
        }
    }

    @Test
    void semitonesApartGoesAroundTheOctave() {
        assertEquals(0, PromptAdherence.semitonesApart(4, 4));
        assertEquals(1, PromptAdherence.semitonesApart(0, 11));
        assertEquals(1, PromptAdherence.semitonesApart(11, 0));
        assertEquals(6, PromptAdherence.semitonesApart(2, 8));
        assertEquals(5, PromptAdherence.semitonesApart(1, 8));
        assertEquals(2, PromptAdherence.semitonesApart(10, 0));
    }

    @Test
    void theSynthesisersOwnClipsScoreFullMarksOnTonalPlacementAndBrightnessMeasures() {
        PromptAdherence.Report r = PromptAdherence.measure(ClipSource.synthesised(16000), 16000, 7, 12, 2.0);
        assertEquals(1.0, r.rootPitchClass().value(), r.toString());
        assertEquals(1.0, r.rootWithinSemitone().value(), r.toString());
        assertEquals(1.0, r.brightnessOrder().value(), r.toString());
        assertEquals(1.0, r.placement().value(), r.toString());
        assertEquals(0.0, r.frechet(), 1e-3, r.toString());
    }

    @Test
    void theRootIsAlsoScoredForEachTonalKind() {
        // plucks a whole tone sharp, every other kind as asked
        ClipSource synth = ClipSource.synthesised(16000);
        ClipSource sharpPlucks = (spec, seconds, seed) -> synth.clip(spec.kind() != SoundKind.PLUCK ? spec
                : new SoundSpec(spec.kind(), spec.tempo(), (spec.keyPitchClass() + 2) % 12, spec.minor(),
                spec.brightness(), spec.placement(), spec.seed()), seconds, seed);
        PromptAdherence.Report r = PromptAdherence.measure(sharpPlucks, 16000, 7, 24, 2.0);
        assertEquals(java.util.Set.of(SoundKind.BASS, SoundKind.PAD, SoundKind.PLUCK), r.rootByKind().keySet(), r.toString());
        assertEquals(0.0, r.rootByKind().get(SoundKind.PLUCK).value(), r.toString());
        assertEquals(1.0, r.rootByKind().get(SoundKind.BASS).value(), r.toString());
        assertEquals(1.0, r.rootByKind().get(SoundKind.PAD).value(), r.toString());
        assertTrue(r.rootPitchClass().value() > 0 && r.rootPitchClass().value() < 1, r.toString());
        assertEquals(r.rootPitchClass(), r.rootWithinSemitone(), r.toString());
    }

    @Test
    void reconstructionPassesTheSynthesisersClipThroughTheAutoencoder() throws IOException {
        Path dir = tmp.resolve("run");
        Trainer.start(TrainingStart.newModel(dir, untrained(), resource("/training/micro_model_config.json"))).close();
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "micro")) {
            SoundSpec spec = new SyntheticDataset(7).example(SyntheticDataset.Split.HELD_OUT, 0);
            float[][] clip = ClipSource.reconstructed(p).clip(spec, 0.3, 1);
            int ratio = p.autoencoder().downsamplingRatio();
            assertEquals(2, clip.length);
            assertEquals(Math.round(0.3 * 8000 / ratio) * ratio, clip[0].length);
            // an untrained autoencoder does not give the clip back
            float[][] original = ClipSource.synthesised(8000).clip(spec, (double) clip[0].length / 8000, 1);
            assertNotEquals(0.0, AudioMeasures.balance(clip[0], clip[1]) - AudioMeasures.balance(original[0], original[1]), 1e-6);
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = PromptAdherenceTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    // a micro run's recipe with no steps: the model folder as a new run starts it
    private static TrainingRecipe untrained() {
        return TrainingRecipe.standard(0, 0).toBuilder().datasetSeed(7).batchSize(1).clipSeconds(0.256)
                .peakLr(1e-3).warmupSteps(1).emaDecay(0.9).fftSizes(64).checkpointEvery(10).build();
    }
}
