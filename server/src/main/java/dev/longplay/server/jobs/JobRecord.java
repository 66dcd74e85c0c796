package dev.longplay.server.jobs;

import java.time.Instant;

/**
 * A job as the database holds it.
 *
 * @param seq      submission order (FIFO within a priority, also across restarts)
 * @param client   who submitted it (for logs and per-client accounting)
 * @param attempts how many times a worker started it (more than one after a crash mid-job)
 * @param clipId   the finished clip (equal to the job id), null until it succeeded
 */
public record JobRecord(
        String id,
        long seq,
        GenerationRequest request,
        JobState state,
        String client,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int attempts,
        String clipId,
        String errorCode,
        String errorMessage) {

    JobRecord running(Instant at) {
        return new JobRecord(id, seq, request, JobState.RUNNING, client, createdAt, at, null, attempts + 1, null, null, null);
    }

    JobRecord queuedAgain() {
        return new JobRecord(id, seq, request, JobState.QUEUED, client, createdAt, null, null, attempts, null, null, null);
    }

    JobRecord finished(JobState end, Instant at, String clip, String code, String message) {
        return new JobRecord(id, seq, request, end, client, createdAt, startedAt, at, attempts, clip, code, message);
    }
}
