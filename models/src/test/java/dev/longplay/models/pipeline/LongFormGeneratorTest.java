package dev.longplay.models.pipeline;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long-form generation on the embedded tiny model, its window cut to 0.5 s so that a clip of a few windows stays
 * fast: exact lengths, progress by window, continuation and loops beyond one window, and clear refusals. (Its random
 * weights make no music to measure joins on: that is {@code TrainedLongFormTest}'s part.)
 */
class LongFormGeneratorTest {

    @TempDir
    static Path cache;
    static StableAudioPipeline pipeline;
    static LongFormGenerator longForm;

    @BeforeAll
    static void load() {
        pipeline = StableAudioPipeline.load(EmbeddedModel.ensure(cache), EmbeddedModel.ID);
        longForm = new LongFormGenerator(pipeline, 30, 0.5);
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static GenerationParams params(double seconds, long seed, GenerationParams.InitAudio init,
                                           List<GenerationParams.TimeSpan> keep, GenerationParams.Loop loop) {
        return GenerationParams.builder().prompt("drum loop").seconds(seconds).seed(seed).steps(3).cfgScale(3.0)
                .init(init).keep(keep).loop(loop).build();
    }

    @Test
    void aClipOfFourWindowsHasExactlyItsLengthAndReportsWindows() {
        List<String> events = new ArrayList<>();
        List<int[]> sampling = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onProgress(Stage stage, int step, int total) {
                if (stage == Stage.WINDOW) {
                    events.add(step + "/" + total);
                } else if (stage == Stage.SAMPLING) {
                    sampling.add(new int[]{step, total});
                }
            }
        };
        GenerationParams p = params(1.6, 11, null, null, null);
        WindowPlan plan = longForm.plan(p);
        assertEquals(4, plan.count(), "1.6 s in windows of 0.5 s that each add 0.375 s");
        GeneratedAudio a = longForm.generate(p, listener);
        assertEquals(Math.round(1.6 * 44100), a.frames());
        assertEquals(List.of("0/4", "1/4", "2/4", "3/4", "4/4"), events);
        for (int i = 1; i < sampling.size(); i++) {
            assertTrue(sampling.get(i)[0] >= sampling.get(i - 1)[0], "sampling progress only moves forward");
            assertEquals(4 * 3, sampling.get(i)[1], "counted over every window's steps");
        }
        assertEquals(12, sampling.get(sampling.size() - 1)[0]);

        GeneratedAudio again = longForm.generate(p, GenerationListener.NONE);
        assertArrayEquals(a.samples()[1], again.samples()[1], "same seed, same long clip");
    }

    @Test
    void aClipWithinTheWindowIsTheModelsOwnRender() {
        GenerationParams p = params(0.4, 5, null, null, null);
        assertArrayEquals(pipeline.generate(p, GenerationListener.NONE).samples()[0],
                longForm.generate(p, GenerationListener.NONE).samples()[0]);
    }

    @Test
    void aContinuationBeyondTheWindowKeepsTheRecordingAndGoesOnWindowByWindow() {
        float[][] take = new float[2][(int) (0.7 * 44100)];
        for (int i = 0; i < take[0].length; i++) {
            take[0][i] = take[1][i] = (float) (0.4 * Math.sin(2 * Math.PI * 220 * i / 44100.0));
        }
        GenerationParams p = params(1.5, 3, new GenerationParams.InitAudio(take, 44100),
                List.of(new GenerationParams.TimeSpan(0, 0.7)), null);
        assertEquals(3, longForm.plan(p).count());
        GeneratedAudio a = longForm.generate(p, GenerationListener.NONE);
        assertEquals(Math.round(1.5 * 44100), a.frames());
        for (int i = 0; i < take[0].length; i++) {
            assertEquals(take[0][i], a.samples()[0][i], 1e-6f, "the recording is untouched at frame " + i);
        }
    }

    @Test
    void aLoopLongerThanTheWindowIsExactlyItsBarsJoinedOnBeatsAndClosed() {
        GenerationParams.Loop loop = new GenerationParams.Loop(240, 2, 4);  // 2 s: 8 beats of 0.25 s
        GenerationParams p = params(2.0, 7, null, null, loop);
        WindowPlan plan = longForm.plan(p);
        assertTrue(plan.count() > 1);
        double beat = 0.25 * 44100;
        for (int j : plan.joins()) {
            assertEquals(0, Math.IEEEremainder(j, beat), 0.5, "join at frame " + j + " is on a beat");
        }
        GeneratedAudio a = longForm.generate(p, GenerationListener.NONE);
        assertEquals(88200, a.frames());
        for (float[] ch : a.samples()) {
            double maxStep = 0;
            for (int i = 1; i < ch.length; i++) {
                maxStep = Math.max(maxStep, Math.abs(ch[i] - ch[i - 1]));
            }
            assertTrue(Math.abs(ch[0] - ch[ch.length - 1]) <= maxStep, "the wrap is no larger than any step");
        }
    }

    @Test
    void styleTransferBeyondTheWindowRestylesTheGivenAudioWindowByWindow() {
        float[][] take = new float[2][(int) (1.2 * 22050)];
        for (int i = 0; i < take[0].length; i++) {
            take[0][i] = take[1][i] = (float) (0.4 * Math.sin(2 * Math.PI * 330 * i / 22050.0));
        }
        GenerationParams p = GenerationParams.builder().prompt("x").seconds(1.2).seed(1).steps(3).cfgScale(3.0)
                .init(new GenerationParams.InitAudio(take, 22050)).initNoiseLevel(1.0).build();
        assertEquals(3, longForm.plan(p).count());
        GeneratedAudio a = longForm.generate(p, GenerationListener.NONE);
        assertEquals(Math.round(1.2 * 44100), a.frames(), "given at 22.05 kHz, made at the model's rate, as long");
    }

    @Test
    void tooLongAndInpaintingBeyondTheWindowAreRefusedSayingWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> longForm.generate(params(31, 1, null, null, null), GenerationListener.NONE));
        assertTrue(e.getMessage().contains("longest clip") && e.getMessage().contains("30"), e.getMessage());
        float[][] take = new float[2][44100];
        GenerationParams inpaint = GenerationParams.builder().prompt("x").seconds(1.0).seed(1).steps(3).cfgScale(3.0)
                .init(new GenerationParams.InitAudio(take, 44100))
                .keep(List.of(new GenerationParams.TimeSpan(0, 0.2), new GenerationParams.TimeSpan(0.8, 1.0))).build();
        e = assertThrows(IllegalArgumentException.class, () -> longForm.generate(inpaint, GenerationListener.NONE));
        assertTrue(e.getMessage().contains("window of 0.5 s") && e.getMessage().contains("inpainting"), e.getMessage());
    }
}
