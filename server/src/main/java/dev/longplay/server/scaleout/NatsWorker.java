package dev.longplay.server.scaleout;

import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.server.io.Json;
import dev.longplay.server.clips.ClipInfo;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.LoraChoice;
import dev.longplay.server.jobs.LoraLibrary;
import dev.longplay.server.jobs.JobRecord;
import dev.longplay.server.jobs.JobState;
import dev.longplay.server.jobs.LocalJobRunner;
import dev.longplay.server.jobs.ServedModel;
import dev.longplay.server.jobs.Priority;
import dev.longplay.server.jobs.RenderException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.ObjectStore;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A model worker: pulls jobs for the models it has loaded from the JetStream work queue (live before batch), renders
 * them with {@link LocalJobRunner} into a staging folder, stores the clip in the object store, publishes the result,
 * and only then acks. While it renders it tells the broker the job is in progress, so a long job is not handed to
 * another worker; if the worker dies, the broker hands the job out again once the ack wait has passed.
 *
 * <p>Failures: a bad request or a cancelled job ends at once; other failures are retried (nak) by whichever worker
 * takes the job next, and a job handed out more than {@code maxDeliveries} times (failures or dead workers) is
 * copied to the dead-letter stream and failed with the reason.
 */
public final class NatsWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatsWorker.class);
    private static final Duration LIVE_WAIT = Duration.ofMillis(20);
    private static final Duration BATCH_WAIT = Duration.ofMillis(80);
    private static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(5);

    /**
     * @param ackWait       how long the broker waits for word from a worker before handing its job to another
     * @param maxDeliveries how many times a job may be handed out before it is dead-lettered
     * @param workDir       staging folder for clips and init audio
     * @param sharedClips   the folder to put clips in for the servers, or null for the JetStream object store
     */
    public record Config(String url, String name, Duration ackWait, int maxDeliveries, Path workDir, JetStreamLayout layout,
                         Path sharedClips, LoraLibrary loras) {
        public Config(String url, String name, Duration ackWait, int maxDeliveries, Path workDir, JetStreamLayout layout) {
            this(url, name, ackWait, maxDeliveries, workDir, layout, null, null);
        }

        public Config(String url, String name, Duration ackWait, int maxDeliveries, Path workDir, JetStreamLayout layout,
                      Path sharedClips) {
            this(url, name, ackWait, maxDeliveries, workDir, layout, sharedClips, null);
        }

        public Config {
            if (ackWait.toMillis() < 500) {
                throw new IllegalArgumentException("the ack wait must be at least 0.5 s");
            }
            if (maxDeliveries < 1) {
                throw new IllegalArgumentException("max deliveries must be at least 1");
            }
            if (!name.matches("[A-Za-z0-9_=-]{1,64}")) {
                throw new IllegalArgumentException("a worker name is 1-64 letters, digits, '-', '_' or '='");
            }
        }
    }

    private record Lane(String model, Priority priority, JetStreamSubscription sub) {
    }

    private final Config config;
    private final ClipRenderer renderer;
    private final ClipStore staging;
    private final LocalJobRunner runner;
    private final Set<String> cancelled = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    }));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "longplay-worker-timer");
        t.setDaemon(true);
        return t;
    });
    private final List<Lane> lanes = new ArrayList<>();
    private Connection nc;
    private JetStream js;
    private ObjectStore bucket;
    private ClipTransport transport;
    private KeyValue announcements;
    private Thread loop;
    private volatile boolean closing;
    private volatile int jobsDone;

    public NatsWorker(Config config, ClipRenderer renderer) throws IOException {
        this(config, renderer, null);
    }

    /** @param scorer scores every clip against its prompt (CLAP) into its metadata, as a one-machine server does; null for none */
    public NatsWorker(Config config, ClipRenderer renderer, PromptAudioScorer scorer) throws IOException {
        this.config = config;
        this.renderer = renderer;
        Files.createDirectories(config.workDir());
        this.staging = ClipStore.open(config.workDir().resolve("clips"), Long.MAX_VALUE);
        this.runner = new LocalJobRunner(renderer, staging, scorer);
    }

    /** Loads the models, joins the queues and starts pulling jobs. */
    public void start() throws IOException, InterruptedException, JetStreamApiException {
        runner.warmUp();
        nc = JetStreamLayout.connect(config.url(), "longplay-worker-" + config.name());
        config.layout().ensure(nc);
        js = nc.jetStream();
        bucket = nc.objectStore(Subjects.CLIP_BUCKET);
        transport = config.sharedClips() != null ? new SharedFolderClips(config.sharedClips()) : new ObjectStoreClips(bucket);
        announcements = nc.keyValue(Subjects.WORKER_BUCKET);
        Dispatcher cancels = nc.createDispatcher(m -> cancelled.add(Subjects.lastToken(m.getSubject())));
        cancels.subscribe(Subjects.CANCEL_ALL);
        for (Priority priority : Priority.values()) { // live lanes first: they are polled first
            for (ServedModel model : renderer.models()) {
                String durable = Subjects.consumer(model.id(), priority);
                nc.jetStreamManagement().addOrUpdateConsumer(Subjects.JOBS_STREAM, ConsumerConfiguration.builder()
                        .durable(durable).filterSubject(Subjects.jobFilter(model.id(), priority))
                        .ackPolicy(AckPolicy.Explicit).ackWait(config.ackWait()).maxDeliver(-1).build());
                JetStreamSubscription sub = js.subscribe(Subjects.jobFilter(model.id(), priority),
                        PullSubscribeOptions.bind(Subjects.JOBS_STREAM, durable));
                lanes.add(new Lane(model.id(), priority, sub));
            }
        }
        announce();
        timer.scheduleAtFixedRate(this::announce, ANNOUNCE_EVERY.toMillis(), ANNOUNCE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        loop = new Thread(this::pullLoop, "longplay-worker-" + config.name());
        loop.start();
        LOG.info("worker {} pulling jobs for {} from {}", config.name(),
                renderer.models().stream().map(ServedModel::id).toList(), JetStreamLayout.redacted(config.url()));
    }

    public String name() {
        return config.name();
    }

    /** Jobs this worker finished (any outcome) since it started. */
    public int jobsDone() {
        return jobsDone;
    }

    private void announce() {
        try {
            announcements.put(config.name(), Json.MAPPER.writeValueAsBytes(
                    new WorkerAnnouncement(config.name(), renderer.models(), Instant.now())));
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("cannot announce the worker: {}", e.toString());
        }
    }

    private void pullLoop() {
        while (!closing) {
            Message m = next();
            if (m != null) {
                handle(m);
            }
        }
    }

    // Live lanes are asked first and briefly; only when none has work does the worker wait on the batch lanes.
    private Message next() {
        try {
            for (Lane lane : lanes) {
                Duration wait = lane.priority() == Priority.LIVE ? LIVE_WAIT : BATCH_WAIT;
                for (Message m : lane.sub().fetch(1, wait)) {
                    if (m.isJetStream()) {
                        return m;
                    }
                }
                if (closing) {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            // Disconnected (broker restarting): the connection reconnects by itself.
            LOG.debug("fetch failed: {}", e.toString());
            sleep(250);
        }
        return null;
    }

    private void handle(Message m) {
        long deliveries = m.metaData().deliveredCount();
        RemoteJob rj;
        try {
            rj = Json.MAPPER.readValue(m.getData(), RemoteJob.class);
        } catch (IOException e) {
            LOG.error("unreadable job message {}: {}", m.getSubject(), e.getMessage());
            deadLetter(m, Subjects.lastToken(m.getSubject()), deliveries, "unreadable job: " + e.getMessage());
            return;
        }
        String id = rj.job().id();
        if (cancelled.contains(id)) {
            finish(m, id, JobState.CANCELLED, "cancelled", "cancelled by a client", deliveries);
            return;
        }
        if (deliveries > config.maxDeliveries()) {
            deadLetter(m, id, deliveries, "handed out " + (deliveries - 1) + " times without finishing (workers failed or died)");
            return;
        }
        publishProgress(new RemoteProgress(id, config.name(), null, (int) deliveries, 0));
        long keepAlive = Math.max(200, config.ackWait().toMillis() / 3);
        ScheduledFuture<?> ticking = timer.scheduleAtFixedRate(m::inProgress, keepAlive, keepAlive, TimeUnit.MILLISECONDS);
        Path init = null;
        try {
            GenerationRequest request = rj.job().request();
            if (rj.initAudio() != null) {
                init = Files.createTempFile(config.workDir(), "init-", ".wav");
                Path target = init;
                try (OutputStream out = Files.newOutputStream(target)) {
                    bucket.get(rj.initAudio(), out);
                }
                request = request.withInitAudio(target);
            }
            if (!request.loras().isEmpty()) {
                request = request.withLoras(localLoras(request.loras()));
            }
            JobRecord job = rj.job();
            JobRecord here = new JobRecord(id, job.seq(), request, JobState.RUNNING, job.client(), job.createdAt(),
                    Instant.now(), null, (int) deliveries, null, null, null);
            runner.run(here, (stage, step, total) -> publishProgress(new RemoteProgress(id, config.name(), stage, step, total)),
                    () -> cancelled.contains(id), () -> closing);
            ClipInfo clip = staging.get(id).orElseThrow(() -> new IOException("the rendered clip is missing"));
            transport.store(id, clip);
            staging.delete(id);
            finish(m, id, JobState.SUCCEEDED, null, null, deliveries);
        } catch (RenderException e) {
            if (e.kind() == RenderException.Kind.CANCELLED && cancelled.contains(id)) {
                finish(m, id, JobState.CANCELLED, "cancelled", "cancelled by a client", deliveries);
            } else if (e.kind() == RenderException.Kind.CANCELLED) {
                m.nak(); // this worker is stopping: another one takes the job now
            } else if (e.kind() == RenderException.Kind.BAD_ARGUMENT) {
                finish(m, id, JobState.FAILED, e.kind().code(), e.getMessage(), deliveries);
            } else {
                retryOrGiveUp(m, id, deliveries, e.kind().code() + ": " + e.getMessage());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("job {} failed on this worker: {}", id, e.toString());
            retryOrGiveUp(m, id, deliveries, e.toString());
        } catch (OutOfMemoryError e) {
            retryOrGiveUp(m, id, deliveries, "out_of_memory: " + e.getMessage());
        } finally {
            ticking.cancel(false);
            if (init != null) {
                try {
                    Files.deleteIfExists(init);
                } catch (IOException ignored) {
                    // a leftover temp file in the work folder; harmless
                }
            }
        }
    }

    private void retryOrGiveUp(Message m, String id, long deliveries, String reason) {
        if (deliveries >= config.maxDeliveries()) {
            deadLetter(m, id, deliveries, "failed " + deliveries + " times; last: " + reason);
        } else {
            LOG.warn("job {} failed on delivery {} ({}); handing it back", id, deliveries, reason);
            m.nakWithDelay(Duration.ofMillis(500));
        }
    }

    // Adapters travel by name: each worker holds its own copy in its LoRA folder.
    private List<LoraChoice> localLoras(List<LoraChoice> wanted) throws RenderException {
        if (config.loras() == null) {
            throw new RenderException(RenderException.Kind.BAD_ARGUMENT, "worker " + config.name() + " has no LoRA folder");
        }
        List<LoraChoice> here = new ArrayList<>();
        try {
            for (LoraChoice l : wanted) {
                here.add(config.loras().resolve(l.name(), l.strength()));
            }
        } catch (IllegalArgumentException e) {
            throw new RenderException(RenderException.Kind.BAD_ARGUMENT, "worker " + config.name() + ": " + e.getMessage(), e);
        }
        return here;
    }

    private void deadLetter(Message m, String id, long deliveries, String reason) {
        try {
            Headers h = new Headers().add("Longplay-Reason", reason).add("Longplay-Deliveries", Long.toString(deliveries));
            js.publish(NatsMessage.builder().subject(Subjects.deadLetter(id)).headers(h).data(m.getData()).build());
            LOG.error("job {} dead-lettered: {}", id, reason);
            finish(m, id, JobState.FAILED, "dead_letter", reason, deliveries);
        } catch (IOException | JetStreamApiException e) {
            LOG.warn("job {}: cannot dead-letter it ({}); it will come back", id, e.toString());
        }
    }

    /** Publishes the result (durably), then acks: a crash between the two only causes a redundant re-run. */
    private void finish(Message m, String id, JobState state, String code, String message, long deliveries) {
        try {
            js.publish(Subjects.result(id), Json.MAPPER.writeValueAsBytes(
                    new RemoteResult(id, state, code, message, config.name(), deliveries)));
            m.ackSync(Duration.ofSeconds(5));
            jobsDone++;
            LOG.info("job {}: {} on delivery {}", id, state, deliveries);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("job {}: cannot report its end ({}); the broker will hand it out again", id, e.toString());
        }
    }

    private void publishProgress(RemoteProgress p) {
        try {
            nc.publish(Subjects.progress(p.jobId()), Json.MAPPER.writeValueAsBytes(p));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot publish progress: {}", e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops pulling; a job in progress is handed back to the broker for another worker. */
    @Override
    public void close() {
        closing = true;
        if (loop != null) {
            try {
                loop.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
        if (nc != null && nc.getStatus() == Connection.Status.CONNECTED) { // no waiting on a broker that is away
            try {
                announcements.delete(config.name());
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.debug("cannot withdraw the announcement: {}", e.toString());
            }
        }
        if (nc != null) {
            try {
                nc.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        renderer.close();
    }
}
