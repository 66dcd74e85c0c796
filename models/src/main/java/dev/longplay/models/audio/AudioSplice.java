package dev.longplay.models.audio;

/**
 * Puts original audio back over the spans a generation was told to keep, with short equal-power
 * cross-fades at each boundary: the autoencoder reconstructs kept audio closely but not exactly, and a
 * musician continuing a recording expects the recording itself, untouched, with a seamless join.
 */
public final class AudioSplice {

    private AudioSplice() {
    }

    /**
     * generated, original: [channel][frame] at the same rate; spans: [start, end) frame pairs to keep;
     * fade: cross-fade length in frames, placed inside the generated side of each boundary.
     */
    public static void keep(float[][] generated, float[][] original, int[][] spans, int fade) {
        for (int[] span : spans) {
            int start = Math.max(0, span[0]);
            int end = Math.min(generated[0].length, span[1]);
            for (int c = 0; c < generated.length; c++) {
                float[] g = generated[c];
                float[] o = original[Math.min(c, original.length - 1)];
                int stop = Math.min(end, o.length);
                for (int i = start; i < stop; i++) {
                    g[i] = o[i];
                }
                // fade out of the original after the span, into the generated audio
                for (int i = 0; i < fade && stop + i < g.length && stop + i < o.length && stop == end; i++) {
                    double phase = (i + 0.5) / fade * (Math.PI / 2);
                    g[stop + i] = (float) (o[stop + i] * Math.cos(phase) + g[stop + i] * Math.sin(phase));
                }
                // fade from the generated audio into the original before the span
                for (int i = 1; i <= fade && start - i >= 0 && start - i < o.length; i++) {
                    double phase = (i - 0.5) / fade * (Math.PI / 2);
                    g[start - i] = (float) (o[start - i] * Math.cos(phase) + g[start - i] * Math.sin(phase));
                }
            }
        }
    }
}
