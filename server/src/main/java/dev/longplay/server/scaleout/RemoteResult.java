package dev.longplay.server.scaleout;

import dev.longplay.server.jobs.JobState;

/**
 * How a job ended on a worker; published to the results stream only after the clip (if any) is stored.
 *
 * @param state      SUCCEEDED, FAILED or CANCELLED
 * @param deliveries how many times the broker had handed the job out when it ended
 */
public record RemoteResult(String jobId, JobState state, String errorCode, String message, String worker, long deliveries) {
}
