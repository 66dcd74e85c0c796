package dev.longplay.server.scaleout;

import dev.longplay.server.jobs.Priority;

import java.nio.charset.StandardCharsets;

/**
 * Every name Longplay uses on NATS, in one place so producer and worker cannot disagree.
 *
 * <ul>
 *   <li>{@code longplay.jobs.<model>.<priority>.<job>}: a job, in the work-queue stream {@value #JOBS_STREAM};
 *       one durable pull consumer per model and priority, shared by every worker of that model</li>
 *   <li>{@code longplay.progress.<job>}: progress while a worker renders (plain NATS, fire and forget)</li>
 *   <li>{@code longplay.results.<job>}: how a job ended, in {@value #RESULTS_STREAM} (kept, so a producer that was
 *       away finds it)</li>
 *   <li>{@code longplay.cancel.<job>}: a client cancelled the job (plain NATS)</li>
 *   <li>{@code longplay.dlq.<job>}: a job given up after repeated failures, in {@value #DLQ_STREAM}</li>
 * </ul>
 * Clips travel in the object store {@value #CLIP_BUCKET} as {@code <job>.wav} and {@code <job>.json} (the JSON is
 * written last and marks the clip complete); init audio as {@code init/<job>}. Workers announce their models in the
 * key-value bucket {@value #WORKER_BUCKET}.
 */
public final class Subjects {

    public static final String JOBS_STREAM = "LONGPLAY_JOBS";
    public static final String RESULTS_STREAM = "LONGPLAY_RESULTS";
    public static final String DLQ_STREAM = "LONGPLAY_DLQ";
    public static final String CLIP_BUCKET = "longplay-clips";
    public static final String WORKER_BUCKET = "longplay-workers";

    static final String JOBS_ALL = "longplay.jobs.>";
    static final String RESULTS_ALL = "longplay.results.>";
    static final String DLQ_ALL = "longplay.dlq.>";
    static final String PROGRESS_ALL = "longplay.progress.>";
    static final String CANCEL_ALL = "longplay.cancel.>";
    static final String PROGRESS_PREFIX = "longplay.progress.";
    static final String RESULTS_PREFIX = "longplay.results.";
    static final String CANCEL_PREFIX = "longplay.cancel.";

    private Subjects() {
    }

    static String job(String model, Priority priority, String jobId) {
        return "longplay.jobs." + token(model) + "." + priority.wire() + "." + jobId;
    }

    static String jobFilter(String model, Priority priority) {
        return "longplay.jobs." + token(model) + "." + priority.wire() + ".>";
    }

    /** The durable consumer every worker of {@code model} shares for one priority. */
    static String consumer(String model, Priority priority) {
        return "jobs-" + token(model) + "-" + priority.wire();
    }

    static String progress(String jobId) {
        return PROGRESS_PREFIX + jobId;
    }

    static String result(String jobId) {
        return RESULTS_PREFIX + jobId;
    }

    static String cancel(String jobId) {
        return CANCEL_PREFIX + jobId;
    }

    static String deadLetter(String jobId) {
        return "longplay.dlq." + jobId;
    }

    static String clipAudio(String jobId) {
        return jobId + ".wav";
    }

    static String clipMeta(String jobId) {
        return jobId + ".json";
    }

    static String initAudio(String jobId) {
        return "init/" + jobId;
    }

    /**
     * A model id as one subject token and consumer-name part: letters, digits, '-' kept; every other byte as
     * {@code _XX} (hex). Reversible, so two different ids never share a queue ("a.b" and "a_b" stay apart).
     */
    static String token(String model) {
        StringBuilder out = new StringBuilder();
        for (byte b : model.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
                out.append(c);
            } else {
                out.append('_').append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
        }
        return out.toString();
    }

    /** The job id at the end of a per-job subject. */
    static String lastToken(String subject) {
        return subject.substring(subject.lastIndexOf('.') + 1);
    }
}
