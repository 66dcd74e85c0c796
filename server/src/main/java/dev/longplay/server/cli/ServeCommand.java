package dev.longplay.server.cli;

import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.server.io.DataDirs;
import dev.longplay.server.LongplayServer;
import dev.longplay.server.live.AudioControl;
import dev.longplay.server.jack.JackPlayerClient;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.ClipRendererFactory;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobRunner;
import dev.longplay.server.jobs.LocalJobRunner;
import dev.longplay.server.scaleout.JetStreamLayout;
import dev.longplay.server.scaleout.NatsJobRunner;
import dev.longplay.osc.OscClientLimits;
import dev.longplay.osc.OscServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code longplay serve}: the background sound server. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the sound server: keeps the model loaded and serves clips over a local HTTP API.")
public final class ServeCommand implements Callable<Integer> {

    enum LoadAt { start, first_job }

    @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free port)")
    int port = 7860;

    @Option(names = "--bind", description = "address to listen on (default: ${DEFAULT-VALUE}); anything but loopback exposes the server to the network")
    String bind = "127.0.0.1";

    @Option(names = "--data-dir", description = "clips, uploads, user presets and the jobs database (default: $XDG_DATA_HOME/longplay)")
    Path dataDir;

    @Option(names = "--config-dir", description = "where the install token lives (default: $XDG_CONFIG_HOME/longplay)")
    Path configDir;

    @Option(names = "--workers", description = "jobs rendered at once (default: 1; with --nats, jobs handed to remote workers at once: 32)")
    Integer workers;

    @Option(names = "--nats", paramLabel = "URL", description = "scale out: hand jobs to `longplay worker` processes through this NATS JetStream server (e.g. nats://10.0.0.5:4222)")
    String nats;

    @Option(names = "--nats-name", description = "this server's name on NATS (default: longplay-serve)")
    String natsName = "longplay-serve";

    @Option(names = "--nats-clip-dir", description = "with --nats: take finished clips from this folder shared with the workers (their --clip-dir) instead of the JetStream object store")
    Path natsClipDir;

    @Option(names = "--nats-replicas", description = "copies JetStream keeps of Longplay's streams in a NATS cluster (default: ${DEFAULT-VALUE})")
    int natsReplicas = 1;

    @Option(names = "--queue-size", description = "jobs that may wait; more are refused with queue_full (default: ${DEFAULT-VALUE})")
    int queueSize = 256;

    @Option(names = "--load-model-at", description = "start or first-job (default: start)", converter = LoadAtConverter.class)
    LoadAt loadModelAt = LoadAt.start;

    @Option(names = "--model", description = "model id or path for the renderer (default: " + DefaultModel.ID
            + ", the small model Longplay trained; longplay-tiny-random-v1 names the random architecture check)")
    String model;

    @Option(names = "--clip-limit-gb", description = "clip store size before the least recently used clips are evicted (default: ${DEFAULT-VALUE})")
    double clipLimitGb = 20;

    @Option(names = "--clap", paramLabel = "DIR", description = "a CLAP model folder (Hugging Face layout): every clip's metadata gets its CLAP score against its prompt")
    Path clap;

    @Option(names = "--jack", description = "also run as a JACK client: play clips into JACK ports and capture from them")
    boolean jack;

    @Option(names = "--jack-voices", description = "JACK voices, each a stereo output port pair (default: ${DEFAULT-VALUE})")
    int jackVoices = 8;

    @Option(names = "--jack-name", description = "JACK client name (default: ${DEFAULT-VALUE})")
    String jackName = "longplay";

    @Option(names = "--jack-server", description = "JACK server name (default: JACK's default server)")
    String jackServer;

    @Option(names = "--bpm", description = "tempo of the internal beat clock when no JACK timebase master runs (default: ${DEFAULT-VALUE})")
    double bpm = 120;

    @Option(names = "--osc-port", description = "OSC port, UDP and TCP (SLIP) (default: ${DEFAULT-VALUE}; 0 = any free port, -1 = no OSC)")
    int oscPort = OscServerConfig.DEFAULT_PORT;

    @Option(names = "--osc-bind", description = "address OSC listens on (default: ${DEFAULT-VALUE}); anything but loopback is LAN mode and needs --osc-secret")
    String oscBind = "127.0.0.1";

    @Option(names = "--osc-secret", description = "shared secret OSC clients send with /auth (required for LAN mode; at least 12 characters)")
    String oscSecret;

    @Option(names = "--osc-trust-local-users", description = "serve every loopback OSC client without /auth, whoever runs it: "
            + "only for single-user machines whose system does not tell socket owners (on Linux, clients of the server's own "
            + "user are trusted anyway)")
    boolean oscTrustLocalUsers;

    @Option(names = "--osc-idle-timeout", description = "seconds after which an OSC TCP connection that sends nothing is closed (default: ${DEFAULT-VALUE})")
    int oscIdleTimeout = (int) OscClientLimits.defaults().tcpIdleTimeout().toSeconds();

    @Option(names = "--osc-import-dir", description = "a folder whose audio files OSC commands (/gen/a2a, /gen/inpaint) may name, besides the clip and upload folders")
    Path oscImportDir;

    @picocli.CommandLine.Mixin
    ComputeOptions compute = new ComputeOptions();

    // null: the model runtime on --device/--precision (tests pass their own)
    private final ClipRendererFactory renderers;

    public ServeCommand() {
        this(null);
    }

    public ServeCommand(ClipRendererFactory renderers) {
        this.renderers = renderers;
    }

    private LongplayServer.Config config() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535]");
        }
        if (!(clipLimitGb > 0)) {
            throw new IllegalArgumentException("--clip-limit-gb must be positive");
        }
        if (jackVoices < 1 || jackVoices > 64) {
            throw new IllegalArgumentException("--jack-voices must be in [1, 64]");
        }
        if (!(bpm >= 20 && bpm <= 400)) {
            throw new IllegalArgumentException("--bpm must be in [20, 400]");
        }
        LongplayServer.Config defaults = LongplayServer.Config.defaults(
                dataDir != null ? dataDir : DataDirs.data(), configDir != null ? configDir : DataDirs.config());
        return new LongplayServer.Config(bind, port, defaults.dataDir(), defaults.configDir(),
                new JobEngine.Config(workers != null ? workers : nats != null ? 32 : 1, queueSize, loadModelAt == LoadAt.start, 3,
                        // Remote jobs are safe on the broker: stop waiting for them at once (a worker may still
                        // finish one; the next start collects its result).
                        nats != null ? Duration.ZERO : Duration.ofSeconds(30)),
                (long) (clipLimitGb * 1024 * 1024 * 1024), defaults.limits(), defaults.readsPerSecond(), defaults.writesPerSecond());
    }

    /** The OSC edge's settings, or empty when {@code --osc-port -1} turns it off. */
    Optional<OscServerConfig> oscConfig() throws UnknownHostException {
        if (oscPort < -1 || oscPort > 65535) {
            throw new IllegalArgumentException("--osc-port must be -1 (off), 0 (any) or 1..65535");
        }
        if (oscPort == -1) {
            return Optional.empty();
        }
        if (oscIdleTimeout < 1) {
            throw new IllegalArgumentException("--osc-idle-timeout must be at least 1 second");
        }
        OscServerConfig c = OscServerConfig.defaults("0.1.0").withPorts(oscPort, oscPort);
        c = c.withLimits(c.limits().withTcpTimeouts(Duration.ofSeconds(oscIdleTimeout), c.limits().tcpAuthTimeout()));
        if (oscTrustLocalUsers) {
            c = c.withTrust(c.trust().trustingAnyLocalUser());
        }
        InetAddress bind = InetAddress.getByName(oscBind);
        if (oscSecret != null) {
            c = c.withBind(bind, oscSecret);
        } else if (!bind.isLoopbackAddress()) {
            throw new IllegalArgumentException("--osc-bind " + oscBind + " is LAN mode and needs --osc-secret");
        }
        return Optional.of(c);
    }

    static final class LoadAtConverter implements picocli.CommandLine.ITypeConverter<LoadAt> {
        @Override
        public LoadAt convert(String value) {
            return switch (value) {
                case "start" -> LoadAt.start;
                case "first-job" -> LoadAt.first_job;
                default -> throw new picocli.CommandLine.TypeConversionException("expected start or first-job, got " + value);
            };
        }
    }

    @Override
    public Integer call() throws Exception {
        LongplayServer.Config config;
        Optional<OscServerConfig> osc;
        try {
            config = config();
            osc = oscConfig();
        } catch (IllegalArgumentException | UnknownHostException e) {
            System.err.println("serve: " + e.getMessage());
            return 2;
        }
        ClipRenderer renderer = null;
        JobRunner.Factory runners;
        if (nats != null && clap != null) {
            System.err.println("serve: --clap scores clips where they are rendered; with --nats that is on the workers: "
                    + "give it to them (longplay worker --nats URL --clap DIR)");
            return 2;
        }
        if (nats != null) {
            String defaultModel = model != null ? model : DefaultModel.ID;
            JetStreamLayout layout;
            try {
                layout = new JetStreamLayout(natsReplicas, JetStreamLayout.defaults().resultsKeptFor(), JetStreamLayout.defaults().clipsKeptFor());
            } catch (IllegalArgumentException e) {
                System.err.println("serve: --nats-replicas: " + e.getMessage());
                return 2;
            }
            runners = clips -> NatsJobRunner.connect(
                    new NatsJobRunner.Config(nats, natsName, defaultModel, Duration.ofSeconds(3), layout, natsClipDir), clips);
        } else {
            try {
                renderer = (renderers != null ? renderers : RendererWiring.factory(compute))
                        .create(model != null ? model : DefaultModel.ID);
            } catch (ClipRendererFactory.RendererUnavailableException e) {
                System.err.println("serve: no renderer: " + e.getMessage());
                return 2;
            } catch (IllegalArgumentException e) {
                System.err.println("serve: " + e.getMessage());
                return 2;
            }
            ClipRenderer local = renderer;
            PromptAudioScorer scorer;
            try {
                scorer = clap == null ? null : ClapScorers.load(clap);
            } catch (RuntimeException e) {
                renderer.close();
                System.err.println("serve: --clap: " + e.getMessage());
                return 2;
            }
            runners = clips -> new LocalJobRunner(local, clips, scorer);
        }
        LongplayServer server;
        try {
            server = LongplayServer.start(config, runners);
        } catch (Exception e) {
            if (renderer != null) {
                renderer.close();
            }
            throw e;
        }
        if (osc.isPresent()) {
            try {
                server.startOsc(osc.get(), Optional.ofNullable(oscImportDir));
            } catch (Exception e) {
                server.close();
                throw e;
            }
        }
        AudioControl audio = server.startAudio(jack ? new JackPlayerClient.Config(jackName, jackServer, jackVoices, bpm) : null);
        System.out.println("longplay: serving on " + server.baseUri() + " (token in " + server.token().file() + ")"
                + server.osc().flatMap(o -> o.udpAddress()).map(a -> "; OSC on udp/tcp " + a.getPort()).orElse("")
                + (nats != null ? "; jobs go to NATS workers at " + JetStreamLayout.redacted(nats) : "")
                + (audio.jackAvailable() ? "; JACK client " + jackName + " with " + jackVoices + " voices" : "; JACK off"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                audio.close();
                server.close();
            } catch (Exception e) {
                System.err.println("serve: shutdown: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "longplay-shutdown"));
        stopped.await();
        return 0;
    }
}
