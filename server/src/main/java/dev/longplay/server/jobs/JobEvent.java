package dev.longplay.server.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.longplay.models.pipeline.Stage;

import java.time.Instant;

/**
 * The one event type the engine emits about a job; each edge renders it in its own idiom (SSE now, OSC later).
 *
 * @param step  progress within {@code stage} (PROGRESS events), else 0
 * @param total steps in {@code stage} (PROGRESS events), else 0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobEvent(String jobId, Type type, JobState state, Stage stage, int step, int total, String clipId,
                       String errorCode, String message, Instant at) {

    public enum Type {
        QUEUED("queued"),
        STARTED("started"),
        PROGRESS("progress"),
        REQUEUED("requeued"),
        SUCCEEDED("succeeded"),
        FAILED("failed"),
        CANCELLED("cancelled");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    /** True for the last event a job ever emits. */
    public boolean terminal() {
        return state.terminal();
    }

    static JobEvent of(JobRecord job, Type type) {
        return new JobEvent(job.id(), type, job.state(), null, 0, 0, job.clipId(), job.errorCode(), job.errorMessage(), Instant.now());
    }

    static JobEvent progress(String jobId, Stage stage, int step, int total) {
        return new JobEvent(jobId, Type.PROGRESS, JobState.RUNNING, stage, step, total, null, null, null, Instant.now());
    }
}
