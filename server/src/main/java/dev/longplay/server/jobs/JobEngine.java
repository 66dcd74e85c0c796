package dev.longplay.server.jobs;

import dev.longplay.server.clips.ClipStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Decides what runs: a bounded queue ordered live-before-batch then by submission, N worker threads that alone call
 * the {@link JobRunner} (the renderer in this process, or remote model workers), cancellation, progress events, and
 * recovery of the jobs database after a restart.
 *
 * <p>Every accepted job is in the database before {@link #submit} returns; its clip (id = job id) is on disk
 * before the job is marked succeeded. A job interrupted by a crash is re-queued at the next start, up to
 * {@code maxAttempts} starts, then failed with the reason (a job that kills the server must not loop forever).
 */
public final class JobEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);

    /**
     * @param drainTimeout how long {@link #close} lets running jobs finish before it stops them between steps and
     *                     puts them back in the queue for the next start
     */
    public record Config(int workers, int queueCapacity, boolean loadModelAtStart, int maxAttempts, Duration drainTimeout) {
        public Config {
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("workers must be in [1, 64]");
            }
            if (queueCapacity < 1 || queueCapacity > 1_000_000) {
                throw new IllegalArgumentException("queue capacity must be in [1, 1000000]");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }
    }

    /** A job as an edge shows it: the stored record plus the latest progress while it runs. */
    public record JobStatus(JobRecord record, JobEvent progress, boolean cancelRequested) {
    }

    /** @param queued jobs waiting; @param running jobs in a worker */
    public record Stats(int queued, int running, int capacity, int workers) {
    }

    /** A subscription: the job's status when it began; {@code close} stops the events. */
    public interface Subscription extends AutoCloseable {
        JobStatus initial();

        @Override
        void close();
    }

    private static final class Active {
        volatile JobRecord record;
        volatile JobEvent progress;
        volatile boolean cancelRequested;
        volatile boolean stopForShutdown;
        final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();

        Active(JobRecord record) {
            this.record = record;
        }
    }

    private static final Comparator<Active> ORDER = Comparator
            .comparingInt((Active a) -> a.record.request().priority().ordinal())
            .thenComparingLong(a -> a.record.seq());

    private final JobStore store;
    private final ClipStore clips;
    private final JobRunner runner;
    private final Config config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final PriorityQueue<Active> queue = new PriorityQueue<>(ORDER);
    private final Map<String, Active> active = new HashMap<>();
    private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private long nextSeq;
    private int running;
    private boolean stopping;
    private boolean started;

    public JobEngine(JobStore store, ClipStore clips, JobRunner runner, Config config) {
        this.store = store;
        this.clips = clips;
        this.runner = runner;
        this.config = config;
    }

    /** An engine that renders in this process. */
    public JobEngine(JobStore store, ClipStore clips, ClipRenderer renderer, Config config) {
        this(store, clips, new LocalJobRunner(renderer, clips), config);
    }

    /** Recovers the database's unfinished jobs, then starts the workers. */
    public void start() {
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("already started");
            }
            started = true;
            nextSeq = store.maxSeq() + 1;
            for (JobRecord job : store.unfinished()) {
                recover(job);
            }
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < config.workers(); i++) {
            boolean loader = i == 0 && config.loadModelAtStart();
            Thread t = new Thread(() -> workerLoop(loader), "longplay-worker-" + i);
            workers.add(t);
            t.start();
        }
    }

    private void recover(JobRecord job) {
        if (job.state() == JobState.RUNNING) {
            if (clips.contains(job.id())) {
                // The clip was committed but the crash came before the database said so.
                store.update(job.finished(JobState.SUCCEEDED, Instant.now(), job.id(), null, null));
                LOG.info("job {}: its clip was complete before the restart; marked succeeded", job.id());
                return;
            }
            if (job.attempts() >= config.maxAttempts()) {
                store.update(job.finished(JobState.FAILED, Instant.now(), null, "interrupted",
                        "the server stopped during this job " + job.attempts() + " times; not retried"));
                LOG.warn("job {}: interrupted {} times, failed", job.id(), job.attempts());
                return;
            }
            job = job.queuedAgain();
            store.update(job);
            LOG.info("job {}: interrupted by a restart, queued again", job.id());
        }
        Active a = new Active(job);
        active.put(job.id(), a);
        queue.add(a); // restored jobs are kept even past the capacity: a restart never drops a job
    }

    /** Adds a global listener that sees every job's events (for edges that broadcast, e.g. OSC). */
    public void addListener(Consumer<JobEvent> listener) {
        listeners.add(listener);
    }

    /** Stores and queues a job; fills a random seed when the request has none (so a re-run gives the same clip). */
    public JobRecord submit(GenerationRequest request, String client) throws JobRejectedException {
        if (request.model() != null && runner.models().stream().noneMatch(m -> m.id().equals(request.model()))) {
            throw new JobRejectedException(JobRejectedException.Reason.UNKNOWN_MODEL, "no model named " + request.model());
        }
        GenerationRequest seeded = request.seed() != null ? request
                : request.withSeed(ThreadLocalRandom.current().nextLong(GenerationRequest.MAX_SEED + 1));
        JobRecord job;
        lock.lock();
        try {
            if (stopping || !started) {
                throw new JobRejectedException(JobRejectedException.Reason.SHUTTING_DOWN, "the server is not accepting jobs");
            }
            if (queue.size() >= config.queueCapacity()) {
                throw new JobRejectedException(JobRejectedException.Reason.QUEUE_FULL,
                        "the queue is full (" + config.queueCapacity() + " jobs waiting); try again later");
            }
            job = new JobRecord(UUID.randomUUID().toString(), nextSeq++, seeded, JobState.QUEUED, client, Instant.now(),
                    null, null, 0, null, null, null);
            store.insert(job);
            Active a = new Active(job);
            active.put(job.id(), a);
            queue.add(a);
            available.signal();
        } finally {
            lock.unlock();
        }
        emit(List.of(), JobEvent.of(job, JobEvent.Type.QUEUED));
        return job;
    }

    public Optional<JobStatus> status(String id) {
        lock.lock();
        try {
            Active a = active.get(id);
            if (a != null) {
                return Optional.of(new JobStatus(a.record, a.progress, a.cancelRequested));
            }
        } finally {
            lock.unlock();
        }
        return store.get(id).map(r -> new JobStatus(r, null, false));
    }

    /**
     * Cancels a job: a queued one at once, a running one at its next sampler step.
     *
     * @return the job's status after the request, empty if there is no such job
     */
    public Optional<JobStatus> cancel(String id) {
        Active cancelledNow = null;
        lock.lock();
        try {
            Active a = active.get(id);
            if (a == null) {
                return store.get(id).map(r -> new JobStatus(r, null, false));
            }
            a.cancelRequested = true;
            if (a.record.state() == JobState.QUEUED) {
                queue.remove(a);
                cancelledNow = a;
            } else {
                return Optional.of(new JobStatus(a.record, a.progress, true));
            }
        } finally {
            lock.unlock();
        }
        JobRecord done = finish(cancelledNow, JobState.CANCELLED, null, "cancelled", "cancelled by a client");
        return Optional.of(new JobStatus(done, null, true));
    }

    /** Follows a job's events; a finished job's subscription has its final status and sees no events. */
    public Optional<Subscription> subscribe(String id, Consumer<JobEvent> listener) {
        lock.lock();
        try {
            Active a = active.get(id);
            if (a != null) {
                a.listeners.add(listener);
                JobStatus initial = new JobStatus(a.record, a.progress, a.cancelRequested);
                return Optional.of(subscription(initial, () -> a.listeners.remove(listener)));
            }
        } finally {
            lock.unlock();
        }
        return store.get(id).map(r -> subscription(new JobStatus(r, null, false), () -> { }));
    }

    private static Subscription subscription(JobStatus initial, Runnable onClose) {
        return new Subscription() {
            @Override
            public JobStatus initial() {
                return initial;
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }

    /**
     * Jobs in {@code states}, at most {@code limit}: running ones first, then queued ones in the order they will run
     * (live before batch, then by submission), then finished ones, most recent first.
     */
    public List<JobStatus> jobs(java.util.Set<JobState> states, int limit) {
        List<JobStatus> out = new ArrayList<>();
        lock.lock();
        try {
            if (states.contains(JobState.RUNNING)) {
                active.values().stream().filter(a -> a.record.state() == JobState.RUNNING)
                        .sorted(Comparator.comparing((Active a) -> a.record.startedAt()).thenComparingLong(a -> a.record.seq()))
                        .forEach(a -> out.add(new JobStatus(a.record, a.progress, a.cancelRequested)));
            }
            if (states.contains(JobState.QUEUED)) {
                queue.stream().sorted(ORDER).forEach(a -> out.add(new JobStatus(a.record, a.progress, a.cancelRequested)));
            }
        } finally {
            lock.unlock();
        }
        java.util.Set<JobState> finished = java.util.EnumSet.noneOf(JobState.class);
        states.stream().filter(JobState::terminal).forEach(finished::add);
        if (out.size() < limit && !finished.isEmpty()) {
            store.recent(finished, limit - out.size()).forEach(r -> out.add(new JobStatus(r, null, false)));
        }
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(queue.size(), running, config.queueCapacity(), config.workers());
        } finally {
            lock.unlock();
        }
    }

    /** The models jobs may name; the first is the default. */
    public List<ServedModel> models() {
        return runner.models();
    }

    private void workerLoop(boolean loadFirst) {
        if (loadFirst) {
            runner.warmUp();
        }
        while (true) {
            Active job = take();
            if (job == null) {
                return;
            }
            try {
                run(job);
            } catch (RuntimeException e) {
                // Only the database can fail here (run handles the renderer's failures); keep the worker alive.
                LOG.error("job {}: could not record its outcome", job.record.id(), e);
            } finally {
                lock.lock();
                try {
                    running--;
                    idle.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private Active take() {
        lock.lock();
        try {
            while (queue.isEmpty() && !stopping) {
                available.await();
            }
            if (stopping) {
                return null;
            }
            Active a = queue.poll();
            a.record = a.record.running(Instant.now());
            running++;
            return a;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void run(Active a) {
        JobRecord rec = a.record;
        store.update(rec);
        emit(a.listeners, JobEvent.of(rec, JobEvent.Type.STARTED));
        ProgressListener progress = (stage, step, total) -> {
            JobEvent e = JobEvent.progress(rec.id(), stage, step, total);
            a.progress = e;
            emit(a.listeners, e);
        };
        try {
            runner.run(rec, progress, () -> a.cancelRequested, () -> a.stopForShutdown);
            finish(a, JobState.SUCCEEDED, rec.id(), null, null);
        } catch (RenderException e) {
            if (e.kind() == RenderException.Kind.CANCELLED && a.cancelRequested) {
                finish(a, JobState.CANCELLED, null, "cancelled", "cancelled by a client");
            } else if (e.kind() == RenderException.Kind.CANCELLED && a.stopForShutdown) {
                requeueForShutdown(a);
            } else {
                LOG.warn("job {} failed: {} ({})", rec.id(), e.getMessage(), e.kind());
                finish(a, JobState.FAILED, null, e.kind().code(), e.getMessage());
            }
        } catch (OutOfMemoryError e) {
            finish(a, JobState.FAILED, null, RenderException.Kind.OUT_OF_MEMORY.code(), "the server ran out of memory: " + e.getMessage());
        } catch (IOException e) {
            LOG.error("job {}: cannot write its clip", rec.id(), e);
            finish(a, JobState.FAILED, null, "clip_write_failed", "cannot write the clip: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("job {}: unexpected failure", rec.id(), e);
            // Clients see plain words; the exception and its stack are in the log line above.
            finish(a, JobState.FAILED, null, "internal_error", "the job failed inside the server (its log has the details)");
        }
    }

    /** Stores the end state, then (under the lock) retires the job and notifies its listeners. */
    private JobRecord finish(Active a, JobState state, String clipId, String code, String message) {
        JobRecord done = a.record.finished(state, Instant.now(), clipId, code, message);
        store.update(done);
        lock.lock();
        try {
            a.record = done;
            active.remove(done.id());
        } finally {
            lock.unlock();
        }
        JobEvent.Type type = switch (state) {
            case SUCCEEDED -> JobEvent.Type.SUCCEEDED;
            case CANCELLED -> JobEvent.Type.CANCELLED;
            default -> JobEvent.Type.FAILED;
        };
        emit(a.listeners, JobEvent.of(done, type));
        a.listeners.clear();
        return done;
    }

    private void requeueForShutdown(Active a) {
        // Not a crash: the start does not count against maxAttempts.
        JobRecord back = new JobRecord(a.record.id(), a.record.seq(), a.record.request(), JobState.QUEUED, a.record.client(),
                a.record.createdAt(), null, null, Math.max(0, a.record.attempts() - 1), null, null, null);
        store.update(back);
        a.record = back;
        emit(a.listeners, JobEvent.of(back, JobEvent.Type.REQUEUED));
        LOG.info("job {} stopped by shutdown; it runs again at the next start", back.id());
    }

    private void emit(List<Consumer<JobEvent>> jobListeners, JobEvent event) {
        for (Consumer<JobEvent> l : jobListeners) {
            deliver(l, event);
        }
        for (Consumer<JobEvent> l : listeners) {
            deliver(l, event);
        }
    }

    private static void deliver(Consumer<JobEvent> l, JobEvent event) {
        try {
            l.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("a job event listener failed", e);
        }
    }

    /**
     * Stops taking jobs; lets running ones finish within the drain timeout, then stops them between steps and
     * leaves them queued in the database. Queued jobs stay queued for the next start.
     */
    @Override
    public void close() {
        List<Active> runningJobs = new ArrayList<>();
        lock.lock();
        try {
            stopping = true;
            available.signalAll();
            long deadline = System.nanoTime() + config.drainTimeout().toNanos();
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                idle.awaitNanos(left);
            }
            for (Active a : active.values()) {
                if (a.record.state() == JobState.RUNNING) {
                    runningJobs.add(a);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        runningJobs.forEach(a -> a.stopForShutdown = true);
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.warn("{} did not stop within 30 s (a renderer that ignores cancellation?)", t.getName());
            }
        }
    }
}
