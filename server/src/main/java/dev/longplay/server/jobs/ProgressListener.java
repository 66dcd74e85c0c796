package dev.longplay.server.jobs;

import dev.longplay.models.pipeline.Stage;

/** Called by a renderer as it works; must be cheap (the engine only records and fans the value out). */
@FunctionalInterface
public interface ProgressListener {

    /** {@code step} of {@code total} within {@code stage} is done (step 0 = the stage began). */
    void progress(Stage stage, int step, int total);
}
