package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train}: a new run takes the recipe its options give, the same command on the run's folder continues it
 * with the new step totals and log-sigma share it names, and {@code --init-from} starts a fine-tune.
 */
class TrainCommandTest {

    @TempDir
    Path tmp;

    @Test
    void aNewRunTakesItsOptionsAndTheSameCommandContinuesItWithNewTotals() throws IOException {
        Path run = tmp.resolve("run");
        ScoreCommandTest.Run started = ScoreCommandTest.run("train", "--dir", run.toString(), "--config",
                WordingCommandsTest.MICRO.toString(), "--autoencoder-steps", "1", "--diffusion-steps", "0",
                "--batch", "1", "--clip-seconds", "0.256", "--fft-sizes", "64,32", "--checkpoint-every", "5",
                "--learning-rate", "2e-4", "--log-sigma-share", "0.25");
        assertEquals(0, started.code(), started.err());
        JsonNode progress = progress(run);
        assertEquals(1, progress.path("autoencoderStep").asLong());
        JsonNode recipe = progress.path("recipe");
        assertEquals(1, recipe.path("batchSize").asInt());
        assertEquals(0.256, recipe.path("clipSeconds").asDouble());
        assertEquals("[64,32]", recipe.path("fftSizes").toString());
        assertEquals(5, recipe.path("checkpointEvery").asInt());
        assertEquals(2e-4, recipe.path("peakLr").asDouble());
        assertEquals(0.25, recipe.path("logSigmaShare").asDouble());
        assertTrue(recipe.path("shortClipShare").isNull(), "a new model trains the short-clip stage");
        assertEquals(0, recipe.path("diffusionSteps").asLong());

        ScoreCommandTest.Run resumed = ScoreCommandTest.run("train", "--dir", run.toString(),
                "--autoencoder-steps", "2", "--log-sigma-share", "0.5");
        assertEquals(0, resumed.code(), resumed.err());
        progress = progress(run);
        assertEquals(2, progress.path("autoencoderStep").asLong());
        recipe = progress.path("recipe");
        assertEquals(2, recipe.path("autoencoderSteps").asLong());
        assertEquals(0, recipe.path("diffusionSteps").asLong(), "a total not named stays as saved");
        assertEquals(0.5, recipe.path("logSigmaShare").asDouble());
        assertEquals(1, recipe.path("batchSize").asInt(), "the rest of the recipe stays as saved");
        assertEquals(2e-4, recipe.path("peakLr").asDouble());

        ScoreCommandTest.Run other = ScoreCommandTest.run("train", "--dir", run.toString(), "--init-from",
                tmp.resolve("any").toString());
        assertNotEquals(0, other.code());
        assertTrue(other.err().contains("--init-from starts a new run"), other.err());
    }

    @Test
    void initFromStartsAFineTuneOfTheModelFolderAndRefusesWhatANewModelTakes() throws IOException {
        Path source = tmp.resolve("source");
        ScoreCommandTest.Run made = ScoreCommandTest.run("train", "--dir", source.toString(), "--config",
                WordingCommandsTest.MICRO.toString(), "--autoencoder-steps", "0", "--diffusion-steps", "0");
        assertEquals(0, made.code(), made.err());

        Path tuned = tmp.resolve("tuned");
        ScoreCommandTest.Run withConfig = ScoreCommandTest.run("train", "--dir", tuned.toString(), "--init-from",
                source.toString(), "--config", WordingCommandsTest.MICRO.toString());
        assertNotEquals(0, withConfig.code());
        assertTrue(withConfig.err().contains("leave out --config"), withConfig.err());
        assertFalse(Files.exists(tuned), "nothing is written for a refused run");

        ScoreCommandTest.Run fineTune = ScoreCommandTest.run("train", "--dir", tuned.toString(), "--init-from",
                source.toString(), "--diffusion-steps", "0");
        assertEquals(0, fineTune.code(), fineTune.err());
        JsonNode recipe = progress(tuned).path("recipe");
        assertEquals(0, recipe.path("autoencoderSteps").asLong(), "a fine-tune keeps its autoencoder by default");
        assertEquals(0.0, recipe.path("shortClipShare").asDouble(), "its diffusion model had the short-clip stage");
        for (String f : new String[] {"tokenizer/tokenizer.json", "text_encoder/config.json",
                "text_encoder/model.safetensors"}) {
            assertEquals(-1L, Files.mismatch(source.resolve(f), tuned.resolve(f)), "the source's " + f);
        }
    }

    @Test
    void initFromWithAVocabularyMovesTheModelOntoTheNewTokenizer() throws IOException {
        Path source = tmp.resolve("source");
        assertEquals(0, ScoreCommandTest.run("train", "--dir", source.toString(), "--config",
                WordingCommandsTest.MICRO.toString(), "--autoencoder-steps", "0", "--diffusion-steps", "0").code());
        Path tuned = tmp.resolve("tuned");
        ScoreCommandTest.Run run = ScoreCommandTest.run("train", "--dir", tuned.toString(), "--init-from",
                source.toString(), "--vocabulary", "v2", "--diffusion-steps", "0");
        assertEquals(0, run.code(), run.err());
        assertEquals(dev.longplay.models.dataset.PromptVocabulary.V2,
                dev.longplay.models.dataset.PromptVocabulary.of(tuned));
        assertEquals(-1L, Files.mismatch(source.resolve("text_encoder/config.json"),
                tuned.resolve("text_encoder/config.json")));
        assertNotEquals(-1L, Files.mismatch(source.resolve("text_encoder/model.safetensors"),
                tuned.resolve("text_encoder/model.safetensors")), "the embedding rows moved with their words");
        Path timed = tmp.resolve("timed");
        ScoreCommandTest.Run withTempo = ScoreCommandTest.run("train", "--dir", timed.toString(), "--init-from",
                source.toString(), "--vocabulary", "v2", "--tempo-conditioner", "--diffusion-steps", "0");
        assertEquals(0, withTempo.code(), withTempo.err());
        assertTrue(Files.readString(timed.resolve("model_config.json")).contains("\"bpm\""),
                "the model conditions on the tempo");
        ScoreCommandTest.Run again = ScoreCommandTest.run("train", "--dir", timed.toString(), "--tempo-conditioner");
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("--tempo-conditioner starts a new run"), again.err());
        ScoreCommandTest.Run unknown = ScoreCommandTest.run("train", "--dir", tmp.resolve("other").toString(),
                "--init-from", source.toString(), "--vocabulary", "v9");
        assertNotEquals(0, unknown.code());
        assertTrue(unknown.err().contains("v1 or v2"), unknown.err());
        assertFalse(Files.exists(tmp.resolve("other")), "nothing is written for a refused run");
    }

    private static JsonNode progress(Path run) throws IOException {
        return new ObjectMapper().readTree(run.resolve("training/progress.json").toFile());
    }
}
