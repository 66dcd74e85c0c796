package dev.longplay.models.training;

/**
 * Linear warm-up to {@code peak} over {@code warmupSteps}, then cosine decay to {@code peak·floor} at
 * {@code totalSteps} (held there after).
 */
public record LearningRate(double peak, long warmupSteps, long totalSteps, double floor) {

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
