package dev.longplay.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Map;

/**
 * What a checkpoint keeps of one training phase besides its weights: the AdamW moments, the EMA weights and the
 * steps done. Step {@code n} trains on batch {@code n} and averages with the EMA's warm-up at {@code n}, so a
 * restored phase continues on the sequence an uninterrupted one follows.
 */
final class PhaseOptimizer {

    private static final double MAX_GRAD_NORM = 1.0;

    private final AdamW adamW;
    private final ExponentialMovingAverage ema;
    private long step;

    PhaseOptimizer(TrainingRecipe recipe) {
        this.adamW = new AdamW(0.9, 0.999, 1e-8, recipe.weightDecay());
        this.ema = new ExponentialMovingAverage(recipe.emaDecay());
    }

    /** Steps done. */
    long step() {
        return step;
    }

    /**
     * One step on {@code loss} of the batch of the current step: its gradient, AdamW with the gradient clip on
     * {@code params}, then their average; returns the loss.
     */
    double optimise(TrainingModel model, TrainingModel.Loss loss, Map<String, NDArray> params, double learningRate) {
        double value = model.backward(loss, step);
        adamW.update(params, learningRate, MAX_GRAD_NORM);
        ema.update(params, step);
        step++;
        return value;
    }

    /** The AdamW moments by name ({@code m.<key>}, {@code v.<key>}). */
    Map<String, NDArray> moments() {
        return adamW.state();
    }

    /** The averaged weights by checkpoint key. */
    Map<String, NDArray> averages() {
        return ema.weights();
    }

    /** Continues from a checkpoint's moments, averages and step count. */
    void restore(Map<String, NDArray> moments, Map<String, NDArray> averages, long steps, NDManager manager) {
        adamW.restore(moments, steps, manager);
        ema.restore(averages);
        this.step = steps;
    }
}
