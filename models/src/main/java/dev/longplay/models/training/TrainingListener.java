package dev.longplay.models.training;

/** Hears about each finished training step and each checkpoint written. */
public interface TrainingListener {

    void step(String phase, long step, long total, double loss, double learningRate);

    default void checkpoint(java.nio.file.Path dir, String phase, long step) {
    }
}
