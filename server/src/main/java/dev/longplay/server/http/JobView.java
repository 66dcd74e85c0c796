package dev.longplay.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobEvent;
import dev.longplay.server.jobs.JobRecord;
import dev.longplay.server.jobs.JobState;
import dev.longplay.server.jobs.Priority;
import dev.longplay.models.pipeline.Stage;

import java.time.Instant;

/** A job as the HTTP API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobView(String id, JobState state, String mode, Priority priority, String preset, Long seed, Instant createdAt,
               Instant startedAt, Instant finishedAt, int attempts, Progress progress, Boolean cancelRequested,
               String clipId, String clipUrl, Error error) {

    record Progress(Stage stage, int step, int total) {
    }

    record Error(String code, String message) {
    }

    static JobView of(JobEngine.JobStatus status) {
        JobRecord r = status.record();
        JobEvent p = status.progress();
        return new JobView(r.id(), r.state(), r.request().mode().wire(), r.request().priority(), r.request().preset(),
                r.request().seed(), r.createdAt(), r.startedAt(), r.finishedAt(), r.attempts(),
                p == null || r.state() != JobState.RUNNING ? null : new Progress(p.stage(), p.step(), p.total()),
                status.cancelRequested() && !r.state().terminal() ? Boolean.TRUE : null,
                r.clipId(), r.clipId() == null ? null : "/v1/clips/" + r.clipId(),
                r.errorCode() == null ? null : new Error(r.errorCode(), r.errorMessage()));
    }
}
