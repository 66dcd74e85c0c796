package dev.longplay.models.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How audible the joins of a clip made window by window are, each measured against the same quantity inside the
 * windows, so that "no click" and "no jump in level" are read off the clip itself rather than a fixed threshold.
 *
 * <ul>
 *   <li>Step: the largest sample-to-sample difference (over channels) within 1 ms of a join, against the
 *       distribution of every sample-to-sample difference farther than {@code guardFrames} from any join.</li>
 *   <li>Loudness step: short-term loudness (BS.1770 K-weighted, 3 s, or what fits) of the audio just after a join
 *       minus just before it, in LU; inside the windows the same at the midpoints between joins.</li>
 * </ul>
 *
 * @param joinSteps            the step at each join
 * @param insideSteps          every sample step away from joins, sorted
 * @param joinLoudnessSteps    |after − before| at each join, LU
 * @param insideLoudnessSteps  |after − before| at each midpoint between joins (and between a join and an end), LU
 */
public record JoinMeasures(double[] joinSteps, double[] insideSteps, double[] joinLoudnessSteps,
                           double[] insideLoudnessSteps) {

    static final double SHORT_TERM_SECONDS = 3.0;

    /** audio: [channels][frames]; joins: frames where new audio begins; guardFrames: how near a join counts as it. */
    public static JoinMeasures measure(float[][] audio, int sampleRate, List<Integer> joins, int guardFrames) {
        int frames = audio[0].length;
        double[] step = new double[frames];
        for (float[] ch : audio) {
            for (int i = 1; i < frames; i++) {
                step[i] = Math.max(step[i], Math.abs(ch[i] - ch[i - 1]));
            }
        }
        boolean[] near = new boolean[frames];
        int ms = Math.max(1, sampleRate / 1000);
        double[] joinSteps = new double[joins.size()];
        for (int k = 0; k < joins.size(); k++) {
            int j = joins.get(k);
            for (int i = Math.max(1, j - ms); i <= Math.min(frames - 1, j + ms); i++) {
                joinSteps[k] = Math.max(joinSteps[k], step[i]);
            }
            Arrays.fill(near, Math.max(0, j - guardFrames), Math.min(frames, j + guardFrames + 1), true);
        }
        int inside = 0;
        double[] insideSteps = new double[frames];
        for (int i = 1; i < frames; i++) {
            if (!near[i]) {
                insideSteps[inside++] = step[i];
            }
        }
        insideSteps = Arrays.copyOf(insideSteps, inside);
        Arrays.sort(insideSteps);

        double[][] weighted = new double[audio.length][];
        for (int c = 0; c < audio.length; c++) {
            weighted[c] = LoudnessMeter.kWeight(audio[c], sampleRate);
        }
        int span = (int) Math.round(SHORT_TERM_SECONDS * sampleRate);
        double[] joinLoudness = new double[joins.size()];
        for (int k = 0; k < joins.size(); k++) {
            joinLoudness[k] = loudnessStep(weighted, joins.get(k), span);
        }
        List<Integer> edges = new ArrayList<>();
        edges.add(0);
        edges.addAll(joins);
        edges.add(frames);
        double[] insideLoudness = new double[edges.size() - 1];
        for (int k = 0; k + 1 < edges.size(); k++) {
            insideLoudness[k] = loudnessStep(weighted, (edges.get(k) + edges.get(k + 1)) / 2, span);
        }
        return new JoinMeasures(joinSteps, insideSteps, joinLoudness, insideLoudness);
    }

    /** The q-quantile (0..1) of the steps away from joins. */
    public double insideStepQuantile(double q) {
        return quantile(insideSteps, q);
    }

    /** The share of steps away from joins smaller than {@code value}: where a join's step ranks among them. */
    public double insideRank(double value) {
        int i = Arrays.binarySearch(insideSteps, value);
        int below = i >= 0 ? i : -i - 1;
        return insideSteps.length == 0 ? 0 : (double) below / insideSteps.length;
    }

    public double maxJoinStep() {
        return Arrays.stream(joinSteps).max().orElse(0);
    }

    public double medianJoinLoudnessStep() {
        return median(joinLoudnessSteps);
    }

    public double medianInsideLoudnessStep() {
        return median(insideLoudnessSteps);
    }

    // |L(after) - L(before)| over up to `span` frames either side (as much as the clip has)
    private static double loudnessStep(double[][] weighted, int at, int span) {
        int frames = weighted[0].length;
        int n = Math.min(span, Math.min(at, frames - at));
        if (n <= 0) {
            return 0;
        }
        return Math.abs(LoudnessMeter.lufs(power(weighted, at, at + n)) - LoudnessMeter.lufs(power(weighted, at - n, at)));
    }

    private static double power(double[][] weighted, int from, int to) {
        double sum = 0;
        for (double[] ch : weighted) {
            for (int i = from; i < to; i++) {
                sum += ch[i] * ch[i];
            }
        }
        return Math.max(sum / (to - from), 1e-12);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return quantile(s, 0.5);
    }

    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
