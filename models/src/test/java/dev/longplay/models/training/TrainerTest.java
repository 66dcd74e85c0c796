package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.pipeline.GeneratedAudio;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A few steps on a micro model: losses fall, checkpoints load in the runtime, a resumed run continues exactly. */
class TrainerTest {

    @TempDir
    Path tmp;

    static TrainingRecipe recipe(long aeSteps, long ditSteps) {
        return TrainingRecipe.standard(aeSteps, ditSteps).toBuilder().seed(3).datasetSeed(11).batchSize(2)
                .clipSeconds(0.256).peakLr(1e-3).warmupSteps(2).emaDecay(0.9).fftSizes(128, 64, 32)
                .checkpointEvery(1000).build();
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = TrainerTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    /** A new run of the micro model (also used by the other training tests). */
    /** A micro model with one diffusion step trained (its latent scale measured) in {@code dir}: a fine-tune's source. */
    static Path trainedMicroModel(Path dir) throws IOException {
        try (Trainer t = start(dir, recipe(0, 1))) {
            t.run((phase, step, total, loss, lr) -> { });
        }
        return dir;
    }

    static Trainer start(Path dir, TrainingRecipe r) throws IOException {
        return Trainer.start(TrainingStart.newModel(dir, r, resource("/training/micro_model_config.json")));
    }

    @Test
    void autoencoderAndDiffusionLossesFall() throws IOException {
        try (Trainer t = start(tmp.resolve("run"), recipe(20, 20))) {
            // the same batches (data, noise, t, dropout) before and after training: only the weights differ
            double aeBefore = t.autoencoderLoss(0) + t.autoencoderLoss(1);
            for (int i = 0; i < 20; i++) {
                t.autoencoderStep();
            }
            double aeAfter = t.autoencoderLoss(0) + t.autoencoderLoss(1);
            assertTrue(aeAfter < 0.9 * aeBefore, "autoencoder " + aeBefore + " -> " + aeAfter);
            double ditBefore = t.diffusionLoss(0) + t.diffusionLoss(1) + t.diffusionLoss(2);
            for (int i = 0; i < 20; i++) {
                t.diffusionStep();
            }
            double ditAfter = t.diffusionLoss(0) + t.diffusionLoss(1) + t.diffusionLoss(2);
            assertTrue(ditAfter < 0.9 * ditBefore, "diffusion " + ditBefore + " -> " + ditAfter);
        }
    }

    @Test
    void aNewRunsLatentNoiseStartsQuiet() throws IOException {
        Path dir = tmp.resolve("quiet");
        try (Trainer t = start(dir, recipe(0, 0))) {
            t.run((phase, step, total, loss, lr) -> { });
        }
        // a plain init's zero scale bias gives softplus(0) = 0.69: noise that drowns the latents' means
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "new");
             NDManager m = NDManager.newBaseManager()) {
            int channels = p.config().audioChannels();
            NDArray audio = m.randomUniform(-0.5f, 0.5f, new ai.djl.ndarray.types.Shape(1, channels, 2048));
            NDArray encoded = p.autoencoder().encoder().forward(audio);
            float[] stdev = p.autoencoder().bottleneck().sample(encoded, 1L).stdev().toFloatArray();
            for (float s : stdev) {
                assertTrue(s < 0.05, "stdev " + s);
            }
        }
    }

    @Test
    void checkpointLoadsInTheRuntimeWithTheTrainedWeights() throws IOException {
        Path dir = tmp.resolve("run");
        Map<String, float[]> trained;
        try (Trainer t = start(dir, recipe(1, 1))) {
            t.run((phase, step, total, loss, lr) -> { });
            trained = snapshot(t.parameters());
        }
        // the exported model is in the official layout: weight-normed convs as weight_g/weight_v pairs; with one
        // step per phase its EMA (warm-up decay 0) equals the trained weights
        String wn = "pretransform.model.encoder.layers.0.weight";
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertTrue(f.contains(wn + "_g") && f.contains(wn + "_v"), f.keys().toString());
            assertFalse(f.contains(wn));
            NDArray folded = new StateDict(f, m, DataType.FLOAT32).takeWeightNormed(wn);
            assertArrayEquals(trained.get(wn), folded.toFloatArray(), 1e-5f);
            String dense = "model.model.transformer.layers.0.self_attn.to_qkv.weight";
            assertArrayEquals(trained.get(dense), f.load(m, dense, DataType.FLOAT32).toFloatArray(), 0f);
        }
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "trained")) {
            GeneratedAudio audio = p.generate(GenerationParams.builder().prompt("drum loop, 120 BPM, bright, centered")
                    .seconds(0.256).seed(1).steps(4).build(), GenerationListener.NONE);
            assertEquals(2, audio.samples().length);
        }
    }

    @Test
    void aListenerThatDeclinesStopsTheRunAtACheckpointThatResumes() throws IOException {
        Path dir = tmp.resolve("budget");
        TrainingRecipe r = recipe(5, 4).toBuilder().checkpointEvery(2).build();
        java.util.List<String> checkpoints = new java.util.ArrayList<>();
        TrainingListener twoCheckpoints = new TrainingListener() {
            @Override
            public void step(String phase, long step, long total, double loss, double learningRate) {
            }

            @Override
            public void checkpoint(Path d, String phase, long step) {
                checkpoints.add(phase + " " + step);
            }

            @Override
            public boolean keepGoing() {
                return checkpoints.size() < 2;
            }
        };
        try (Trainer t = start(dir, r)) {
            t.run(twoCheckpoints);
            assertEquals(4, t.progress().autoencoderStep(), "stopped at the second checkpoint, not at the end");
            assertEquals(0, t.progress().diffusionStep());
        }
        try (Trainer t = Trainer.resume(TrainingResume.of(dir))) {
            assertEquals(4, t.progress().autoencoderStep());
            t.run((phase, step, total, loss, lr) -> { });
            assertEquals(5, t.progress().autoencoderStep());
            assertEquals(4, t.progress().diffusionStep());
        }
    }

    @Test
    void aStopRequestSavesTheStepJustFinishedAndEndsTheRun() throws IOException {
        Path dir = tmp.resolve("stopped");
        java.util.List<String> checkpoints = new java.util.ArrayList<>();
        long[] steps = {0};
        TrainingListener ctrlC = new TrainingListener() {
            @Override
            public void step(String phase, long step, long total, double loss, double learningRate) {
                steps[0] = step;
            }

            @Override
            public void checkpoint(Path d, String phase, long step) {
                checkpoints.add(phase + " " + step);
            }

            @Override
            public boolean stopNow() {
                return steps[0] == 3;
            }
        };
        try (Trainer t = start(dir, recipe(5, 2))) {
            t.run(ctrlC);
            assertEquals(3, t.progress().autoencoderStep());
        }
        assertEquals(java.util.List.of("autoencoder 3"), checkpoints, "saved at the stop, not at an interval");
        try (Trainer t = Trainer.resume(TrainingResume.of(dir))) {
            assertEquals(3, t.progress().autoencoderStep());
        }
    }

    @Test
    void resumedRunContinuesExactlyAsTheUninterruptedOne() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Map<String, float[]> uninterrupted;
        try (Trainer t = start(a, recipe(3, 3))) {
            t.autoencoderStep();
            t.autoencoderStep();
            t.diffusionStep();
            t.save();
            copy(a, b);
            t.autoencoderStep();
            t.diffusionStep();
            t.diffusionStep();
            uninterrupted = snapshot(t.parameters());
        }
        try (Trainer t = Trainer.resume(TrainingResume.of(b))) {
            assertEquals(2, t.progress().autoencoderStep());
            assertEquals(1, t.progress().diffusionStep());
            t.autoencoderStep();
            t.diffusionStep();
            t.diffusionStep();
            Map<String, float[]> resumed = snapshot(t.parameters());
            assertEquals(uninterrupted.keySet(), resumed.keySet());
            for (String k : uninterrupted.keySet()) {
                assertArrayEquals(uninterrupted.get(k), resumed.get(k), 1e-6f, k);
            }
        }
        assertThrows(IllegalStateException.class, () -> start(b, recipe(1, 1)));
    }

    @Test
    void latentScaleIsMeasuredBeforeTheDiffusionPhaseSoTheRuntimeSeesUnitSpread() throws IOException {
        Path dir = tmp.resolve("run");
        double[] measured = {Double.NaN};
        int[] calls = {0};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void step(String phase, long step, long total, double loss, double learningRate) {
            }

            @Override
            public void latentScale(double scale) {
                measured[0] = scale;
                calls[0]++;
            }
        };
        String wn = "pretransform.model.encoder.layers.0.weight";
        float[] trainedAutoencoder;
        try (Trainer t = start(dir, recipe(3, 1))) {
            t.run(listener);
            trainedAutoencoder = snapshot(t.parameters()).get(wn);
        }
        assertEquals(1, calls[0]);
        // the diffusion model learnt the latents of the autoencoder that ships: its EMA, not the last step's weights
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new StateDict(f, m, DataType.FLOAT32).takeWeightNormed(wn).toFloatArray(),
                    trainedAutoencoder, 1e-5f);
        }
        ModelConfig cfg = ModelConfig.load(dir.resolve("model_config.json"));
        assertEquals(measured[0], cfg.model().pretransform().scale(), 1e-9);
        // the runtime, loading the folder as it is, hands the diffusion model latents of about unit spread on
        // clips that the measurement never saw
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "trained");
             NDManager m = NDManager.newBaseManager()) {
            int samples = 32 * 64;
            NDArray audio = new TrainingBatches(11, p.sampleRate(), 2, 16).validationBatch(0, samples, m).audio();
            NDArray latents = p.autoencoder().encode(audio, 5);
            latents.attach(m);
            double std = std(latents.toFloatArray());
            assertTrue(std > 0.7 && std < 1.43, "latent std " + std + " at scale " + measured[0]);
        }
        // a resumed run keeps the scale in the config (measured once, or set by hand)
        try (Trainer t = Trainer.resume(TrainingResume.of(dir).withSteps(3L, 2L))) {
            t.run(listener);
        }
        assertEquals(1, calls[0]);
        assertEquals(measured[0], ModelConfig.load(dir.resolve("model_config.json")).model().pretransform().scale(), 1e-9);
    }

    @Test
    void aDiffusionOnlyRunTrainsANewTransformerOnAnotherRunsFrozenAutoencoder() throws IOException {
        Path source = tmp.resolve("source");
        try (Trainer t = start(source, recipe(3, 0))) {
            t.run((phase, step, total, loss, lr) -> { });
        }
        // no latent scale yet: the source's diffusion phase (which measures it) never began
        assertThrows(dev.longplay.models.weights.CheckpointException.class,
                () -> startOnAutoencoder(tmp.resolve("early"), deeperTransformer(4), recipe(0, 2), source));
        try (Trainer t = Trainer.resume(TrainingResume.of(source).withSteps(3L, 1L))) {
            t.run((phase, step, total, loss, lr) -> { });
        }
        assertThrows(IllegalArgumentException.class,
                () -> startOnAutoencoder(tmp.resolve("narrow"), deeperTransformer(8), recipe(0, 2), source));

        Path dir = tmp.resolve("dit");
        Map<String, float[]> shipped = tensors(source.resolve("model.safetensors"));
        shipped.keySet().removeIf(k -> !k.startsWith("pretransform."));
        try (Trainer t = startOnAutoencoder(dir, deeperTransformer(4), recipe(5, 3), source)) {
            assertEquals(0, t.progress().recipe().autoencoderSteps(), "the autoencoder phase is skipped");
            t.run((phase, step, total, loss, lr) -> assertEquals("diffusion", phase));
            assertEquals(3, t.progress().diffusionStep());
        }
        ModelConfig made = ModelConfig.load(dir.resolve("model_config.json"));
        assertEquals(ModelConfig.load(source.resolve("model_config.json")).model().pretransform().scale(),
                made.model().pretransform().scale(), 0.0);
        assertEquals(2, made.model().diffusion().config().path("depth").asInt(), "the new run's own transformer");
        // the autoencoder is the source's shipped one after diffusion steps (weight norm is folded on loading and
        // split again on saving, which may move the last bit)
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            shipped.forEach((k, v) -> assertArrayEquals(v, f.load(m, k, DataType.FLOAT32).toFloatArray(), 1e-6f, k));
            assertTrue(f.contains("model.model.transformer.layers.1.self_attn.to_qkv.weight"));
        }
        try (Trainer t = Trainer.resume(TrainingResume.of(dir).withSteps(null, 4L))) {
            t.run((phase, step, total, loss, lr) -> { });
            assertEquals(4, t.progress().diffusionStep());
        }
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "trained")) {
            assertEquals(2, p.generate(GenerationParams.builder().prompt("pad chords, C minor, dark, centered")
                    .seconds(0.256).seed(1).steps(2).build(), GenerationListener.NONE).samples().length);
        }
    }

    @Test
    void aFineTuneStartsFromATrainedModelFolderAndMeasuresTheScaleAgainIfItsAutoencoderTrains() throws IOException {
        Path source = tmp.resolve("source");
        try (Trainer t = start(source, recipe(3, 2))) {
            t.run((phase, step, total, loss, lr) -> { });
        }
        Files.writeString(source.resolve("sampling_defaults.json"), "{\"cfg_scale\": 2.5}");
        Map<String, float[]> shipped = tensors(source.resolve("model.safetensors"));
        double sourceScale = ModelConfig.load(source.resolve("model_config.json")).model().pretransform().scale();
        // another seed than the source's: the text encoder must be the source's file, not one made from the seed
        TrainingRecipe otherSeed = recipe(0, 2).toBuilder().seed(8).build();

        Path kept = tmp.resolve("kept");
        try (Trainer t = Trainer.start(TrainingStart.fineTune(kept, otherSeed, source))) {
            Map<String, float[]> start = tensors(kept.resolve("model.safetensors"));
            shipped.forEach((k, v) -> assertArrayEquals(v, start.get(k), 1e-6f, k));
            for (String f : new String[] {"text_encoder/model.safetensors", "text_encoder/config.json",
                    "tokenizer/tokenizer.json", "sampling_defaults.json"}) {
                assertArrayEquals(Files.readAllBytes(source.resolve(f)), Files.readAllBytes(kept.resolve(f)), f);
            }
            t.run((phase, step, total, loss, lr) -> assertEquals("diffusion", phase));
        }
        assertEquals(sourceScale, ModelConfig.load(kept.resolve("model_config.json")).model().pretransform().scale(), 0.0);
        Map<String, float[]> keptWeights = tensors(kept.resolve("model.safetensors"));
        shipped.forEach((k, v) -> {
            if (k.startsWith("pretransform.")) {
                assertArrayEquals(v, keptWeights.get(k), 1e-6f, "a kept autoencoder stays as it was: " + k);
            }
        });
        String qkv = "model.model.transformer.layers.0.self_attn.to_qkv.weight";
        assertFalse(java.util.Arrays.equals(shipped.get(qkv), keptWeights.get(qkv)), "the diffusion model trained");

        Path tuned = tmp.resolve("tuned");
        try (Trainer t = Trainer.start(TrainingStart.fineTune(tuned, recipe(2, 1), source))) {
            assertEquals(null, ModelConfig.load(tuned.resolve("model_config.json")).model().pretransform().scale(),
                    "the latents will move: the scale is measured again");
            t.run((phase, step, total, loss, lr) -> { });
        }
        Double measured = ModelConfig.load(tuned.resolve("model_config.json")).model().pretransform().scale();
        assertTrue(measured != null && measured > 0);
        String encoderIn = shipped.keySet().stream().filter(k -> k.startsWith("pretransform.model.encoder.layers.0."))
                .findFirst().orElseThrow();
        assertFalse(java.util.Arrays.equals(shipped.get(encoderIn), tensors(tuned.resolve("model.safetensors")).get(encoderIn)),
                "the encoder trained too");
        assertThrows(IllegalStateException.class,
                () -> Trainer.start(TrainingStart.fineTune(tuned, recipe(0, 1), source)));
        assertThrows(dev.longplay.models.weights.CheckpointException.class,
                () -> Trainer.start(TrainingStart.fineTune(tmp.resolve("none"), recipe(0, 1),
                        tmp.resolve("no-such-model"))));
    }

    /** Every tensor of a safetensors file as floats, by key. */
    static Map<String, float[]> tensors(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> all = new java.util.TreeMap<>();
            for (String k : f.keys()) {
                all.put(k, f.load(m, k, DataType.FLOAT32).toFloatArray());
            }
            return all;
        }
    }

    private static Trainer startOnAutoencoder(Path dir, byte[] config, TrainingRecipe r, Path source)
            throws IOException {
        return Trainer.start(TrainingStart.newModel(dir, r, config).onAutoencoderOf(source));
    }

    // the micro config with a two-layer transformer whose input has ioChannels channels
    private static byte[] deeperTransformer(int ioChannels) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
                ModelConfig.JSON.readTree(resource("/training/micro_model_config.json"));
        com.fasterxml.jackson.databind.node.ObjectNode dit =
                (com.fasterxml.jackson.databind.node.ObjectNode) root.path("model").path("diffusion").path("config");
        dit.put("depth", 2);
        dit.put("io_channels", ioChannels);
        return ModelConfig.JSON.writeValueAsBytes(root);
    }

    @Test
    void noiseLevelsAreUniformInTOrPartlyUniformInLogSigmaOverTheSamplersRange() {
        int n = 200_000;
        // sigma = tan(pi t / 2); the sampler's v-objective range 0.3..500 and the t of sigma = 12.7 (t = 0.95)
        double tMin = 2 / Math.PI * Math.atan(0.3);
        double tMax = 2 / Math.PI * Math.atan(500);
        double above95 = (Math.log(500) - Math.log(Math.tan(Math.PI / 2 * 0.95))) / (Math.log(500) - Math.log(0.3));
        for (double share : new double[] {0, 0.5, 1}) {
            SplittableRandom rng = new SplittableRandom(5);
            int high = 0;
            int outside = 0;
            for (int i = 0; i < n; i++) {
                double t = DiffusionPhase.timestep(rng, share, 0.3, 500);
                assertTrue(t > 0 && t < 1, "t " + t);
                high += t > 0.95 ? 1 : 0;
                outside += t < tMin || t > tMax ? 1 : 0;
            }
            assertEquals(share * above95 + (1 - share) * 0.05, (double) high / n, 0.005, "share " + share);
            assertEquals((1 - share) * (tMin + 1 - tMax), (double) outside / n, 0.005, "share " + share);
        }
        // a share of 0 draws one number per t: the sequence of runs saved before the share existed
        SplittableRandom a = new SplittableRandom(9);
        SplittableRandom b = new SplittableRandom(9);
        DiffusionPhase.timestep(a, 0, 0.3, 500);
        b.nextDouble();
        assertEquals(b.nextLong(), a.nextLong());
    }

    @Test
    void aResumedRunMayChangeItsLogSigmaShareAndOldProgressFilesLoadWithNone() throws IOException {
        Path dir = tmp.resolve("run");
        try (Trainer t = start(dir, recipe(0, 3))) {
            t.diffusionStep();
            t.save();
        }
        Path progress = dir.resolve("training").resolve("progress.json");
        // as a run saved before the field existed wrote it
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) ModelConfig.JSON.readTree(progress.toFile());
        assertTrue(root.path("recipe").has("logSigmaShare"), root.toString());
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.path("recipe")).remove("logSigmaShare");
        ModelConfig.JSON.writeValue(progress.toFile(), root);
        double before;
        try (Trainer t = Trainer.resume(TrainingResume.of(dir))) {
            assertEquals(null, t.progress().recipe().logSigmaShare());
            before = t.diffusionLoss(1);
        }
        try (Trainer t = Trainer.resume(TrainingResume.of(dir).withLogSigmaShare(0.75))) {
            assertEquals(0.75, t.progress().recipe().logSigmaShare());
            assertEquals(1, t.progress().diffusionStep());
            // the same batch, other noise levels
            assertNotEquals(before, t.diffusionLoss(1), 1e-9);
            t.diffusionStep();
            t.save();
        }
        try (Trainer t = Trainer.resume(TrainingResume.of(dir))) {
            assertEquals(0.75, t.progress().recipe().logSigmaShare());
            assertEquals(2, t.progress().diffusionStep());
        }
        assertThrows(IllegalArgumentException.class, () -> recipe(0, 1).withLogSigmaShare(1.5));
    }

    @Test
    void theShortClipStageCoversItsShareOfTheDiffusionSteps() throws IOException {
        TrainingRecipe standard = recipe(0, 4);
        TrainingRecipe none = standard.toBuilder().shortClipShare(0.0).build();
        assertEquals(2, standard.shortClipSteps());
        assertEquals(0, none.shortClipSteps());
        assertEquals(3, recipe(0, 7).withLogSigmaShare(0.5).shortClipSteps(), "half, rounded down, as before");
        assertThrows(IllegalArgumentException.class, () -> standard.toBuilder().shortClipShare(1.5).build());
        // same weights and batches: the losses differ only where the clip lengths do
        double[] a;
        double[] b;
        try (Trainer t = start(tmp.resolve("standard"), standard)) {
            a = new double[] {t.diffusionLoss(0), t.diffusionLoss(3)};
        }
        try (Trainer t = start(tmp.resolve("none"), none)) {
            b = new double[] {t.diffusionLoss(0), t.diffusionLoss(3)};
        }
        assertNotEquals(a[0], b[0], 1e-9, "step 0: half-length clips against whole ones");
        assertEquals(a[1], b[1], 1e-9, "step 3: whole clips in both");
    }

    @Test
    void autoencoderStepsAfterTheDiffusionPhaseBeganTrainTheDecoderOnly() throws IOException {
        Path dir = tmp.resolve("run");
        try (Trainer t = start(dir, recipe(2, 1))) {
            t.autoencoderStep();
            assertFalse(t.decoderOnly());
            t.autoencoderStep();
            t.diffusionStep();
            assertTrue(t.decoderOnly());
            t.save();
        }
        // more autoencoder steps, with a longer FFT added to the loss
        try (Trainer t = Trainer.resume(TrainingResume.of(dir).withSteps(4L, null)
                .withFftSizes(new int[] {256, 128, 64, 32}))) {
            assertArrayEquals(new int[] {256, 128, 64, 32}, t.progress().recipe().fftSizes());
            Map<String, float[]> before = snapshot(t.parameters());
            t.autoencoderStep();
            t.autoencoderStep();
            Map<String, float[]> after = snapshot(t.parameters());
            int decoderChanged = 0;
            for (String k : before.keySet()) {
                boolean same = java.util.Arrays.equals(before.get(k), after.get(k));
                if (k.startsWith("pretransform.model.decoder.")) {
                    decoderChanged += same ? 0 : 1;
                } else {
                    assertTrue(same, k + " must stay as it was");
                }
            }
            assertTrue(decoderChanged > 0, "the decoder learns");
            assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("pretransform.model.encoder.")));
            t.save();
        }
        try (Trainer t = Trainer.resume(TrainingResume.of(dir))) {
            assertEquals(4, t.progress().autoencoderStep());
            assertArrayEquals(new int[] {256, 128, 64, 32}, t.progress().recipe().fftSizes());
        }
        // an FFT longer than the autoencoder's training clips (half of 0.256 s at the micro model's rate) is refused
        assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(TrainingResume.of(dir).withFftSizes(new int[] {1 << 16})));
    }

    @Test
    void conditioningCheckComparesTheSameValidationClipsWithAndWithoutThePrompt() throws IOException {
        try (Trainer t = start(tmp.resolve("run"), recipe(0, 4))) {
            ConditioningCheck a = t.conditioningCheck(1);
            ConditioningCheck b = t.conditioningCheck(1);
            assertEquals(a, b);
            assertTrue(Double.isFinite(a.conditioned()) && Double.isFinite(a.unconditioned()), a.toString());
            // the prompt reaches the transformer: dropping it changes the prediction
            assertNotEquals(a.conditioned(), a.unconditioned(), 1e-9);
        }
    }

    private static double std(float[] v) {
        double sum = 0;
        double sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        return Math.sqrt(sq / v.length - mean * mean);
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> params) {
        Map<String, float[]> out = new java.util.TreeMap<>();
        params.forEach((k, p) -> {
            try (NDArray d = p.stopGradient()) {
                out.put(k, d.toFloatArray());
            }
        });
        return out;
    }

    /** Copies the folder {@code from} to {@code to}, as a run folder is copied between hosts. */
    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }
}
