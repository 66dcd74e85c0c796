package dev.longplay.models.pipeline;

/** Progress out of a generation, and the one question asked between sampler steps: stop now? */
public interface GenerationListener {

    GenerationListener NONE = new GenerationListener() {
    };

    /**
     * A pipeline reports {@link Stage#CONDITIONING}, {@link Stage#ENCODING} (with init audio), {@link Stage#SAMPLING}
     * and {@link Stage#DECODING}, in that order; step counts within the stage. A long clip made window by window adds
     * {@link Stage#WINDOW} (windows done of all) and counts sampling over every window ({@link LongFormGenerator}).
     */
    default void onProgress(Stage stage, int step, int total) {
    }

    default boolean isCancelled() {
        return false;
    }
}
