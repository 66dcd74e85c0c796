package dev.longplay.server.scaleout;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.time.Duration;

/**
 * Connects to NATS and makes sure the streams and buckets of {@link Subjects} exist (both sides call it, so
 * whichever starts first creates them; creating what exists is a no-op). Everything is file-backed: queued jobs
 * and stored clips survive a broker restart.
 *
 * @param replicas copies JetStream keeps of each stream in a cluster (1 on a single server; 3 survives one node)
 */
public record JetStreamLayout(int replicas, Duration resultsKeptFor, Duration clipsKeptFor) {

    static final int STREAM_NOT_FOUND = 10059;
    static final int NO_MESSAGE = 10037;
    private static final int NAME_IN_USE = 10058;

    public JetStreamLayout {
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException("replicas must be in [1, 5]");
        }
    }

    public static JetStreamLayout defaults() {
        return new JetStreamLayout(1, Duration.ofDays(1), Duration.ofDays(7));
    }

    /** A connection that keeps reconnecting for ever (a broker restart must not end a server or a worker). */
    public static Connection connect(String url, String name) throws IOException, InterruptedException {
        Options options = Options.builder()
                .server(url)
                .connectionName(name)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return Nats.connect(options);
    }

    /** The URL(s) for logs: credentials ({@code nats://user:password@host}) replaced by {@code ***}. */
    public static String redacted(String urls) {
        return urls.replaceAll("//[^/@,]*@", "//***@");
    }

    public void ensure(Connection nc) throws IOException, JetStreamApiException {
        JetStreamManagement jsm = nc.jetStreamManagement();
        ensureStream(jsm, StreamConfiguration.builder().name(Subjects.JOBS_STREAM).subjects(Subjects.JOBS_ALL)
                .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File).replicas(replicas)
                // a producer that restarts within this window and publishes a job again is deduplicated by job id
                .duplicateWindow(Duration.ofMinutes(10)).build());
        ensureStream(jsm, StreamConfiguration.builder().name(Subjects.RESULTS_STREAM).subjects(Subjects.RESULTS_ALL)
                .retentionPolicy(RetentionPolicy.Limits).storageType(StorageType.File).replicas(replicas)
                .maxAge(resultsKeptFor).build());
        ensureStream(jsm, StreamConfiguration.builder().name(Subjects.DLQ_STREAM).subjects(Subjects.DLQ_ALL)
                .retentionPolicy(RetentionPolicy.Limits).storageType(StorageType.File).replicas(replicas)
                .maxAge(Duration.ofDays(30)).build());
        try {
            nc.objectStoreManagement().getStatus(Subjects.CLIP_BUCKET);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            createTolerantly(() -> nc.objectStoreManagement().create(ObjectStoreConfiguration.builder(Subjects.CLIP_BUCKET)
                    .storageType(StorageType.File).replicas(replicas).ttl(clipsKeptFor).build()));
        }
        try {
            nc.keyValueManagement().getStatus(Subjects.WORKER_BUCKET);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            createTolerantly(() -> nc.keyValueManagement().create(KeyValueConfiguration.builder(Subjects.WORKER_BUCKET)
                    .storageType(StorageType.Memory).replicas(replicas).ttl(WORKER_TTL).build()));
        }
    }

    /** A worker that has not refreshed its announcement for this long is taken for gone. */
    static final Duration WORKER_TTL = Duration.ofSeconds(15);

    private static void ensureStream(JetStreamManagement jsm, StreamConfiguration config) throws IOException, JetStreamApiException {
        try {
            jsm.getStreamInfo(config.getName());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            createTolerantly(() -> jsm.addStream(config));
        }
    }

    private interface Create {
        void run() throws IOException, JetStreamApiException;
    }

    // Two processes starting together may both try; the loser finds it made.
    private static void createTolerantly(Create create) throws IOException, JetStreamApiException {
        try {
            create.run();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != NAME_IN_USE) {
                throw e;
            }
        }
    }
}
