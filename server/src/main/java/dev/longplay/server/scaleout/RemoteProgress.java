package dev.longplay.server.scaleout;

import dev.longplay.server.jobs.Stage;

/**
 * A worker's progress on a job. {@code stage == null} says the worker took the job ({@code step} = delivery count).
 */
public record RemoteProgress(String jobId, String worker, Stage stage, int step, int total) {
}
