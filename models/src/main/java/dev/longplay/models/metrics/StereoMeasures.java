package dev.longplay.models.metrics;

/**
 * How wide and where a stereo clip sits: the inter-channel correlation (1 mono-like, 0 unrelated, −1 out of phase),
 * side-to-mid energy in dB (very negative for near-mono, 0 when side equals mid), and left/right balance in dB
 * (positive = louder left). Null fields for a mono clip or silence.
 */
public record StereoMeasures(Double correlation, Double sideToMidDb, Double balanceDb) {

    public static StereoMeasures of(float[][] audio) {
        if (audio.length != 2) {
            return new StereoMeasures(null, null, null);
        }
        double ll = 0, rr = 0, lr = 0, mid = 0, side = 0;
        float[] l = audio[0];
        float[] r = audio[1];
        for (int i = 0; i < l.length; i++) {
            double a = l[i];
            double b = r[i];
            ll += a * a;
            rr += b * b;
            lr += a * b;
            mid += (a + b) * (a + b) / 4;
            side += (a - b) * (a - b) / 4;
        }
        Double correlation = ll > 0 && rr > 0 ? lr / Math.sqrt(ll * rr) : null;
        Double sideToMid = mid > 0 && side > 0 ? 10 * Math.log10(side / mid) : null;
        Double balance = ll > 0 && rr > 0 ? 10 * Math.log10(ll / rr) : null;
        return new StereoMeasures(correlation, sideToMid, balance);
    }
}
