package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.audio.SineTake;
import dev.longplay.server.audio.WavReader;
import dev.longplay.server.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code generate --init-noise-level} and its old name {@code --init-noise} set the same setting: on the embedded tiny
 * model, the same take, seed and level under either name give the same clip and the same recorded initNoiseLevel,
 * and another level gives another clip.
 */
class InitNoiseLevelOptionTest {

    @TempDir
    Path dir;

    private ScoreCommandTest.Run generate(Path take, Path out, String option, String level) {
        List<String> a = new ArrayList<>(List.of("generate", "--model", "longplay-tiny-random-v1", "--prompt", "brass",
                "--seconds", "0.5", "--steps", "2", "--seed", "9", "--quiet", "--init", take.toString(),
                "-o", out.toString(), option, level));
        return ScoreCommandTest.run(a.toArray(String[]::new));
    }

    @Test
    void theOldNameIsAnAliasOfTheNewOne() throws Exception {
        Path take = SineTake.write(dir.resolve("take.wav"), 0.5);
        ScoreCommandTest.Run named = generate(take, dir.resolve("new.wav"), "--init-noise-level", "1.5");
        assertEquals(0, named.code(), named.err());
        ScoreCommandTest.Run old = generate(take, dir.resolve("old.wav"), "--init-noise", "1.5");
        assertEquals(0, old.code(), old.err());
        ScoreCommandTest.Run other = generate(take, dir.resolve("other.wav"), "--init-noise-level", "0.5");
        assertEquals(0, other.code(), other.err());

        for (String stem : List.of("new", "old")) {
            JsonNode settings = Json.MAPPER.readTree(dir.resolve(stem + ".json").toFile()).get("settings");
            assertEquals("audio_to_audio", settings.get("mode").asText());
            assertEquals(1.5, settings.get("initNoiseLevel").asDouble(), 0, stem);
        }
        float[][] a = WavReader.read(dir.resolve("new.wav")).samples();
        float[][] b = WavReader.read(dir.resolve("old.wav")).samples();
        for (int c = 0; c < a.length; c++) {
            assertArrayEquals(a[c], b[c], "channel " + c);
        }
        float[][] lower = WavReader.read(dir.resolve("other.wav")).samples();
        assertFalse(java.util.Arrays.equals(a[0], lower[0]), "the level reaches the sampler");
    }
}
