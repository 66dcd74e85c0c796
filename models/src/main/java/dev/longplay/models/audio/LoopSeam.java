package dev.longplay.models.audio;

/**
 * Makes a clip loop without a click. The model renders the loop plus a short tail; the tail (what the
 * music would do right after the loop's end) is cross-faded into the loop's head with an equal-power fade.
 * At the wrap point the last sample is followed by what originally followed it, so the join is as smooth
 * as any other pair of neighbouring samples, and the loop keeps its exact length.
 */
public final class LoopSeam {

    /** 4/4 bars: round(60 / bpm * 4 * bars * sampleRate) samples, the convention of loop libraries. */
    public static int loopFrames(double bpm, int bars, int beatsPerBar, int sampleRate) {
        if (bpm <= 0 || bars <= 0 || beatsPerBar <= 0) {
            throw new IllegalArgumentException("bpm, bars and beats per bar must be positive");
        }
        return (int) Math.round(60.0 / bpm * beatsPerBar * bars * sampleRate);
    }

    /** The tail length to render beyond the loop: 40 ms, enough to hide a seam, short enough to keep timing. */
    public static int fadeFrames(int sampleRate, int loopFrames) {
        return Math.min(loopFrames / 4, Math.max(1, Math.round(0.040f * sampleRate)));
    }

    private LoopSeam() {
    }

    /**
     * rendered: [channel][frame] with at least loopFrames + fadeFrames frames; returns [channel][loopFrames].
     */
    public static float[][] close(float[][] rendered, int loopFrames, int fadeFrames) {
        float[][] out = new float[rendered.length][loopFrames];
        for (int c = 0; c < rendered.length; c++) {
            float[] in = rendered[c];
            if (in.length < loopFrames + fadeFrames) {
                throw new IllegalArgumentException("need " + (loopFrames + fadeFrames) + " frames, got " + in.length);
            }
            System.arraycopy(in, 0, out[c], 0, loopFrames);
            for (int i = 0; i < fadeFrames; i++) {
                double phase = (i + 0.5) / fadeFrames * (Math.PI / 2);
                float fadeIn = (float) Math.sin(phase);
                float fadeOut = (float) Math.cos(phase);
                out[c][i] = in[i] * fadeIn + in[loopFrames + i] * fadeOut;
            }
        }
        return out;
    }
}
