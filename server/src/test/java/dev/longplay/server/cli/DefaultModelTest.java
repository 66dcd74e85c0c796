package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.pipeline.TrainedModel;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.server.io.Json;
import dev.longplay.server.audio.WavReader;
import dev.longplay.server.jobs.ClipRendererFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without --model every command runs the trained model shipped in the jar under its stable id, unpacked into the
 * model cache with a content check.
 */
class DefaultModelTest {

    /** The repository root, seen from this module's folder (where surefire runs). */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theJarsModelIsUnpackedUnderItsIdAndUnpackedAgainWhereItDiffers() throws Exception {
        ModelFiles files = TrainedModel.ensure(dir);
        assertEquals(dir.resolve(TrainedModel.ID), files.dir());
        for (String f : List.of("model_config.json", "model.safetensors", "sampling_defaults.json",
                "text_encoder/model.safetensors", "tokenizer/tokenizer.json")) {
            assertArrayEquals(Files.readAllBytes(REPO.resolve(DefaultModel.FOLDER).resolve(f)),
                    Files.readAllBytes(files.dir().resolve(f)), f + " is the repository's");
        }
        Path config = files.dir().resolve("model_config.json");
        byte[] original = Files.readAllBytes(config);
        Files.writeString(config, "{\"edited\": true}");
        Files.delete(files.dir().resolve("tokenizer/tokenizer.json"));
        TrainedModel.ensure(dir);
        assertArrayEquals(original, Files.readAllBytes(config), "a changed file is replaced by the jar's");
        assertTrue(Files.isRegularFile(files.dir().resolve("tokenizer/tokenizer.json")), "a missing file is restored");
        try (var left = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(TrainedModel.ID)), left.toList(), "no temporary folder is left behind");
        }
    }

    @Test
    void serveAndWorkerAskForTheTrainedModelWhenNoModelIsNamed() {
        AtomicReference<String> asked = new AtomicReference<>();
        ClipRendererFactory capture = spec -> {
            asked.set(spec);
            throw new ClipRendererFactory.RendererUnavailableException("stop here");
        };
        assertEquals(2, new CommandLine(new ServeCommand(capture)).execute("--data-dir", dir.resolve("d").toString(),
                "--config-dir", dir.resolve("c").toString(), "--port", "0", "--osc-port", "-1"));
        assertEquals(TrainedModel.ID, asked.get());
        asked.set(null);
        new CommandLine(new WorkerCommand(capture)).execute("--nats", "nats://127.0.0.1:1", "--work-dir",
                dir.resolve("w").toString());
        assertEquals(TrainedModel.ID, asked.get());
        asked.set(null);
        assertEquals(2, new CommandLine(new ServeCommand(capture)).execute("--data-dir", dir.resolve("d").toString(),
                "--config-dir", dir.resolve("c").toString(), "--port", "0", "--osc-port", "-1",
                "--model", "longplay-tiny-random-v1"));
        assertEquals("longplay-tiny-random-v1", asked.get(), "the tiny model is still named by its id");
    }

    @Test
    void generateWithoutAModelRunsTheTrainedDefaultAndFitsItsWindow() throws Exception {
        Path out = dir.resolve("loop.wav");
        ScoreCommandTest.Run r = ScoreCommandTest.run("generate", "--prompt", DemoCommand.TRAINED_PROMPT, "--steps", "4",
                "--seed", "3", "--quiet", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        var audio = WavReader.read(out);
        assertEquals(8000, audio.sampleRate(), "the trained default is an 8 kHz model");
        // No --seconds: the default 10 s is longer than the model's 2.048 s window, so the window is asked for.
        assertEquals(16384, audio.frames());
        JsonNode meta = Json.MAPPER.readTree(Files.readString(dir.resolve("loop.json")));
        assertEquals(TrainedModel.ID, meta.get("model").asText());
        assertTrue(r.out().contains("wrote"), r.out());
    }

    @Test
    void generateMakesEightSecondsFromTheTwoSecondModelWindowByWindow() throws Exception {
        Path out = dir.resolve("eight.wav");
        ScoreCommandTest.Run r = ScoreCommandTest.run("generate", "--prompt", "bass line, A minor, 100 BPM, dark, centered",
                "--seconds", "8", "--steps", "4", "--seed", "3", "--quiet", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(8 * 8000, WavReader.read(out).frames(), "exactly 8 s");
        JsonNode longForm = Json.MAPPER.readTree(Files.readString(dir.resolve("eight.json"))).get("renderer").get("longForm");
        assertEquals(5, longForm.get("windows").asInt(), longForm.toString()); // 2.048 s, then 1.536 s each
        assertEquals(4, longForm.get("joinsSeconds").size());
    }
}
