package dev.longplay.models.sa3;

import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.SamplingDefaults;
import dev.longplay.models.weights.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Stable Audio 3 model folder's sampling_defaults.json is what a request leaving settings out gets, as for the
 * other families; its built-in profile is the fallback; "euler" still means the flow Euler sampler here.
 */
class Sa3SamplingDefaultsTest {

    private static GenerationParams params(String sampler, Integer steps, Double cfg, GenerationParams.InitAudio init,
                                           Double noise) {
        return GenerationParams.builder().prompt("dark synth").seconds(1.0).seed(11).steps(steps).cfgScale(cfg)
                .sampler(sampler).init(init).initNoiseLevel(noise).build();
    }

    private static float[] generate(Sa3Pipeline p, GenerationParams params) {
        return p.generate(params, GenerationListener.NONE).samples()[0];
    }

    @Test
    void withoutAFileTheFamilysProfileIsTheDefault(@TempDir Path tmp) throws Exception {
        try (Sa3Pipeline p = TinySa3Model.load(TinySa3Model.write(tmp.resolve("m")))) {
            assertEquals(new SamplingDefaults("pingpong", 8, 1.0, 0.0, 1.0, 1.0, 0.8), p.defaults(),
                    "a distilled rf_denoiser model: 8 ping-pong steps without guidance");
            assertArrayEquals(generate(p, params("pingpong", 8, 1.0, null, null)), generate(p, params(null, null, null,
                    null, null)));
        }
        assertEquals(new SamplingDefaults("rf-euler", 50, 7.0, 0.0, 1.0, 1.0, 0.8), Sa3Pipeline.profile("rectified_flow"));
    }

    @Test
    void theFoldersSettingsAreWhatARequestWithoutThemGets(@TempDir Path tmp) throws Exception {
        Path dir = TinySa3Model.write(tmp.resolve("m"));
        Files.writeString(dir.resolve(SamplingDefaults.FILE),
                "{\"sampler\": \"euler\", \"steps\": 3, \"cfg_scale\": 2.0, \"init_noise_level\": 0.5}");
        try (Sa3Pipeline p = TinySa3Model.load(dir)) {
            assertEquals(new SamplingDefaults("rf-euler", 3, 2.0, 0.0, 1.0, 1.0, 0.5), p.defaults(),
                    "the old name is recorded as the sampler it means for this family");
            float[] byDefault = generate(p, params(null, null, null, null, null));
            assertArrayEquals(generate(p, params("rf-euler", 3, 2.0, null, null)), byDefault);
            assertFalse(Arrays.equals(generate(p, params("pingpong", 8, 1.0, null, null)), byDefault),
                    "the built-in profile would sound different");

            float[][] take = new float[2][44100];
            for (int i = 0; i < take[0].length; i++) {
                take[0][i] = take[1][i] = (float) (0.4 * Math.sin(2 * Math.PI * 330 * i / 44100.0));
            }
            GenerationParams.InitAudio init = new GenerationParams.InitAudio(take, 44100);
            float[] restyled = generate(p, params(null, null, null, init, null));
            assertArrayEquals(generate(p, params(null, null, null, init, 0.5)), restyled,
                    "audio-to-audio starts at the folder's init_noise_level");
            assertFalse(Arrays.equals(generate(p, params(null, null, null, init, 0.8)), restyled));
        }
    }

    @Test
    void eulerStillMeansTheFlowEulerSamplerOnSa3(@TempDir Path tmp) throws Exception {
        try (Sa3Pipeline p = TinySa3Model.load(TinySa3Model.write(tmp.resolve("m")))) {
            assertArrayEquals(generate(p, params("rf-euler", 3, 1.0, null, null)), generate(p, params("euler", 3, 1.0,
                    null, null)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> generate(p, params("k-euler", 3, 1.0, null, null)));
            assertTrue(e.getMessage().contains("does not fit") && e.getMessage().contains("rf-euler"), e.getMessage());
        }
    }

    @Test
    void aFileWithASamplerOfTheOtherKindIsRefusedAtLoadNamingIt(@TempDir Path tmp) throws Exception {
        Path dir = TinySa3Model.write(tmp.resolve("m"));
        String[][] cases = {
                {"{\"sampler\": \"dpmpp-3m-sde\"}", "does not fit"},
                {"{\"sampler\": \"k-euler\"}", "does not fit"},
                {"{\"sampler\": \"ddim\"}", "unknown sampler"},
                {"{\"steps\": 0}", "at least 1"},
                {"{\"cfg\": 3}", "unknown setting 'cfg'"},
        };
        for (String[] c : cases) {
            Files.writeString(dir.resolve(SamplingDefaults.FILE), c[0]);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> TinySa3Model.load(dir).close(), c[0]);
            assertTrue(e.getMessage().contains(SamplingDefaults.FILE) && e.getMessage().contains(c[1]),
                    c[0] + " -> " + e.getMessage());
        }
    }
}
