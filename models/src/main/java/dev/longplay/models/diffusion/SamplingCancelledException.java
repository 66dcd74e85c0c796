package dev.longplay.models.diffusion;

/** Sampling stopped between steps because its listener asked it to. */
public class SamplingCancelledException extends RuntimeException {
    public SamplingCancelledException(int step, int total) {
        super("cancelled after step " + step + " of " + total);
    }
}
