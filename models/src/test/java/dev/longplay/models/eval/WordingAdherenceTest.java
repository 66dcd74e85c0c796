package dev.longplay.models.eval;

import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.dataset.PromptWording;
import dev.longplay.models.dataset.SoundKind;
import dev.longplay.models.dataset.SoundSpec;
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
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordingAdherenceTest {

    @TempDir
    Path tmp;

    @Test
    void theSynthesisersClipsHitEveryHeldOutTempoAndScoreBothWordingsAlike() {
        ClipSource synth = ClipSource.synthesised(8000);
        WordingAdherence.Report r = WordingAdherence.measure(synth, 8000, 20261125L, 11, 2.048);
        assertEquals(11, r.heldOutTempos().asked());
        assertEquals(1.0, r.heldOutTempos().value(), r.toString());
        // the synthesiser renders the spec whatever the words: both wordings of the same sounds score the same
        assertEquals(r.trainedWording(), r.heldOutWording());
        assertEquals(1.0, r.trainedWording().rootPitchClass().value(), r.toString());
        assertEquals(1.0, r.trainedWording().placement().value(), r.toString());
        assertEquals(2, r.trainedWording().tempoWithin2Bpm().asked(), "drum loops are 2 of 11 in turn");
        assertEquals(1.0, r.trainedWording().tempoWithin2Bpm().value(), r.toString());
    }

    @Test
    void eachSetAsksInItsOwnWords() {
        List<String> prompts = new ArrayList<>();
        List<SoundSpec> specs = new ArrayList<>();
        ClipSource synth = ClipSource.synthesised(8000);
        ClipSource recording = new ClipSource() {
            @Override
            public float[][] clip(SoundSpec spec, double seconds, long seed) {
                throw new AssertionError("the wording sets must pass their own words");
            }

            @Override
            public float[][] clip(SoundSpec spec, String prompt, double seconds, long seed) {
                prompts.add(prompt);
                specs.add(spec);
                return synth.clip(spec, seconds, seed);
            }
        };
        int n = 6;
        WordingAdherence.measure(recording, 8000, 7, n, 0.5);
        // held-out tempos: drum loops at 73, 83, …, asked in the synthesiser's own label
        for (int i = 0; i < n; i++) {
            assertEquals(SoundKind.DRUM_LOOP, specs.get(i).kind());
            assertEquals(PromptWording.heldOutTempos().get(i), specs.get(i).tempo());
            assertEquals(specs.get(i).prompt(), prompts.get(i));
        }
        // then per sound: trained wording, its tone flipped, held-out wording, its tone flipped
        for (int i = n; i < prompts.size(); i += 4) {
            SoundSpec spec = specs.get(i);
            assertEquals(spec, specs.get(i + 2));
            assertTrue(PromptWording.trainingTempos().contains(spec.tempo()));
            assertTrue(!prompts.get(i).equals(prompts.get(i + 2)), prompts.get(i));
            assertTrue(prompts.get(i).contains(spec.brightness().words()));
            assertTrue(prompts.get(i + 1).contains(specs.get(i + 1).brightness().words()));
            if (spec.kind().rhythmic()) {
                assertTrue(prompts.get(i + 2).contains(Integer.toString(spec.tempo())), prompts.get(i + 2));
            }
        }
        assertEquals(n + 4 * n, prompts.size());
        for (int k = 0; k < n; k++) {
            assertEquals(SoundKind.values()[k], specs.get(n + 4 * k).kind(), "the kinds take turns");
        }
    }

    @Test
    void measuresATinyV2ModelWithIntervals() throws IOException {
        Path dir = tmp.resolve("run");
        TrainingRecipe untrained = TrainingRecipe.standard(0, 0).toBuilder().datasetSeed(7).batchSize(1)
                .clipSeconds(0.256).peakLr(1e-3).warmupSteps(1).emaDecay(0.9).fftSizes(64).checkpointEvery(10).build();
        try (Trainer t = Trainer.start(TrainingStart.newModel(dir, untrained,
                resource("/training/micro_model_config.json")).withVocabulary(PromptVocabulary.V2))) {
            assertEquals(0, t.progress().diffusionStep());
        }
        assertEquals(PromptVocabulary.V2, PromptVocabulary.of(dir));
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "micro")) {
            WordingAdherence.Report r = WordingAdherence.measure(ClipSource.generated(p, 2, null), p.sampleRate(), 7,
                    2, 0.5);
            assertEquals(2, r.prompts());
            for (Share s : new Share[] {r.heldOutTempos(), r.trainedWording().placement(),
                    r.heldOutWording().placement(), r.heldOutWording().brightnessOrder()}) {
                assertEquals(2, s.asked());
                assertTrue(s.low() <= s.value() && s.value() <= s.high(), s.toString());
            }
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = WordingAdherenceTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }
}
