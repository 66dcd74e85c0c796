package dev.longplay.server.scaleout;

import dev.longplay.models.pipeline.Stage;

/**
 * A worker's progress on a job. {@code stage == null} says the worker took the job ({@code step} = delivery count).
 */
public record RemoteProgress(String jobId, String worker, Stage stage, int step, int total) {
}
