package dev.longplay.server.cli;

import dev.longplay.server.audio.AudioTools;
import dev.longplay.server.audio.AudioFileReader;
import dev.longplay.server.audio.DecodedAudio;
import dev.longplay.server.clips.WavWriter;
import dev.longplay.server.clips.OutputFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code generate --init take.flac|aiff|mp3|ogg} on the embedded tiny model: a take in any of these formats is
 * style-transfer input. The lossless ones must give the very clip the same take as WAV gives (same seed, same
 * samples); the lossy ones the clip their decoded samples give as a float WAV. And
 * {@code --format flac} writes a FLAC that ffmpeg decodes to the samples of the 24-bit WAV of the same request.
 */
class GenerateFromAudioFilesTest {

    @TempDir
    static Path dir;
    static Path take;

    @BeforeAll
    static void makeTake() throws Exception {
        assumeTrue(AudioTools.installed("sox") && AudioTools.installed("ffmpeg"), "sox and ffmpeg are not installed");
        take = dir.resolve("take.wav");
        AudioTools.run("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", take.toString(), "synth", "1", "sine", "220",
                "sine", "330", "gain", "-6");
    }

    private static String[] generate(Path init, Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("generate", "--model", "longplay-tiny-random-v1",
                "--prompt", "warm strings", "--seconds", "1", "--steps", "2", "--seed", "7", "--quiet",
                "--init", init.toString(), "-o", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static float[][] wav(Path file) throws IOException {
        return dev.longplay.server.audio.WavReader.read(file).samples();
    }

    @Test
    void losslessTakesGiveTheClipTheirWavGives() throws Exception {
        Path flac = dir.resolve("take.flac");
        Path aiff = dir.resolve("take.aiff");
        AudioTools.run("sox", take.toString(), flac.toString());
        AudioTools.run("sox", take.toString(), aiff.toString());
        ScoreCommandTest.Run fromWav = ScoreCommandTest.run(generate(take, dir.resolve("from-wav.wav")));
        assertEquals(0, fromWav.code(), fromWav.err());
        float[][] reference = wav(dir.resolve("from-wav.wav"));
        for (Path in : List.of(flac, aiff)) {
            Path out = dir.resolve("from-" + in.getFileName() + ".wav");
            ScoreCommandTest.Run r = ScoreCommandTest.run(generate(in, out));
            assertEquals(0, r.code(), in + ": " + r.err());
            float[][] got = wav(out);
            for (int c = 0; c < reference.length; c++) {
                assertArrayEquals(reference[c], got[c], in + " channel " + c);
            }
        }
        // And the input matters: another take gives another clip.
        Path other = dir.resolve("other.flac");
        AudioTools.run("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", other.toString(), "synth", "1", "square", "90", "gain", "-6");
        ScoreCommandTest.Run r = ScoreCommandTest.run(generate(other, dir.resolve("from-other.wav")));
        assertEquals(0, r.code(), r.err());
        assertFalse(Arrays.equals(reference[0], wav(dir.resolve("from-other.wav"))[0]), "a different take changes the clip");
    }

    @Test
    void lossyTakesGiveTheClipOfTheirDecodedSamples() throws Exception {
        for (String ext : List.of("mp3", "ogg")) {
            Path lossy = dir.resolve("take." + ext);
            AudioTools.run("sox", take.toString(), lossy.toString());
            // The decode itself is checked against reference decoders in AudioFileReaderTest; here, that the CLI
            // feeds exactly those samples to the model: the same samples as a float WAV give the very same clip.
            DecodedAudio decoded = AudioFileReader.read(lossy);
            Path asWav = dir.resolve("decoded-" + ext + ".wav");
            try (var o = Files.newOutputStream(asWav)) {
                WavWriter.write(o, decoded.samples(), decoded.sampleRate(), OutputFormat.WAV_FLOAT32);
            }
            ScoreCommandTest.Run viaWav = ScoreCommandTest.run(generate(asWav, dir.resolve("ref-" + ext + ".wav")));
            assertEquals(0, viaWav.code(), viaWav.err());
            ScoreCommandTest.Run direct = ScoreCommandTest.run(generate(lossy, dir.resolve("got-" + ext + ".wav")));
            assertEquals(0, direct.code(), ext + ": " + direct.err());
            float[][] ref = wav(dir.resolve("ref-" + ext + ".wav"));
            float[][] got = wav(dir.resolve("got-" + ext + ".wav"));
            for (int c = 0; c < ref.length; c++) {
                assertArrayEquals(ref[c], got[c], ext + " channel " + c);
            }
        }
    }

    @Test
    void flacTakesAreInpaintAndContinueSources() throws Exception {
        Path flac = dir.resolve("source.flac");
        AudioTools.run("sox", take.toString(), flac.toString());
        // without --seconds, inpainting keeps the take's length, read from the FLAC
        List<String> inpaint = new java.util.ArrayList<>(List.of(generate(flac, dir.resolve("inpainted.wav"))));
        int at = inpaint.indexOf("--seconds");
        inpaint.remove(at + 1);
        inpaint.remove(at);
        inpaint.addAll(List.of("--inpaint", "0.25:0.5"));
        ScoreCommandTest.Run r = ScoreCommandTest.run(inpaint.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(44100, wav(dir.resolve("inpainted.wav"))[0].length);
        ScoreCommandTest.Run c = ScoreCommandTest.run(generate(flac, dir.resolve("continued.wav"), "--continue"));
        assertEquals(0, c.code(), c.err());
        float[][] continued = wav(dir.resolve("continued.wav"));
        assertEquals(2 * 44100, continued[0].length, "the take's second and one more");
    }

    @Test
    void aDamagedTakeIsACleanError() throws Exception {
        Path bad = dir.resolve("bad.flac");
        byte[] good = Files.readAllBytes(take);
        Path flac = dir.resolve("for-bad.flac");
        AudioTools.run("sox", take.toString(), flac.toString());
        byte[] f = Files.readAllBytes(flac);
        Files.write(bad, Arrays.copyOf(f, f.length / 2));
        java.io.PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ScoreCommandTest.Run r;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            r = ScoreCommandTest.run(generate(bad, dir.resolve("never.wav")));
        } finally {
            System.setErr(stderr);
        }
        String said = r.err() + err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(r.code() != 0, "a cut-off take fails");
        assertTrue(said.contains("bad.flac") && said.contains("truncated"), said);
        assertFalse(Files.exists(dir.resolve("never.wav")));
        assertTrue(good.length > 0);
    }

    @Test
    void formatFlacWritesTheSamplesOfThe24BitWav() throws Exception {
        ScoreCommandTest.Run wav = ScoreCommandTest.run(generate(take, dir.resolve("clip24.wav"), "--format", "24"));
        assertEquals(0, wav.code(), wav.err() + wav.out());
        ScoreCommandTest.Run flac = ScoreCommandTest.run(generate(take, dir.resolve("clip.flac"), "--format", "flac"));
        assertEquals(0, flac.code(), flac.err());
        byte[] head = Arrays.copyOf(Files.readAllBytes(dir.resolve("clip.flac")), 4);
        assertEquals("fLaC", new String(head, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Files.readString(dir.resolve("clip.json")).contains("\"flac24\""), "the sidecar names the format");
        // ffmpeg, not our reader, decodes the FLAC; its samples are the WAV's, bit for bit.
        float[][] expected = wav(dir.resolve("clip24.wav"));
        float[][] got = AudioTools.ffmpegDecode(dir.resolve("clip.flac"), expected.length);
        for (int c = 0; c < expected.length; c++) {
            assertArrayEquals(expected[c], got[c], "channel " + c);
        }
        String probe = new String(AudioTools.run("ffprobe", "-v", "error", "-show_entries", "stream=duration_ts,bits_per_raw_sample",
                "-of", "csv=p=0", dir.resolve("clip.flac").toString())).trim();
        assertEquals(expected[0].length + ",24", probe, "STREAMINFO gives the sample size and the length");

        ScoreCommandTest.Run wrong = ScoreCommandTest.run(generate(take, dir.resolve("clip.wav"), "--format", "flac"));
        assertTrue(wrong.code() != 0 && wrong.err().contains(".flac"), wrong.err());
    }
}
