package dev.longplay.server.jobs;

import dev.longplay.server.clips.UploadStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps a long-running server's folders from growing without end: finished jobs leave the jobs table after
 * {@code jobs}, uploads are deleted after {@code uploads} unless a queued or running job still reads them. (Clips have
 * their own size limit in the clip store.)
 */
public record Retention(Duration jobs, Duration uploads) {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** A month of job history, a week of uploads. */
    public static final Retention DEFAULT = new Retention(Duration.ofDays(30), Duration.ofDays(7));

    public Retention {
        if (jobs.isNegative() || uploads.isNegative()) {
            throw new IllegalArgumentException("retention periods must not be negative");
        }
    }

    /** One sweep as of {@code now}; returns {jobs deleted, uploads deleted}. */
    public int[] sweep(JobStore store, UploadStore uploadStore, Instant now) throws IOException {
        int jobsDeleted = store.deleteFinishedBefore(now.minus(jobs));
        Set<Path> inUse = store.unfinished().stream().map(j -> j.request().initAudio()).filter(Objects::nonNull)
                .map(p -> p.toAbsolutePath().normalize()).collect(Collectors.toSet());
        int uploadsDeleted = uploadStore.deleteOlderThan(now.minus(uploads), inUse);
        if (jobsDeleted + uploadsDeleted > 0) {
            LOG.info("retention: removed {} finished jobs older than {} and {} uploads older than {}",
                    jobsDeleted, jobs, uploadsDeleted, uploads);
        }
        return new int[]{jobsDeleted, uploadsDeleted};
    }
}
