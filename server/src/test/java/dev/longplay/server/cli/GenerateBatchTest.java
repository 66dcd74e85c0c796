package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code generate --count N --clap DIR --keep all|best} on the embedded tiny model: ranked by CLAP score. */
class GenerateBatchTest {

    @TempDir
    Path dir;

    private String[] args(String keep, Path out) {
        return new String[]{"generate", "--model", "longplay-tiny-random-v1", "--prompt", "a soft pad", "--seconds", "1", "--steps", "2", "--seed", "40",
                "--count", "3", "--quiet", "--clap", ScoreCommandTest.CLAP.toString(), "--keep", keep, "-o", out.toString()};
    }

    @Test
    void keepsAllRankedOrOnlyTheBest() throws Exception {
        ScoreCommandTest.Run all = ScoreCommandTest.run(args("all", dir.resolve("all/take.wav")));
        assertEquals(0, all.code(), all.err());
        double bestScore = Double.NEGATIVE_INFINITY;
        long bestSeed = -1;
        int ranksSeen = 0;
        for (int i = 1; i <= 3; i++) {
            JsonNode meta = Json.MAPPER.readTree(dir.resolve("all/take-" + i + ".json").toFile());
            JsonNode scores = meta.get("scores");
            assertEquals(3, scores.get("candidates").asInt());
            assertEquals(40 + i - 1, meta.get("seed").asLong(), "file i holds seed 40 + i - 1");
            ranksSeen |= 1 << scores.get("rank").asInt();
            if (scores.get("clap").asDouble() > bestScore) {
                bestScore = scores.get("clap").asDouble();
                bestSeed = meta.get("seed").asLong();
            }
        }
        assertEquals(0b1110, ranksSeen, "ranks 1, 2 and 3, once each");

        ScoreCommandTest.Run best = ScoreCommandTest.run(args("best", dir.resolve("best/take.wav")));
        assertEquals(0, best.code(), best.err());
        try (var files = Files.list(dir.resolve("best"))) {
            assertEquals(2, files.count(), "one WAV and its sidecar");
        }
        JsonNode meta = Json.MAPPER.readTree(dir.resolve("best/take.json").toFile());
        assertEquals(bestSeed, meta.get("seed").asLong(), "the same seeds rank the same way");
        assertEquals(bestScore, meta.get("scores").get("clap").asDouble(), 1e-9);
        assertEquals(1, meta.get("scores").get("rank").asInt());
    }

    @Test
    void bestNeedsAScorer() {
        ScoreCommandTest.Run r = ScoreCommandTest.run("generate", "--prompt", "x", "--count", "2", "--keep", "best",
                "-o", dir.resolve("x.wav").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--clap"), r.err());
        assertFalse(Files.exists(dir.resolve("x.wav")));
    }
}
