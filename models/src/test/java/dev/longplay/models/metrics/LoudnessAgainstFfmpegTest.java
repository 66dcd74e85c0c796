package dev.longplay.models.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Loudness and true peak against an independent implementation: ffmpeg's ebur128 filter (Debian's ffmpeg, which CI
 * installs), on files these tests write, plus the analytic cases BS.1770 itself gives.
 */
class LoudnessAgainstFfmpegTest {

    @TempDir
    Path dir;

    /** BS.1770: a 0 dBFS 997 Hz sine in one channel reads −3.01 LUFS (the −0.691 offset cancels K-weighting there). */
    @Test
    void fullScale997HzSineInOneChannelIsMinus3Lufs() {
        float[][] x = {sine(48_000, 10, 997, 1.0, 0)};
        assertEquals(-3.01, LoudnessMeter.measure(x, 48_000).integratedLufs(), 0.02);
        float[][] y = {sine(44_100, 10, 997, 1.0, 0)};
        assertEquals(-3.01, LoudnessMeter.measure(y, 44_100).integratedLufs(), 0.03, "the filters are designed for the rate");
    }

    /** A sine at a quarter of the rate, 45° off its samples: every sample is ±0.707 A, the waveform peaks at A. */
    @Test
    void truePeakSeesBetweenTheSamples() {
        float[][] x = {sine(48_000, 2, 12_000, 0.5, Math.PI / 4)};
        assertEquals(TruePeakMeter.db(0.5 * Math.sqrt(0.5)), TruePeakMeter.db(TruePeakMeter.samplePeak(x)), 0.01);
        assertEquals(TruePeakMeter.db(0.5), TruePeakMeter.db(TruePeakMeter.truePeak(x, 48_000)), 0.15);
    }

    @Test
    void silenceHasNoLoudnessAndMonoNoStereoPicture() {
        ClipMeasures m = ClipMeasures.of(new float[][]{new float[48_000]}, 48_000);
        assertNull(m.integratedLufs());
        assertNull(m.stereo().correlation());
        StereoMeasures outOfPhase = StereoMeasures.of(new float[][]{sine(8000, 1, 100, 0.5, 0), sine(8000, 1, 100, -0.5, 0)});
        assertEquals(-1, outOfPhase.correlation(), 1e-9);
        StereoMeasures leftHeavy = StereoMeasures.of(new float[][]{sine(8000, 1, 100, 0.5, 0), sine(8000, 1, 100, 0.25, 0)});
        assertEquals(20 * Math.log10(2), leftHeavy.balanceDb(), 1e-6);
        assertEquals(10 * Math.log10((0.125 * 0.125) / (0.375 * 0.375)), leftHeavy.sideToMidDb(), 1e-6);
    }

    @Test
    void agreesWithFfmpegWithinATenthOfALu() throws Exception {
        assumeTrue(onPath("ffmpeg"), "ffmpeg is not installed (apt-get install ffmpeg)");
        Random rnd = new Random(7);
        check("sine-48k-mono", new float[][]{sine(48_000, 8, 997, 0.25, 0)}, 48_000);
        check("sines-44k-stereo", new float[][]{add(sine(44_100, 8, 440, 0.1, 0), sine(44_100, 8, 100, 0.3, 1)),
                sine(44_100, 8, 3000, 0.2, 0.5)}, 44_100);
        check("noise-48k-stereo", new float[][]{pinkish(48_000, 10, 0.3, rnd), pinkish(48_000, 10, 0.1, rnd)}, 48_000);
        check("noise-quiet-22k", new float[][]{pinkish(22_050, 10, 0.01, rnd), pinkish(22_050, 10, 0.01, rnd)}, 22_050);
        // Loud, silent, then 30 dB quieter: the absolute gate drops the silence, the relative gate the quiet part.
        float[] l = concat(sine(48_000, 3, 500, 0.5, 0), new float[48_000 * 3], sine(48_000, 3, 500, 0.5 / 31.6, 0));
        check("gated-48k-stereo", new float[][]{l, l.clone()}, 48_000, false);
        check("steps-48k", new float[][]{concat(sine(48_000, 6, 1000, 0.02, 0), sine(48_000, 6, 1000, 0.2, 0),
                sine(48_000, 6, 1000, 0.06, 0))}, 48_000);
    }

    private void check(String name, float[][] audio, int rate) throws Exception {
        check(name, audio, rate, true);
    }

    /**
     * @param compareRange whether to hold the loudness range to ffmpeg's: ffmpeg also counts the short-term windows
     *                     still filling at the start, which moves the range of a file with silences by about a LU
     */
    private void check(String name, float[][] audio, int rate, boolean compareRange) throws Exception {
        Path wav = dir.resolve(name + ".wav");
        writeFloatWav(wav, audio, rate);
        Process p = new ProcessBuilder("ffmpeg", "-nostats", "-hide_banner", "-i", wav.toString(), "-filter_complex",
                "ebur128=peak=true", "-f", "null", "-").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        String summary = out.substring(out.lastIndexOf("Summary:"));
        double refI = number(summary, "I:\\s+(-?[0-9.]+) LUFS");
        double refLra = number(summary, "LRA:\\s+(-?[0-9.]+) LU");
        double refPeak = number(summary, "Peak:\\s+(-?[0-9.]+) dBFS");
        ClipMeasures m = ClipMeasures.of(audio, rate);
        assertNotNull(m.integratedLufs());
        // ffmpeg prints one decimal: allow its rounding on top of the 0.1 LU the issue asks for.
        assertEquals(refI, m.integratedLufs(), 0.1 + 0.05, name + ": integrated loudness vs ffmpeg");
        if (compareRange) {
            assertEquals(refLra, m.loudnessRangeLu(), 0.5, name + ": loudness range vs ffmpeg");
        }
        assertEquals(refPeak, m.truePeakDbtp(), 0.2 + 0.05, name + ": true peak vs ffmpeg");
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex + " in ffmpeg's summary:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    static float[] sine(int rate, double seconds, double hz, double amplitude, double phase) {
        float[] x = new float[(int) (rate * seconds)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate + phase));
        }
        return x;
    }

    /** White noise through a leaky integrator and a high-pass: energy falling with frequency, like music. */
    static float[] pinkish(int rate, double seconds, double amplitude, Random rnd) {
        float[] x = new float[(int) (rate * seconds)];
        double lp = 0, prev = 0;
        for (int i = 0; i < x.length; i++) {
            lp = 0.97 * lp + 0.03 * rnd.nextGaussian();
            double hp = lp - prev * 0.995;
            prev = lp;
            x[i] = (float) Math.max(-1, Math.min(1, amplitude * 6 * hp));
        }
        return x;
    }

    static float[] add(float[] a, float[] b) {
        float[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += b[i];
        }
        return out;
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static void writeFloatWav(Path file, float[][] audio, int rate) throws IOException {
        int channels = audio.length;
        int frames = audio[0].length;
        ByteBuffer b = ByteBuffer.allocate(44 + frames * channels * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + frames * channels * 4).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 3).putShort((short) channels)
                .putInt(rate).putInt(rate * channels * 4).putShort((short) (channels * 4)).putShort((short) 32);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(frames * channels * 4);
        for (int i = 0; i < frames; i++) {
            for (float[] ch : audio) {
                b.putFloat(ch[i]);
            }
        }
        Files.write(file, b.array());
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
