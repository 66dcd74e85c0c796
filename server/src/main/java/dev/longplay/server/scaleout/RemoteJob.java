package dev.longplay.server.scaleout;

import dev.longplay.server.jobs.JobRecord;

/**
 * A job as it travels to a worker.
 *
 * @param model     the model that must render it (the server's default filled in)
 * @param initAudio the object holding the init audio, or null; the request's own path is the server's and means
 *                  nothing on the worker's machine
 */
public record RemoteJob(JobRecord job, String model, String initAudio) {
}
