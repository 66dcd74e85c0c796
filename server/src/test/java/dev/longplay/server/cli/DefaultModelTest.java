package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.io.Json;
import dev.longplay.server.audio.WavReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without --model, generate runs the trained model shipped in the repository, found from the install's root. */
class DefaultModelTest {

    /** The repository root, seen from this module's folder (where surefire runs). */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theTrainedFolderIsFoundUnderTheInstallRootAndOnlyWhenItHoldsAModel() throws Exception {
        assertEquals(REPO.resolve(DefaultModel.FOLDER).toString(), DefaultModel.spec(REPO.toString()));
        Path home = dir.resolve("home");
        Path folder = home.resolve(DefaultModel.FOLDER);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("model_config.json"), "{}");
        assertNull(DefaultModel.spec(home.toString()), "a folder without weights is not a model");
        Files.writeString(folder.resolve("model.safetensors"), "");
        assertEquals(folder.toString(), DefaultModel.spec(home.toString()));
    }

    @Test
    void generateWithoutAModelRunsTheTrainedDefaultAndFitsItsWindow() throws Exception {
        Path out = dir.resolve("loop.wav");
        String before = System.getProperty("longplay.home");
        System.setProperty("longplay.home", REPO.toString());
        ScoreCommandTest.Run r;
        try {
            r = ScoreCommandTest.run("generate", "--prompt", DemoCommand.TRAINED_PROMPT, "--steps", "4", "--seed", "3",
                    "--quiet", "-o", out.toString());
        } finally {
            if (before == null) {
                System.clearProperty("longplay.home");
            } else {
                System.setProperty("longplay.home", before);
            }
        }
        assertEquals(0, r.code(), r.err());
        var audio = WavReader.read(out);
        assertEquals(8000, audio.sampleRate(), "the trained default is an 8 kHz model");
        // No --seconds: the default 10 s is longer than the model's 2.048 s window, so the window is asked for.
        assertEquals(16384, audio.frames());
        JsonNode meta = Json.MAPPER.readTree(Files.readString(dir.resolve("loop.json")));
        assertEquals(REPO.resolve(DefaultModel.FOLDER).toString(), meta.get("model").asText());
        assertTrue(r.out().contains("wrote"), r.out());
    }
}
