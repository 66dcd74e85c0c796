package dev.longplay.server.cli;

import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.server.io.DataDirs;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.LoraLibrary;
import dev.longplay.server.jobs.ClipRendererFactory;
import dev.longplay.server.scaleout.JetStreamLayout;
import dev.longplay.server.scaleout.NatsWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code longplay worker}: only the model, taking jobs from NATS JetStream for a {@code longplay serve --nats}. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a model worker: render jobs from a NATS JetStream queue for one or more `longplay serve --nats` servers.")
public final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--nats", paramLabel = "URL", required = true, description = "the NATS server (JetStream enabled), e.g. nats://10.0.0.5:4222")
    String nats;

    @Option(names = "--model", description = "model id or path to load (default: " + DefaultModel.ID
            + ", the small model Longplay trained); servers route jobs by this id")
    String model;

    @Option(names = "--name", description = "this worker's name (default: host name and process id)")
    String name;

    @Option(names = "--ack-wait", description = "seconds without word from a worker before its job goes to another (default: ${DEFAULT-VALUE})")
    double ackWaitSeconds = 10;

    @Option(names = "--max-deliveries", description = "times a job may be handed out before it is dead-lettered and failed (default: ${DEFAULT-VALUE})")
    int maxDeliveries = 3;

    @Option(names = "--work-dir", description = "staging folder for clips (default: $XDG_CACHE_HOME/longplay/worker-<name>)")
    Path workDir;

    @Option(names = "--clip-dir", description = "put finished clips in this folder shared with the servers (their --nats-clip-dir) instead of the JetStream object store")
    Path clipDir;

    @Option(names = "--clap", paramLabel = "DIR", description = "a CLAP model folder (Hugging Face layout): every clip this worker renders gets its CLAP score in its metadata")
    Path clap;

    @Option(names = "--lora-dir", description = "LoRA adapters jobs may name (default: $XDG_DATA_HOME/longplay/loras; keep the same files as the servers')")
    Path loraDir;

    @Option(names = "--nats-replicas", description = "copies JetStream keeps of Longplay's streams in a NATS cluster (default: ${DEFAULT-VALUE})")
    int natsReplicas = 1;

    @picocli.CommandLine.Mixin
    ComputeOptions compute = new ComputeOptions();

    // null: the model runtime on --device/--precision (tests pass their own)
    private final ClipRendererFactory renderers;

    public WorkerCommand() {
        this(null);
    }

    public WorkerCommand(ClipRendererFactory renderers) {
        this.renderers = renderers;
    }

    static String defaultName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "worker").replaceAll("[^A-Za-z0-9_-]", "_");
        host = host.isEmpty() ? "worker" : host.substring(0, Math.min(host.length(), 40)); // names stay under 64
        return host + "-" + ProcessHandle.current().pid();
    }

    @Override
    public Integer call() throws Exception {
        String workerName = name != null ? name : defaultName();
        NatsWorker.Config config;
        try {
            if (!(ackWaitSeconds >= 0.5 && ackWaitSeconds <= 3600)) {
                throw new IllegalArgumentException("--ack-wait must be in [0.5, 3600] seconds");
            }
            config = new NatsWorker.Config(nats, workerName, Duration.ofMillis(Math.round(ackWaitSeconds * 1000)), maxDeliveries,
                    workDir != null ? workDir : DataDirs.cache().resolve("worker-" + workerName),
                    new JetStreamLayout(natsReplicas, JetStreamLayout.defaults().resultsKeptFor(), JetStreamLayout.defaults().clipsKeptFor()),
                    clipDir, new LoraLibrary(loraDir != null ? loraDir : DataDirs.data().resolve("loras")));
        } catch (IllegalArgumentException e) {
            System.err.println("worker: " + e.getMessage());
            return 2;
        }
        ClipRenderer renderer;
        try {
            renderer = (renderers != null ? renderers : RendererWiring.factory(compute))
                    .create(model != null ? model : DefaultModel.ID);
        } catch (ClipRendererFactory.RendererUnavailableException e) {
            System.err.println("worker: no renderer: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("worker: " + e.getMessage());
            return 2;
        }
        PromptAudioScorer scorer;
        try {
            scorer = clap == null ? null : ClapScorers.load(clap);
        } catch (RuntimeException e) {
            renderer.close();
            System.err.println("worker: --clap: " + e.getMessage());
            return 2;
        }
        NatsWorker worker = new NatsWorker(config, renderer, scorer);
        try {
            worker.start();
        } catch (Exception e) {
            worker.close();
            throw e;
        }
        System.out.println("longplay worker " + workerName + ": rendering " + renderer.models().get(0).id() + " for "
                + JetStreamLayout.redacted(nats));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "longplay-worker-shutdown"));
        stopped.await();
        return 0;
    }
}
