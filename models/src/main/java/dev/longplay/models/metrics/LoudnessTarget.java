package dev.longplay.models.metrics;

/**
 * Normalise to a loudness instead of a peak (streaming platforms play at about −14 LUFS): one gain for the whole clip
 * that brings its integrated loudness to {@code targetLufs}, unless that would push its true peak above
 * {@code truePeakCeilingDb}; then the gain stops at the ceiling and the clip stays quieter than the target. No limiter
 * runs, so nothing is distorted or pumped — dense material reaches the target, very peaky material does not.
 */
public record LoudnessTarget(double targetLufs, double truePeakCeilingDb) {

    public static final LoudnessTarget STREAMING = new LoudnessTarget(-14, -1);

    public LoudnessTarget {
        if (!(targetLufs >= -70 && targetLufs <= 0)) {
            throw new IllegalArgumentException("targetLufs must be in [-70, 0], got " + targetLufs);
        }
        if (!(truePeakCeilingDb >= -20 && truePeakCeilingDb <= 0)) {
            throw new IllegalArgumentException("truePeakCeilingDb must be in [-20, 0], got " + truePeakCeilingDb);
        }
    }

    /** The gain in dB for a clip measured as {@code m}; 0 for silence. */
    public double gainDb(ClipMeasures m) {
        if (m.integratedLufs() == null || m.truePeakDbtp() == null) {
            return 0;
        }
        double gain = targetLufs - m.integratedLufs();
        return Math.min(gain, truePeakCeilingDb - m.truePeakDbtp());
    }
}
