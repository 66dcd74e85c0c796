package dev.longplay.models.pipeline;

import dev.longplay.models.audio.LoopSeam;
import dev.longplay.models.diffusion.SamplingCancelledException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every generation mode end to end on the embedded model: exact lengths, determinism, kept audio, loops. */
class StableAudioPipelineTest {

    @TempDir
    static Path cache;
    static StableAudioPipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = StableAudioPipeline.load(EmbeddedModel.ensure(cache), EmbeddedModel.ID);
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static GenerationParams params(String prompt, double seconds, long seed, GenerationParams.InitAudio init,
                                           Double noise, List<GenerationParams.TimeSpan> keep, GenerationParams.Loop loop) {
        return GenerationParams.builder().prompt(prompt).negativePrompt("low quality").seconds(seconds).seed(seed)
                .steps(3).cfgScale(6.0).init(init).initNoiseLevel(noise).keep(keep).loop(loop).build();
    }

    @Test
    void textToAudioHasExactlyTheAskedLengthAndIsDeterministic() {
        GeneratedAudio a = pipeline.generate(params("soft pad", 1.37, 5, null, null, null, null), GenerationListener.NONE);
        assertEquals(Math.round(1.37 * 44100), a.frames());
        assertEquals(2, a.samples().length);
        GeneratedAudio b = pipeline.generate(params("soft pad", 1.37, 5, null, null, null, null), GenerationListener.NONE);
        assertArrayEquals(a.samples()[0], b.samples()[0], "same seed and settings, same audio");
        GeneratedAudio c = pipeline.generate(params("soft pad", 1.37, 6, null, null, null, null), GenerationListener.NONE);
        assertFalse(java.util.Arrays.equals(a.samples()[0], c.samples()[0]), "another seed, other audio");
    }

    @Test
    void loopsAreExactlyTheirBarsAndCloseTheirSeam() {
        GenerationParams.Loop loop = new GenerationParams.Loop(140, 1, 4);
        GeneratedAudio a = pipeline.generate(params("drum loop", 60.0 / 140 * 4, 3, null, null, null, loop),
                GenerationListener.NONE);
        assertEquals(LoopSeam.loopFrames(140, 1, 4, 44100), a.frames());
        for (float[] ch : a.samples()) {
            double maxStep = 0;
            for (int i = 1; i < ch.length; i++) {
                maxStep = Math.max(maxStep, Math.abs(ch[i] - ch[i - 1]));
            }
            assertTrue(Math.abs(ch[0] - ch[ch.length - 1]) <= maxStep, "wrap must be no larger than any step");
        }
    }

    @Test
    void styleTransferStartsFromTheGivenAudio() {
        float[][] init = tone(22050, 0.8f, 1.0);
        GeneratedAudio a = pipeline.generate(params("bright", 1.0, 9, new GenerationParams.InitAudio(init, 22050), 1.0,
                null, null), GenerationListener.NONE);
        assertEquals(44100, a.frames(), "init audio at 22.05 kHz is resampled to the model's rate");
    }

    @Test
    void continuationKeepsTheRecordingUntouchedAndExtendsIt() {
        float[][] init = tone(44100, 0.5f, 0.75);
        double total = 2.0;
        GeneratedAudio a = pipeline.generate(params("continue", total, 4, new GenerationParams.InitAudio(init, 44100),
                null, List.of(new GenerationParams.TimeSpan(0, 0.75)), null), GenerationListener.NONE);
        assertEquals(88200, a.frames());
        for (int i = 0; i < init[0].length; i++) {
            assertEquals(init[0][i], a.samples()[0][i], 1e-6f, "kept audio is the original at frame " + i);
        }
    }

    @Test
    void inpaintingKeepsBothSidesOfTheGap() {
        float[][] init = tone(44100, 0.5f, 2.0);
        List<GenerationParams.TimeSpan> keep = List.of(new GenerationParams.TimeSpan(0, 0.5),
                new GenerationParams.TimeSpan(1.5, 2.0));
        GeneratedAudio a = pipeline.generate(params("fill", 2.0, 4, new GenerationParams.InitAudio(init, 44100), null,
                keep, null), GenerationListener.NONE);
        assertEquals(88200, a.frames());
        assertEquals(init[1][100], a.samples()[1][100], 1e-6f);
        assertEquals(init[1][80000], a.samples()[1][80000], 1e-6f);
        assertTrue(Math.abs(init[1][44100] - a.samples()[1][44100]) > 0 || Math.abs(init[1][44200] - a.samples()[1][44200]) > 0,
                "the gap is regenerated");
    }

    @Test
    void cancellationStopsBetweenSteps() {
        AtomicInteger steps = new AtomicInteger();
        GenerationListener stopAfterOne = new GenerationListener() {
            @Override
            public void onProgress(Stage stage, int step, int total) {
                if (stage == Stage.SAMPLING && step > 0) {
                    steps.incrementAndGet();
                }
            }

            @Override
            public boolean isCancelled() {
                return steps.get() >= 1;
            }
        };
        assertThrows(SamplingCancelledException.class,
                () -> pipeline.generate(params("x", 1.0, 1, null, null, null, null), stopAfterOne));
        assertEquals(1, steps.get());
    }

    @Test
    void tooLongIsRefusedWithTheModelsWindow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pipeline.generate(params("x", 400, 1, null, null, null, null), GenerationListener.NONE));
        assertTrue(e.getMessage().contains("window"), e.getMessage());
    }

    private static float[][] tone(int rate, float amp, double seconds) {
        int n = (int) Math.round(rate * seconds);
        float[][] x = new float[2][n];
        for (int i = 0; i < n; i++) {
            x[0][i] = (float) (amp * Math.sin(2 * Math.PI * 220 * i / rate));
            x[1][i] = (float) (amp * Math.sin(2 * Math.PI * 330 * i / rate));
        }
        return x;
    }
}
