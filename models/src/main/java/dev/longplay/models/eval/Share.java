package dev.longplay.models.eval;

import java.util.Locale;

/**
 * A share of hits among the prompts that asked for something, with its 95 % Wilson score interval. On 48 prompts
 * a rate moves by about ±0.13 by chance alone, so two models are told apart only where their intervals say so;
 * Wilson's interval, unlike the normal approximation, stays inside [0, 1] and is not empty at 0 or all hits.
 */
public record Share(int hits, int asked) {

    private static final double Z95 = 1.959963984540054;

    public Share {
        if (asked < 0 || hits < 0 || hits > asked) {
            throw new IllegalArgumentException("a share needs 0 <= hits <= asked, got " + hits + " of " + asked);
        }
    }

    /** hits / asked; NaN where nothing was asked. */
    public double value() {
        return asked == 0 ? Double.NaN : (double) hits / asked;
    }

    /** The lower end of the 95 % Wilson score interval (NaN where nothing was asked). */
    public double low() {
        return wilson(-1);
    }

    /** The upper end of the 95 % Wilson score interval (NaN where nothing was asked). */
    public double high() {
        return wilson(+1);
    }

    private double wilson(int side) {
        if (asked == 0) {
            return Double.NaN;
        }
        double n = asked, p = value(), z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return Math.min(1, Math.max(0, centre + side * half));
    }

    /** "0.32 (0.25–0.40, n 144)". */
    @Override
    public String toString() {
        return asked == 0 ? "– (n 0)" : String.format(Locale.ROOT, "%.2f (%.2f–%.2f, n %d)", value(), low(), high(), asked);
    }
}
