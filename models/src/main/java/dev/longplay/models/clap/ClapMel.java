package dev.longplay.models.clap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.audio.Fft;
import dev.longplay.models.weights.CheckpointException;

import java.util.ArrayList;
import java.util.List;

/**
 * CLAP's log-mel front end as Hugging Face's ClapFeatureExtractor computes it ({@code preprocessor_config.json},
 * the library's defaults where keys are absent): mono audio at the model's rate, shorter clips padded to the
 * window ({@code repeatpad}: whole repeats then silence; {@code repeat}; {@code pad}), reflect-padded by half a
 * frame at both ends, periodic Hann window, power spectrum, triangular mel filters (slaney scale and area
 * normalisation, or HTK with no normalisation when {@code truncation} is "fusion"), 10·log10(max(mel, 1e-10)).
 * Computed in double precision.
 *
 * <p>Clips longer than the window: the reference crops one random window ({@code rand_trunc}); Longplay
 * takes consecutive windows covering the whole clip (see {@link #windows}) so that a score is the same every time.
 */
public final class ClapMel {

    public record Config(int melBins, int sampleRate, int hop, int window, double fMin, double fMax, int maxSamples,
                         String truncation, String padding) {

        public static Config fromJson(JsonNode c, String source) {
            String trunc = c.path("truncation").asText("fusion");
            String pad = c.path("padding").asText("repeatpad");
            if (!List.of("repeatpad", "repeat", "pad").contains(pad)) {
                throw new CheckpointException("unsupported CLAP padding '" + pad + "' in " + source);
            }
            int rate = c.path("sampling_rate").asInt(48000);
            return new Config(c.path("feature_size").asInt(64), rate, c.path("hop_length").asInt(480),
                    c.path("fft_window_size").asInt(1024), c.path("frequency_min").asDouble(0),
                    c.path("frequency_max").asDouble(14000), c.path("max_length_s").asInt(10) * rate, trunc, pad);
        }

        /** Frames per window: 1 + maxSamples / hop (the centred STFT's count). */
        public int frames() {
            return 1 + maxSamples / hop;
        }
    }

    private final Config config;
    private final double[] hann;
    private final double[][] filters;   // [bins][melBins]

    public ClapMel(Config config) {
        if (Integer.bitCount(config.window()) != 1) {
            throw new CheckpointException("CLAP fft_window_size must be a power of two, got " + config.window());
        }
        this.config = config;
        this.hann = new double[config.window()];
        for (int i = 0; i < hann.length; i++) {
            hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / hann.length);
        }
        this.filters = melFilters(config, !config.truncation().equals("fusion"));
    }

    public Config config() {
        return config;
    }

    /**
     * Mono audio at the model's rate -> log-mel windows [frames][melBins]: one padded window for a clip up to
     * max_length_s, else full windows from the start every max_length_s and one more ending at the clip's end
     * (overlapping the one before), so that no window is mostly padding.
     */
    public List<float[][]> windows(float[] mono) {
        int max = config.maxSamples();
        List<float[][]> out = new ArrayList<>();
        if (mono.length <= max) {
            out.add(logMel(padToWindow(mono)));
            return out;
        }
        for (int start = 0; ; start += max) {
            int s = Math.min(start, mono.length - max);
            float[] chunk = new float[max];
            System.arraycopy(mono, s, chunk, 0, max);
            out.add(logMel(padToWindow(chunk)));
            if (s + max >= mono.length) {
                return out;
            }
        }
    }

    // a clip of at most maxSamples, padded as the reference pads short clips
    double[] padToWindow(float[] clip) {
        int max = config.maxSamples();
        double[] out = new double[max];
        if (clip.length == 0) {
            return out;
        }
        int filled = clip.length;
        switch (config.padding()) {
            case "repeatpad" -> filled = (max / clip.length) * clip.length;
            case "repeat" -> filled = max;
            default -> { }
        }
        for (int i = 0; i < filled; i++) {
            out[i] = clip[i % clip.length];
        }
        return out;
    }

    /** The log-mel spectrogram [frames][melBins] of a padded window. */
    float[][] logMel(double[] wave) {
        int w = config.window();
        int half = w / 2;
        int frames = 1 + wave.length / config.hop();
        int bins = w / 2 + 1;
        float[][] out = new float[frames][config.melBins()];
        double[] re = new double[w];
        double[] im = new double[w];
        double[] power = new double[bins];
        for (int f = 0; f < frames; f++) {
            int start = f * config.hop() - half;
            for (int i = 0; i < w; i++) {
                re[i] = reflect(wave, start + i) * hann[i];
                im[i] = 0;
            }
            Fft.transform(re, im);
            for (int k = 0; k < bins; k++) {
                power[k] = re[k] * re[k] + im[k] * im[k];
            }
            for (int m = 0; m < config.melBins(); m++) {
                double s = 0;
                for (int k = 0; k < bins; k++) {
                    s += filters[k][m] * power[k];
                }
                out[f][m] = (float) (10 * Math.log10(Math.max(s, 1e-10)));
            }
        }
        return out;
    }

    // numpy's "reflect" padding: the edge sample is not repeated
    private static double reflect(double[] x, int i) {
        int n = x.length;
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return x[i];
    }

    // triangular filters between mel-spaced edges over the FFT bin frequencies (HF's mel_filter_bank)
    static double[][] melFilters(Config c, boolean slaney) {
        int bins = c.window() / 2 + 1;
        int m = c.melBins();
        double melMin = toMel(c.fMin(), slaney);
        double melMax = toMel(c.fMax(), slaney);
        double[] edges = new double[m + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = fromMel(melMin + (melMax - melMin) * i / (m + 1), slaney);
        }
        double[][] fb = new double[bins][m];
        double nyquist = c.sampleRate() / 2;  // integer division, as the reference's sampling_rate // 2
        for (int k = 0; k < bins; k++) {
            double freq = nyquist * k / (bins - 1);
            for (int j = 0; j < m; j++) {
                double down = (freq - edges[j]) / (edges[j + 1] - edges[j]);
                double up = (edges[j + 2] - freq) / (edges[j + 2] - edges[j + 1]);
                double v = Math.max(0, Math.min(down, up));
                fb[k][j] = slaney ? v * 2 / (edges[j + 2] - edges[j]) : v;
            }
        }
        return fb;
    }

    private static double toMel(double hz, boolean slaney) {
        if (!slaney) {
            return 2595 * Math.log10(1 + hz / 700);
        }
        return hz >= 1000 ? 15 + Math.log(hz / 1000) * 27 / Math.log(6.4) : 3 * hz / 200;
    }

    private static double fromMel(double mel, boolean slaney) {
        if (!slaney) {
            return 700 * (Math.pow(10, mel / 2595) - 1);
        }
        return mel >= 15 ? 1000 * Math.exp(Math.log(6.4) / 27 * (mel - 15)) : 200 * mel / 3;
    }
}
