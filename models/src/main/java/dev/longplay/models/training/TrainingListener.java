package dev.longplay.models.training;

/** Hears about each finished training step and each checkpoint written. */
public interface TrainingListener {

    void step(String phase, long step, long total, double loss, double learningRate);

    default void checkpoint(java.nio.file.Path dir, String phase, long step) {
    }

    /** The latent scale measured (and written into the run's config) before the diffusion phase. */
    default void latentScale(double scale) {
    }

    /** Validation diffusion loss with and without the prompt, after a diffusion checkpoint. */
    default void conditioning(long step, ConditioningCheck check) {
    }

    /**
     * Asked after each checkpoint: false ends the run there, saved and resumable (a time limit on a GPU host,
     * where a kill could land in the middle of writing the state).
     */
    default boolean keepGoing() {
        return true;
    }

    /**
     * Asked after every step: true saves a checkpoint there and ends the run, resumable (Ctrl-C or a kill while
     * training, which would otherwise lose the steps since the last checkpoint or stop in a native call).
     */
    default boolean stopNow() {
        return false;
    }
}
