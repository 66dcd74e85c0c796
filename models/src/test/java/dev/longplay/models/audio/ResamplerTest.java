package dev.longplay.models.audio;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {

    private static float[] sine(double freq, int rate, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * freq * i / rate);
        }
        return x;
    }

    /** A sine in band comes out as the same sine at the new rate (checked away from the edges). */
    @ParameterizedTest
    @CsvSource({"48000,44100,1000", "44100,48000,5000", "22050,44100,3000", "96000,44100,15000", "44100,32000,440"})
    void sineSurvivesConversion(int from, int to, double freq) {
        int n = from / 2;
        float[] out = new Resampler(from, to).process(sine(freq, from, n));
        assertEquals((int) Math.ceil((double) n * to / from), out.length);
        float[] expected = sine(freq, to, out.length);
        double maxErr = 0;
        for (int i = 200; i < out.length - 200; i++) {
            maxErr = Math.max(maxErr, Math.abs(out[i] - expected[i]));
        }
        assertTrue(maxErr < 2e-3, "max error " + maxErr);
    }

    /** Content above the new Nyquist frequency is removed, not folded back as aliases. */
    @ParameterizedTest
    @CsvSource({"48000,22050,20000", "96000,44100,30000"})
    void aliasesAreSuppressed(int from, int to, double freq) {
        float[] out = new Resampler(from, to).process(sine(freq, from, from / 2));
        double rms = 0;
        int count = 0;
        for (int i = 200; i < out.length - 200; i++) {
            rms += out[i] * out[i];
            count++;
        }
        rms = Math.sqrt(rms / count);
        assertTrue(rms < 1e-3, "residual rms " + rms);
    }
}
