package dev.longplay.models.pipeline;

/** Progress out of a generation, and the one question asked between sampler steps: stop now? */
public interface GenerationListener {

    GenerationListener NONE = new GenerationListener() {
    };

    /** stage: "conditioning", "encoding", "sampling", "decoding"; step counts within the stage. */
    default void onProgress(String stage, int step, int total) {
    }

    default boolean isCancelled() {
        return false;
    }
}
