package dev.longplay.models.sa3.sampling;

/**
 * The reference's build_schedule for rectified flow: {@code steps + 1} times linspace(σmax, 0), warped by the
 * distribution shift at the effective sequence length, the first time re-pinned to σmax (1 for text-to-audio,
 * the init noise level for audio-to-audio).
 */
public final class Sa3Schedule {

    private Sa3Schedule() {
    }

    public static double[] times(int steps, double sigmaMax, DistributionShift shift, double seqLen) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        double n = Math.max(1, seqLen);
        double[] t = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            double linear = sigmaMax - sigmaMax * i / steps;
            t[i] = shift.shift(linear, n);
        }
        t[0] = sigmaMax;
        t[steps] = 0;
        return t;
    }

    /** Latent frames the requested duration covers: ceil(int(seconds · rate) / ratio). */
    public static int effectiveLength(double seconds, int sampleRate, int ratio) {
        long samples = (long) (seconds * sampleRate);
        return (int) ((samples + ratio - 1) / ratio);
    }

    /** Frames left valid for attention: effective length plus headroom frames, at most the latent length. */
    public static int validLength(double seconds, double headroomSeconds, int sampleRate, int ratio, int frames) {
        int headroom = (int) (headroomSeconds * sampleRate / ratio);
        return Math.min(frames, effectiveLength(seconds, sampleRate, ratio) + headroom);
    }
}
