package dev.longplay.models.pipeline;

/** Progress out of a generation, and the one question asked between sampler steps: stop now? */
public interface GenerationListener {

    GenerationListener NONE = new GenerationListener() {
    };

    /**
     * stage: "conditioning", "encoding", "sampling", "decoding"; step counts within the stage. A long clip made window
     * by window adds "window" (windows done of all) and counts "sampling" over every window ({@link LongFormGenerator}).
     */
    default void onProgress(String stage, int step, int total) {
    }

    default boolean isCancelled() {
        return false;
    }
}
