package dev.longplay.server.cli;

import dev.longplay.models.dataset.PromptVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --vocabulary} starts a run in the chosen wording; {@code eval} prints the held-out wording sets. */
class WordingCommandsTest {

    static final Path MICRO = Path.of(System.getenv().getOrDefault("LONGPLAY_PROJECT_DIR", "..")).toAbsolutePath()
            .resolve("models/src/test/resources/training/micro_model_config.json");

    @TempDir
    Path tmp;

    @Test
    void aV2RunKeepsItsWordingAndEvalReportsTheHeldOutSetsWithIntervals() {
        Path run = tmp.resolve("v2");
        ScoreCommandTest.Run started = ScoreCommandTest.run("train", "--dir", run.toString(), "--config",
                MICRO.toString(), "--vocabulary", "v2", "--autoencoder-steps", "0", "--diffusion-steps", "0");
        assertEquals(0, started.code(), started.err());
        assertEquals(PromptVocabulary.V2, PromptVocabulary.of(run));

        ScoreCommandTest.Run again = ScoreCommandTest.run("train", "--dir", run.toString(), "--vocabulary", "v1");
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("--vocabulary starts a new run"), again.err());

        ScoreCommandTest.Run eval = ScoreCommandTest.run("eval", "--model", run.toString(), "--source", "synthesised",
                "--prompts", "2", "--wording-prompts", "3", "--seconds", "0.5");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("held-out tempos (73, 83, ... 173 BPM) within 2 BPM: "), eval.out());
        assertTrue(eval.out().matches("(?s).*trained wording: .*placement 1\\.00 \\(0\\.\\d\\d–1\\.00, n 3\\).*"),
                eval.out());
        assertTrue(eval.out().matches("(?s).*held-out wording: .*placement 1\\.00 \\(0\\.\\d\\d–1\\.00, n 3\\).*"),
                eval.out());
    }

    @Test
    void anUnknownVocabularyIsAClearError() {
        ScoreCommandTest.Run r = ScoreCommandTest.run("train", "--dir", tmp.resolve("x").toString(), "--config",
                MICRO.toString(), "--vocabulary", "v3");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("unknown prompt vocabulary 'v3': v1 or v2"), r.err());
    }
}
