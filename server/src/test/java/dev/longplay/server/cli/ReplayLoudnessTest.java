package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.metrics.ClipMeasures;
import dev.longplay.server.audio.WavReader;
import dev.longplay.server.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code generate --from} a sidecar whose settings carry a loudness target (as a server clip made with a loudness
 * preset does) levels the new clip to that target as the server did, and its own sidecar records the target and gain.
 */
class ReplayLoudnessTest {

    @TempDir
    Path dir;

    @Test
    void aReplayedClipMeetsItsSidecarsLoudnessTarget() throws Exception {
        Path first = dir.resolve("first.wav");
        ScoreCommandTest.Run made = ScoreCommandTest.run("generate", "--model", "longplay-tiny-random-v1",
                "--prompt", "warm pad", "--seconds", "1.5", "--steps", "2", "--seed", "5", "--quiet",
                "-o", first.toString());
        assertEquals(0, made.code(), made.err());
        double unlevelled = measure(first).integratedLufs();
        JsonNode sidecar = Json.MAPPER.readTree(dir.resolve("first.json").toFile());
        assertFalse(sidecar.hasNonNull("loudnessTarget"), "no target asked, none applied");

        double target = Math.round(unlevelled) - 6;  // reachable below any true-peak ceiling the clip has
        ((ObjectNode) sidecar.get("settings")).set("loudness",
                Json.MAPPER.readTree("{\"targetLufs\": " + target + ", \"truePeakCeilingDb\": -1}"));
        Path edited = dir.resolve("server-clip.json");
        Json.MAPPER.writeValue(edited.toFile(), sidecar);

        Path again = dir.resolve("again.wav");
        ScoreCommandTest.Run replay = ScoreCommandTest.run("generate", "--model", "longplay-tiny-random-v1",
                "--from", edited.toString(), "--quiet", "-o", again.toString());
        assertEquals(0, replay.code(), replay.err());
        assertEquals(target, measure(again).integratedLufs(), 0.1, "the replay meets the sidecar's target");
        JsonNode replayed = Json.MAPPER.readTree(dir.resolve("again.json").toFile());
        assertEquals(target, replayed.get("loudnessTarget").get("targetLufs").asDouble(), 0.0);
        assertTrue(replayed.get("loudnessTarget").get("gainDb").asDouble() < 0, replayed.toString());
        assertEquals(sidecar.get("settings").get("seed"), replayed.get("settings").get("seed"), "the same clip, levelled");
    }

    private static ClipMeasures measure(Path wav) throws Exception {
        WavReader.Audio a = WavReader.read(wav);
        return ClipMeasures.of(a.samples(), a.sampleRate());
    }
}
