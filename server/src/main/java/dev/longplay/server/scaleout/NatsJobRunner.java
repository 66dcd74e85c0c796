package dev.longplay.server.scaleout;

import dev.longplay.server.io.Json;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.jobs.CancellationCheck;
import dev.longplay.server.jobs.JobRecord;
import dev.longplay.server.jobs.JobRunner;
import dev.longplay.server.jobs.ServedModel;
import dev.longplay.server.jobs.ProgressListener;
import dev.longplay.server.jobs.RenderException;
import dev.longplay.models.pipeline.Stage;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.ObjectStore;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The producer side of scale-out: runs a job by publishing it to JetStream for a model worker, relays the worker's
 * progress, waits for the result, and copies the finished clip from the object store into the local clip store.
 *
 * <p>The engine completes a job once: a job's result is taken from the first result message only while the job is
 * waited for; results that arrive later (a worker thought dead finishing after all) are ignored, and the clip's
 * object name is the job id, so a second render can only overwrite the same clip. A job interrupted by a server
 * restart is not published twice: the next start first looks for its result, then for its message in the queue.
 */
public final class NatsJobRunner implements JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(NatsJobRunner.class);
    private static final Duration RESULT_LOOKUP_EVERY = Duration.ofSeconds(2);
    private static final Duration MODELS_REFRESH = Duration.ofSeconds(1);
    private static final Duration FETCH_PATIENCE = Duration.ofSeconds(60);

    /**
     * @param defaultModel the model for requests that name none (workers must serve a model of this id)
     * @param cancelGrace  how long a cancelled job waits for its worker to confirm before it counts as cancelled
     * @param sharedClips  the folder workers put clips in, or null for the JetStream object store
     */
    public record Config(String url, String name, String defaultModel, Duration cancelGrace, JetStreamLayout layout, Path sharedClips) {
        public Config(String url, String name, String defaultModel, Duration cancelGrace, JetStreamLayout layout) {
            this(url, name, defaultModel, cancelGrace, layout, null);
        }
    }

    private static final class Pending {
        final ProgressListener progress;
        final CompletableFuture<RemoteResult> result = new CompletableFuture<>();
        volatile String worker;

        Pending(ProgressListener progress) {
            this.progress = progress;
        }
    }

    private final Config config;
    private final ClipStore clips;
    private final Connection nc;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final ObjectStore bucket;
    private final KeyValue workers;
    private final ClipTransport transport;
    private final Dispatcher dispatcher;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private volatile List<ServedModel> models;
    private volatile long modelsAt;

    private NatsJobRunner(Config config, ClipStore clips, Connection nc) throws IOException {
        this.config = config;
        this.clips = clips;
        this.nc = nc;
        this.js = nc.jetStream();
        this.jsm = nc.jetStreamManagement();
        this.bucket = nc.objectStore(Subjects.CLIP_BUCKET);
        this.workers = nc.keyValue(Subjects.WORKER_BUCKET);
        this.transport = config.sharedClips() != null ? new SharedFolderClips(config.sharedClips()) : new ObjectStoreClips(bucket);
        clips.attachRemote(transport); // a clip evicted here comes back from the broker on demand
        this.dispatcher = nc.createDispatcher(this::onMessage);
        dispatcher.subscribe(Subjects.PROGRESS_ALL);
        dispatcher.subscribe(Subjects.RESULTS_ALL);
    }

    /** Connects, makes the streams and buckets if needed, and listens for progress and results. */
    public static NatsJobRunner connect(Config config, ClipStore clips) throws IOException, InterruptedException, JetStreamApiException {
        Connection nc = JetStreamLayout.connect(config.url(), config.name());
        try {
            config.layout().ensure(nc);
            return new NatsJobRunner(config, clips, nc);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            nc.close();
            throw e;
        }
    }

    @Override
    public List<ServedModel> models() {
        List<ServedModel> m = models;
        if (m == null || System.nanoTime() - modelsAt > MODELS_REFRESH.toNanos()) {
            m = announcedModels(m);
            models = m;
            modelsAt = System.nanoTime();
        }
        return m;
    }

    // The default model first (placeholder until a worker announces it), then every other announced model.
    private List<ServedModel> announcedModels(List<ServedModel> previous) {
        Map<String, ServedModel> byId = new LinkedHashMap<>();
        try {
            for (String key : workers.keys()) {
                KeyValueEntry e = workers.get(key);
                if (e == null || e.getValue() == null) {
                    continue;
                }
                WorkerAnnouncement a = Json.MAPPER.readValue(e.getValue(), WorkerAnnouncement.class);
                for (ServedModel mi : a.models()) {
                    byId.putIfAbsent(mi.id(), mi);
                }
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("cannot read the workers bucket ({}); keeping the last model list", e.toString());
            if (previous != null) {
                return previous;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ServedModel> out = new ArrayList<>();
        ServedModel def = byId.remove(config.defaultModel());
        out.add(def != null ? def : new ServedModel(config.defaultModel(), "served by NATS workers (none has announced it yet)",
                null, "remote", 0, 0, false));
        out.addAll(byId.values());
        return List.copyOf(out);
    }

    @Override
    public void warmUp() {
        // The workers load their models; nothing to load here.
    }

    @Override
    public void run(JobRecord job, ProgressListener progress, CancellationCheck cancelled, CancellationCheck stopping)
            throws RenderException, IOException {
        String id = job.id();
        String model = job.request().model() != null ? job.request().model() : config.defaultModel();
        Pending p = new Pending(progress);
        pending.put(id, p);
        try {
            RemoteResult r = storedResult(id);
            long seq = r == null ? publish(job, model, cancelled, stopping) : -1;
            if (r == null && p.worker == null) {
                progress.progress(Stage.QUEUED, 0, 1); // waiting for a worker, on the broker
            }
            long nextLookup = System.nanoTime() + RESULT_LOOKUP_EVERY.toNanos();
            long giveUpAt = Long.MAX_VALUE;
            while (r == null) {
                r = await(p, 100);
                if (r != null) {
                    break;
                }
                if (stopping.cancelled()) {
                    // Left on the broker: a worker may finish it, and the next start picks up the result.
                    throw new RenderException(RenderException.Kind.CANCELLED, "the server is stopping");
                }
                long now = System.nanoTime();
                if (cancelled.cancelled() && giveUpAt == Long.MAX_VALUE) {
                    boolean removed = cancelRemote(id, seq);
                    if (removed && p.worker == null) {
                        throw new RenderException(RenderException.Kind.CANCELLED, "cancelled before a worker took it");
                    }
                    giveUpAt = now + config.cancelGrace().toNanos();
                } else if (now > giveUpAt) {
                    throw new RenderException(RenderException.Kind.CANCELLED, "cancelled (the worker did not confirm in time)");
                }
                if (now > nextLookup) {
                    r = storedResult(id); // a result published while this connection was down
                    nextLookup = now + RESULT_LOOKUP_EVERY.toNanos();
                }
            }
            conclude(id, r);
        } finally {
            pending.remove(id);
        }
    }

    private static RemoteResult await(Pending p, long millis) {
        try {
            return p.result.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a worker");
        }
    }

    /** Queues the job on the broker unless it is there already (a restart re-running it); returns its sequence. */
    private long publish(JobRecord job, String model, CancellationCheck cancelled, CancellationCheck stopping) throws RenderException {
        String subject = Subjects.job(model, job.request().priority(), job.id());
        while (true) {
            try {
                try {
                    return jsm.getLastMessage(Subjects.JOBS_STREAM, subject).getSeq();
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != JetStreamLayout.NO_MESSAGE) {
                        throw e;
                    }
                }
                String init = null;
                if (job.request().initAudio() != null) {
                    init = Subjects.initAudio(job.id());
                    try (InputStream in = java.nio.channels.Channels.newInputStream(
                            dev.longplay.server.security.NoFollowFiles.open(job.request().initAudio()))) {
                        bucket.put(init, in);
                    }
                }
                byte[] body = Json.MAPPER.writeValueAsBytes(new RemoteJob(job, model, init));
                PublishAck ack = js.publish(subject, body, PublishOptions.builder().messageId(job.id()).build());
                return ack.getSeqno();
            } catch (java.nio.file.NoSuchFileException e) {
                throw new RenderException(RenderException.Kind.BAD_ARGUMENT, "the init audio is gone: " + e.getMessage());
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (cancelled.cancelled() || stopping.cancelled()) {
                    throw new RenderException(RenderException.Kind.CANCELLED, "cancelled before it reached the broker");
                }
                LOG.warn("job {}: cannot queue it on NATS yet ({}); retrying", job.id(), e.toString());
                sleep(500);
            }
        }
    }

    /** Tells the workers; removes the job from the queue. True when the removal worked (no worker had finished it). */
    private boolean cancelRemote(String id, long seq) {
        nc.publish(Subjects.cancel(id), new byte[0]);
        if (seq < 0) {
            return false;
        }
        try {
            return jsm.deleteMessage(Subjects.JOBS_STREAM, seq);
        } catch (IOException | JetStreamApiException e) {
            return false;
        }
    }

    private RemoteResult storedResult(String id) {
        try {
            MessageInfo mi = jsm.getLastMessage(Subjects.RESULTS_STREAM, Subjects.result(id));
            return Json.MAPPER.readValue(mi.getData(), RemoteResult.class);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != JetStreamLayout.NO_MESSAGE) {
                LOG.debug("job {}: result lookup failed: {}", id, e.toString());
            }
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("job {}: result lookup failed: {}", id, e.toString());
            return null;
        }
    }

    private void conclude(String id, RemoteResult r) throws RenderException, IOException {
        deleteQuietly(Subjects.initAudio(id));
        switch (r.state()) {
            case SUCCEEDED -> fetch(id); // the local copy is the cache HTTP and OSC serve from
            case CANCELLED -> throw new RenderException(RenderException.Kind.CANCELLED, r.message() != null ? r.message() : "cancelled");
            default -> throw new RenderException(RenderException.Kind.fromCode(r.errorCode()),
                    (r.message() != null ? r.message() : "failed") + " (worker " + r.worker() + ")");
        }
    }

    /**
     * The clip is safe on the broker once the result says so; a fetch can still fail for a while (a cluster electing
     * a new leader after losing a node, a reconnect), so it is retried before the job is failed.
     */
    private void fetch(String id) throws IOException {
        long deadline = System.nanoTime() + FETCH_PATIENCE.toNanos();
        while (true) {
            try {
                if (transport.fetch(id, clips)) {
                    return;
                }
                throw new IOException("the worker reported clip " + id + " stored, but it is not there"
                        + (config.sharedClips() != null ? " (is " + config.sharedClips() + " the workers' --clip-dir?)" : ""));
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warn("job {}: cannot fetch its clip yet ({}); retrying", id, e.getMessage());
                sleep(1000);
            }
        }
    }

    private void deleteQuietly(String object) {
        try {
            if (bucket.getInfo(object) != null) {
                bucket.delete(object);
            }
        } catch (IOException | JetStreamApiException e) {
            LOG.debug("cannot delete {}: {}", object, e.toString());
        }
    }

    private void onMessage(Message msg) {
        String subject = msg.getSubject();
        try {
            if (subject.startsWith(Subjects.PROGRESS_PREFIX)) {
                RemoteProgress rp = Json.MAPPER.readValue(msg.getData(), RemoteProgress.class);
                Pending p = pending.get(rp.jobId());
                if (p == null) {
                    return;
                }
                if (rp.stage() == null) {
                    p.worker = rp.worker();
                    LOG.info("job {}: taken by worker {} (delivery {})", rp.jobId(), rp.worker(), rp.step());
                } else {
                    p.progress.progress(rp.stage(), rp.step(), rp.total());
                }
            } else if (subject.startsWith(Subjects.RESULTS_PREFIX)) {
                RemoteResult r = Json.MAPPER.readValue(msg.getData(), RemoteResult.class);
                Pending p = pending.get(r.jobId());
                if (p == null) {
                    // another front server's job, or one this server finished already
                    LOG.debug("job {}: result ({}) from worker {} not awaited here", r.jobId(), r.state(), r.worker());
                } else if (!p.result.complete(r)) {
                    LOG.info("job {}: ignoring a later result ({}) from worker {}", r.jobId(), r.state(), r.worker());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("unreadable message on {}: {}", subject, e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            nc.closeDispatcher(dispatcher);
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
