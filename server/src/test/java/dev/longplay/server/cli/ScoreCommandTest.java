package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.metrics.LoudnessMeter;
import dev.longplay.server.io.Json;
import dev.longplay.server.clips.WavWriter;
import dev.longplay.server.clips.OutputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code longplay score}: its JSON for WAV files, the CLAP score against a clip's own prompt, and its errors. */
class ScoreCommandTest {

    static final Path CLAP = Path.of(System.getenv().getOrDefault("LONGPLAY_PROJECT_DIR", "..")).toAbsolutePath().resolve("models/src/test/resources/golden/clap_audio_score/clap");

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = LongplayCli.commandLine(new LongplayCli());
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    private Path clip(String name, float[][] audio, String prompt) throws Exception {
        Path wav = dir.resolve(name + ".wav");
        try (var o = Files.newOutputStream(wav)) {
            WavWriter.write(o, audio, 48_000, OutputFormat.WAV_FLOAT32);
        }
        if (prompt != null) {
            Files.writeString(dir.resolve(name + ".json"), "{\"prompt\":\"" + prompt + "\",\"seed\":1}");
        }
        return wav;
    }

    static float[][] tone(double amplitude, double seconds) {
        float[] l = new float[(int) (48_000 * seconds)];
        float[] r = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) (amplitude * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
            r[i] = l[i] * 0.5f;
        }
        return new float[][]{l, r};
    }

    @Test
    void printsMeasuresAsJson() throws Exception {
        float[][] a = tone(0.5, 3);
        Path wav = clip("a", a, null);
        Run r = run("score", wav.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out()).get(0);
        assertEquals(wav.toString(), j.get("file").asText());
        assertEquals(48_000, j.get("sampleRate").asInt());
        assertEquals(3.0, j.get("seconds").asDouble(), 1e-9);
        assertEquals(LoudnessMeter.measure(a, 48_000).integratedLufs(), j.get("integratedLufs").asDouble(), 1e-9);
        assertEquals(20 * Math.log10(0.5), j.get("samplePeakDbfs").asDouble(), 0.01);
        assertEquals(1.0, j.get("stereo").get("correlation").asDouble(), 1e-6);
        assertEquals(20 * Math.log10(2), j.get("stereo").get("balanceDb").asDouble(), 1e-3);
        assertTrue(j.get("clap") == null, "no CLAP score without --clap");
    }

    @Test
    void clapScoresEachClipAgainstItsOwnPromptOrTheGivenOne() throws Exception {
        Path a = clip("a", tone(0.3, 2), "a warm sine tone");
        Path b = clip("b", tone(0.3, 2), null);
        Run own = run("score", "--clap", CLAP.toString(), a.toString());
        assertEquals(0, own.code(), own.err());
        JsonNode c = Json.MAPPER.readTree(own.out()).get(0).get("clap");
        assertEquals("a warm sine tone", c.get("prompt").asText());
        double s = c.get("score").asDouble();
        assertTrue(s >= -1 && s <= 1, "a cosine similarity: " + s);

        Run noPrompt = run("score", "--clap", CLAP.toString(), b.toString());
        assertEquals(2, noPrompt.code());
        assertTrue(noPrompt.err().contains("no prompt"), noPrompt.err());

        Run given = run("score", "--clap", CLAP.toString(), "--prompt", "a warm sine tone", b.toString());
        assertEquals(0, given.code(), given.err());
        assertEquals(s, Json.MAPPER.readTree(given.out()).get(0).get("clap").get("score").asDouble(), 1e-6,
                "same audio, same prompt: same score");
    }

    @Test
    void badFilesAreNamed() throws Exception {
        Files.writeString(dir.resolve("x.wav"), "not audio");
        Run r = run("score", dir.resolve("x.wav").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("x.wav") && r.err().contains("not a readable WAV"), r.err());
        Run missing = run("score", dir.resolve("nope.wav").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        Run badClap = run("score", "--clap", dir.resolve("noclap").toString(), dir.resolve("x.wav").toString());
        assertTrue(badClap.err().contains("--clap"), badClap.err());
    }
}
