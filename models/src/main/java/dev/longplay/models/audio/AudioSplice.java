package dev.longplay.models.audio;

/**
 * Puts original audio back over the spans a generation was told to keep, with short equal-power
 * cross-fades at each boundary: the autoencoder reconstructs kept audio closely but not exactly, and a
 * musician continuing a recording expects the recording itself, untouched, with a seamless join.
 */
public final class AudioSplice {

    private AudioSplice() {
    }

    /** As {@link #keep(float[][], float[][], int, int[][], int)} with all of {@code original} real audio. */
    public static void keep(float[][] generated, float[][] original, int[][] spans, int fade) {
        keep(generated, original, original[0].length, spans, fade);
    }

    /**
     * generated, original: [channel][frame] at the same rate; only the first {@code originalFrames} of
     * {@code original} are real audio (the rest is padding); spans: [start, end) frame pairs to keep;
     * fade: cross-fade length in frames, placed inside the generated side of each boundary.
     *
     * <p>Where a span ends with the real audio (a continuation) there is no original after it to fade from, and
     * fading from the padding would dip to silence and click. The generated audio there already continues the
     * model's rendering of the kept audio, which differs from the original by a small error; that error at the last
     * kept frame is added to the generated audio and eased to zero over {@code fade} frames, so the original stays
     * untouched and the join is as smooth as the generated audio itself.
     */
    public static void keep(float[][] generated, float[][] original, int originalFrames, int[][] spans, int fade) {
        int real = Math.min(originalFrames, original[0].length);
        for (int[] span : spans) {
            int start = Math.max(0, span[0]);
            int end = Math.min(Math.min(generated[0].length, span[1]), real);
            if (end <= start) {
                continue;
            }
            boolean openEnd = end >= real && end < generated[0].length;
            for (int c = 0; c < generated.length; c++) {
                float[] g = generated[c];
                float[] o = original[Math.min(c, original.length - 1)];
                float error = o[end - 1] - g[end - 1];
                for (int i = start; i < end; i++) {
                    g[i] = o[i];
                }
                if (openEnd) {
                    for (int i = 0; i < fade && end + i < g.length; i++) {
                        g[end + i] += (float) (error * 0.5 * (1 + Math.cos(Math.PI * (i + 1) / (fade + 1))));
                    }
                } else {
                    // fade out of the original after the span, into the generated audio
                    for (int i = 0; i < fade && end + i < g.length && end == span[1]; i++) {
                        double phase = (i + 0.5) / fade * (Math.PI / 2);
                        g[end + i] = (float) (o[end + i] * Math.cos(phase) + g[end + i] * Math.sin(phase));
                    }
                }
                // fade from the generated audio into the original before the span
                for (int i = 1; i <= fade && start - i >= 0; i++) {
                    double phase = (i - 0.5) / fade * (Math.PI / 2);
                    g[start - i] = (float) (o[start - i] * Math.cos(phase) + g[start - i] * Math.sin(phase));
                }
            }
        }
    }
}
