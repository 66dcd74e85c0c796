package dev.longplay.server.jobs;

import dev.longplay.server.clips.ClipStore;

import java.io.IOException;
import java.util.List;

/**
 * The job engine's "run this job" step, the seam between deciding what runs ({@link JobEngine}: queue, priorities,
 * states, events, recovery) and making the clip. In-process it is {@link LocalJobRunner} (the renderer on this
 * machine); with scale-out it hands the job to remote model workers and brings their clip back.
 */
public interface JobRunner extends AutoCloseable {

    /** The models jobs may name; the first is the default for requests that name none. Never empty. */
    List<ServedModel> models();

    /** Called once on an engine worker thread at start when the server loads its model eagerly. */
    void warmUp();

    /**
     * Runs one job until its clip is in the engine's clip store under the job's id. Reports progress through
     * {@code progress}. Stops with {@link RenderException.Kind#CANCELLED} when {@code cancelled} (a client asked)
     * or {@code stopping} (the server shuts down and will run the job again at its next start) says so.
     */
    void run(JobRecord job, ProgressListener progress, CancellationCheck cancelled, CancellationCheck stopping)
            throws RenderException, IOException;

    @Override
    void close();

    /** Makes a runner once the server's clip store exists. */
    @FunctionalInterface
    interface Factory {
        JobRunner create(ClipStore clips) throws Exception;
    }
}
