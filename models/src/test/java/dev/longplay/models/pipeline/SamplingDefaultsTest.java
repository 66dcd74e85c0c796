package dev.longplay.models.pipeline;

import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model folder's sampling_defaults.json replaces the profile's settings that a request leaves out. */
class SamplingDefaultsTest {

    @TempDir
    static Path cache;

    @Test
    void theFoldersSettingsAreWhatARequestWithoutThemGets(@TempDir Path tmp) throws Exception {
        Path dir = ModelFolderCopy.copy(EmbeddedModel.ensure(cache).dir(), tmp.resolve("m"), null);
        Files.writeString(dir.resolve(SamplingDefaults.FILE), "{\"cfg_scale\": 2.5, \"steps\": 3, \"sigma_max\": 80}");
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "m")) {
            // v-objective profile with three settings replaced
            assertEquals(new SamplingDefaults("dpmpp-3m-sde", 3, 2.5, 0.3, 80.0, 1.0, 3.0), p.defaults());
            float[] byDefault = generate(p, null, null, null);
            assertArrayEquals(generate(p, 3, 2.5, 80.0), byDefault);
            assertFalse(java.util.Arrays.equals(generate(p, 3, 7.0, 80.0), byDefault), "guidance 7 differs");
        }
        String withFile = ModelFingerprint.of(ModelFiles.in(dir));
        try (StableAudioPipeline p = StableAudioPipeline.load(EmbeddedModel.ensure(cache), "plain")) {
            assertEquals(SamplingDefaults.forObjective("v"), p.defaults());
            // same config and weights: the defaults file is part of what the clip metadata's model hash names
            assertNotEquals(withFile, p.fingerprint());
        }
        Files.delete(dir.resolve(SamplingDefaults.FILE));
        assertEquals(ModelFingerprint.of(EmbeddedModel.ensure(cache)), ModelFingerprint.of(ModelFiles.in(dir)));
    }

    @Test
    void aBadFileIsRefusedAtLoadNamingIt(@TempDir Path tmp) throws Exception {
        Path dir = ModelFolderCopy.copy(EmbeddedModel.ensure(cache).dir(), tmp.resolve("m"), null);
        String[][] cases = {
                {"{\"cfg\": 3}", "unknown setting 'cfg'"},
                {"{\"sampler\": \"pingpong\"}", "does not fit"},
                {"{\"sampler\": \"ddim\"}", "unknown sampler"},
                {"{\"steps\": 2.5}", "whole number"},
                {"{\"steps\": 0}", "at least 1"},
                {"{\"cfg_scale\": \"high\"}", "must be a number"},
                {"{\"sigma_max\": 0.1}", "sigma_max above sigma_min"},
                {"[1, 2]", "JSON object"},
                {"{cfg_scale: 3", "not readable JSON"},
                {"{\"window_seconds\": \"crop\"}", "'window_seconds' must be"},
        };
        for (String[] c : cases) {
            Files.writeString(dir.resolve(SamplingDefaults.FILE), c[0]);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> StableAudioPipeline.load(ModelFiles.in(dir), "bad").close(), c[0]);
            assertTrue(e.getMessage().contains(SamplingDefaults.FILE) && e.getMessage().contains(c[1]),
                    c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void windowSecondsSaysHowTheWindowsOfALongClipAreConditioned(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        assertEquals(SamplingDefaults.POSITION, SamplingDefaults.forModel("v", dir).windowSeconds(),
                "without a file, windows are told their place as the reference's crops were");
        Files.writeString(dir.resolve(SamplingDefaults.FILE), "{\"window_seconds\": \"window\"}");
        assertEquals(SamplingDefaults.WINDOW, SamplingDefaults.forModel("v", dir).windowSeconds());
        Path shipped = Path.of("..", "trained", "small8k-x256");
        assertEquals(SamplingDefaults.WINDOW, SamplingDefaults.forModel("v", shipped).windowSeconds(),
                "the shipped model only ever saw whole clips starting at 0");
    }

    private static float[] generate(StableAudioPipeline p, Integer steps, Double cfg, Double sigmaMax) {
        GenerationParams params = GenerationParams.builder().prompt("warm pad").negativePrompt("").seconds(0.5)
                .seed(11).steps(steps).cfgScale(cfg).sigmaMax(sigmaMax).build();
        return p.generate(params, GenerationListener.NONE).samples()[0];
    }
}
