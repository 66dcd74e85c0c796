package dev.longplay.server.pull;

import dev.longplay.models.hub.HubException;
import dev.longplay.models.hub.ModelPuller;
import dev.longplay.models.hub.PullListener;
import dev.longplay.models.hub.RepoRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Model downloads the server runs when a client asks ({@code POST /v1/models/pull}), never on its own: one at a
 * time on their own thread (a download never holds a generation worker), a few queued, a repeated request for a
 * model already queued or pulling answered with that pull. Each pull has an event stream: its state, the files, a
 * progress event at most four times a second, and a final {@code done} or {@code failed}. Finished pulls are kept
 * (the newest {@value #KEEP_FINISHED}) so a client can still read how one ended.
 */
public final class ModelPulls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelPulls.class);
    private static final int MAX_QUEUED = 4;
    private static final int KEEP_FINISHED = 16;
    private static final long PROGRESS_NANOS = 250_000_000L;

    public enum State {
        QUEUED, RUNNING, DONE, FAILED;

        public boolean terminal() {
            return this == DONE || this == FAILED;
        }
    }

    /** What a client sees of a pull. */
    public record View(String id, String model, State state, Instant createdAt, String file, long fileBytes, long fileSize,
                       long downloadedBytes, String commit, String snapshot, String errorCode, String message) {
    }

    /** One event on a pull's stream: {@code type} is planned, file, progress, note, done or failed. */
    public record Event(String type, Map<String, Object> data, View pull) {
        public boolean terminal() {
            return type.equals("done") || type.equals("failed");
        }
    }

    /** A listener attached to one pull; {@link #initial} is the pull as it was when the listener was added. */
    public record Subscription(View initial, AutoCloseable handle) implements AutoCloseable {
        @Override
        public void close() {
            try {
                handle.close();
            } catch (Exception ignored) {
                // removing a listener cannot fail
            }
        }
    }

    private final class Pull implements PullListener {
        final String id = "pull-" + UUID.randomUUID().toString().substring(0, 12);
        final RepoRef ref;
        final Instant createdAt = Instant.now();
        final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
        State state = State.QUEUED;
        String file;
        long fileBytes;
        long fileSize;
        long downloaded;
        long lastProgress;
        String commit;
        String snapshot;
        String errorCode;
        String message;

        Pull(RepoRef ref) {
            this.ref = ref;
        }

        synchronized View view() {
            return new View(id, ref.toString(), state, createdAt, file, fileBytes, fileSize, downloaded, commit, snapshot, errorCode, message);
        }

        void emit(String type, Map<String, Object> data) {
            Event e = new Event(type, data, view());
            for (Consumer<Event> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("a pull listener failed", ex);
                }
            }
        }

        @Override
        public void planned(RepoRef r, String c, List<String> files, long totalBytes) {
            synchronized (this) {
                if (r.equals(ref)) {
                    commit = c;
                }
            }
            emit("planned", Map.of("repo", r.repoId(), "commit", c, "files", files, "totalBytes", totalBytes));
        }

        @Override
        public void fileStarted(RepoRef r, String path, long size, long from) {
            synchronized (this) {
                file = r.repoId() + "/" + path;
                fileBytes = from;
                fileSize = size;
                lastProgress = System.nanoTime();
            }
            emit("file", Map.of("repo", r.repoId(), "path", path, "size", size, "resumedFrom", from));
        }

        @Override
        public void bytes(RepoRef r, String path, long done, long size) {
            long now = System.nanoTime();
            synchronized (this) {
                downloaded += done - fileBytes;
                fileBytes = done;
                if (now - lastProgress < PROGRESS_NANOS && done < size) {
                    return;
                }
                lastProgress = now;
            }
            emit("progress", Map.of("repo", r.repoId(), "path", path, "bytes", done, "size", size));
        }

        @Override
        public void fileDone(RepoRef r, String path, boolean cached) {
            emit("file_done", Map.of("repo", r.repoId(), "path", path, "cached", cached));
        }

        @Override
        public void note(String text) {
            emit("note", Map.of("message", text));
        }
    }

    private final Supplier<ModelPuller> puller;
    private final ExecutorService worker;
    private final LinkedHashMap<String, Pull> pulls = new LinkedHashMap<>();

    /** {@code puller} is asked for a fresh puller per pull, so the environment's Hub settings are read each time. */
    public ModelPulls(Supplier<ModelPuller> puller) {
        this.puller = puller;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "longplay-model-pull");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true); // no thread while nothing is pulled
        this.worker = pool;
    }

    /**
     * Queues a pull of {@code model} ({@code ORG/NAME[@REVISION]}), or returns the one already queued or running.
     *
     * @throws IllegalArgumentException the id is malformed
     * @throws IllegalStateException    the queue is full
     */
    public View start(String model) {
        RepoRef ref = RepoRef.parse(model == null ? "" : model.trim());
        Pull pull;
        synchronized (pulls) {
            for (Pull p : pulls.values()) {
                if (p.ref.equals(ref) && !p.view().state().terminal()) {
                    return p.view();
                }
            }
            pull = new Pull(ref);
            try {
                worker.execute(() -> run(pull));
            } catch (RejectedExecutionException e) {
                throw new IllegalStateException("too many model pulls are queued; try again when one has finished");
            }
            pulls.put(pull.id, pull);
            forgetOld();
        }
        return pull.view();
    }

    private void run(Pull pull) {
        synchronized (pull) {
            pull.state = State.RUNNING;
        }
        pull.emit("status", Map.of());
        try {
            ModelPuller.Result r = puller.get().pull(pull.ref, pull);
            synchronized (pull) {
                pull.state = State.DONE;
                pull.commit = r.commit();
                pull.snapshot = r.snapshot().toString();
                pull.file = null;
            }
            List<String> encoders = new ArrayList<>();
            r.encoders().forEach(e -> encoders.add(e.ref().toString()));
            pull.emit("done", Map.of("commit", r.commit(), "snapshot", r.snapshot().toString(), "encoders", encoders));
        } catch (HubException e) {
            fail(pull, e.reason().code(), e.getMessage());
        } catch (IllegalArgumentException e) {
            fail(pull, "invalid_argument", e.getMessage()); // a malformed HF_ENDPOINT or timeout in the server's environment
        } catch (RuntimeException e) {
            LOG.error("model pull {} failed", pull.ref, e);
            fail(pull, "internal_error", "the pull failed: " + e);
        }
    }

    private static void fail(Pull pull, String code, String message) {
        synchronized (pull) {
            pull.state = State.FAILED;
            pull.errorCode = code;
            pull.message = message;
        }
        pull.emit("failed", Map.of("code", code, "message", message));
    }

    // keeps every unfinished pull and the newest finished ones
    private void forgetOld() {
        int finished = (int) pulls.values().stream().filter(p -> p.view().state().terminal()).count();
        for (Iterator<Pull> it = pulls.values().iterator(); it.hasNext() && finished > KEEP_FINISHED; ) {
            if (it.next().view().state().terminal()) {
                it.remove();
                finished--;
            }
        }
    }

    public Optional<View> view(String id) {
        synchronized (pulls) {
            return Optional.ofNullable(pulls.get(id)).map(Pull::view);
        }
    }

    public List<View> list() {
        synchronized (pulls) {
            return pulls.values().stream().map(Pull::view).toList();
        }
    }

    /** Adds a listener to a pull; the initial view and the events after it, with none lost in between. */
    public Optional<Subscription> subscribe(String id, Consumer<Event> listener) {
        Pull pull;
        synchronized (pulls) {
            pull = pulls.get(id);
        }
        if (pull == null) {
            return Optional.empty();
        }
        synchronized (pull) {
            // state changes happen under this lock, before their events are sent: the view is never behind the listener
            pull.listeners.add(listener);
            return Optional.of(new Subscription(pull.view(), () -> pull.listeners.remove(listener)));
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
