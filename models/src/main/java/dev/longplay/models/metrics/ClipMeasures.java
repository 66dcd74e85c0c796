package dev.longplay.models.metrics;

/**
 * What Longplay measures on every clip: loudness (BS.1770 integrated, EBU loudness range), true and sample peak in
 * dB, and the stereo picture. Infinite values (silence) are given as null so the record serialises as plain JSON.
 */
public record ClipMeasures(Double integratedLufs, double loudnessRangeLu, Double truePeakDbtp, Double samplePeakDbfs,
                           StereoMeasures stereo) {

    public static ClipMeasures of(float[][] audio, int sampleRate) {
        LoudnessMeter.Loudness l = LoudnessMeter.measure(audio, sampleRate);
        return new ClipMeasures(finite(l.integratedLufs()), l.rangeLu(),
                finite(TruePeakMeter.db(TruePeakMeter.truePeak(audio, sampleRate))),
                finite(TruePeakMeter.db(TruePeakMeter.samplePeak(audio))), StereoMeasures.of(audio));
    }

    /** The same clip after a gain of {@code db}: levels move, the loudness range and the stereo picture do not. */
    public ClipMeasures shifted(double db) {
        return new ClipMeasures(plus(integratedLufs, db), loudnessRangeLu, plus(truePeakDbtp, db), plus(samplePeakDbfs, db), stereo);
    }

    private static Double plus(Double v, double db) {
        return v == null ? null : v + db;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
