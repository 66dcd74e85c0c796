package dev.longplay.server;

import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.http.ApiHandler;
import dev.longplay.server.jobs.ClipRenderer;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobRunner;
import dev.longplay.server.jobs.LocalJobRunner;
import dev.longplay.server.requests.JobSpecResolver;
import dev.longplay.server.jobs.LoraLibrary;
import dev.longplay.server.jobs.JobStore;
import dev.longplay.server.jobs.Retention;
import dev.longplay.server.jack.JackPlayerClient;
import dev.longplay.server.live.AudioControl;
import dev.longplay.server.osc.OscEdge;
import dev.longplay.osc.OscServerConfig;
import dev.longplay.osc.OscServerTransport;
import dev.longplay.server.presets.PresetCatalog;
import dev.longplay.server.security.HostOriginGuard;
import dev.longplay.server.security.InstallToken;
import dev.longplay.server.security.PrivateFiles;
import dev.longplay.server.security.RateLimiter;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The sound server: clip store, jobs database, job engine and the HTTP edge, wired together and started in order
 * (and closed in reverse). Layout under the data folder: {@code clips/}, {@code uploads/}, {@code presets/}
 * (the user's), {@code jobs.db}; the token lives in the config folder.
 */
public final class LongplayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LongplayServer.class);

    /**
     * @param bind      address to listen on; loopback unless the operator insists
     * @param port      0 picks a free port
     * @param readsPerSecond  per-client rate for all requests (burst = 4x)
     * @param writesPerSecond per-client rate for writes (burst = 4x)
     */
    public record Config(String bind, int port, Path dataDir, Path configDir, JobEngine.Config engine, long clipLimitBytes,
                         ApiHandler.Limits limits, double readsPerSecond, double writesPerSecond) {

        public static Config defaults(Path dataDir, Path configDir) {
            return new Config("127.0.0.1", 7860, dataDir, configDir,
                    new JobEngine.Config(1, 256, false, 3, Duration.ofSeconds(30)),
                    20L * 1024 * 1024 * 1024, new ApiHandler.Limits(64 * 1024, 128L * 1024 * 1024), 100, 20);
        }
    }

    private final Server jetty;
    private final JobEngine engine;
    private final JobStore store;
    private final JobRunner runner;
    private final InstallToken token;
    private final URI baseUri;
    private final ClipStore clips;
    private final UploadStore uploads;
    private final ApiHandler api;
    private final PresetCatalog presets;
    private final JobSpecResolver resolver;
    private final Path dataDir;
    private volatile OscServerTransport osc; // null unless startOsc was called
    private volatile OscEdge oscEdge;
    private final java.util.concurrent.ScheduledExecutorService housekeeping =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "longplay-retention");
                t.setDaemon(true);
                return t;
            });
    private volatile AudioControl audio; // null until attachAudio

    private LongplayServer(Server jetty, JobEngine engine, JobStore store, JobRunner runner, InstallToken token, URI baseUri,
                           ClipStore clips, UploadStore uploads, ApiHandler api, PresetCatalog presets, JobSpecResolver resolver,
                           Path dataDir) {
        this.presets = presets;
        this.resolver = resolver;
        this.dataDir = dataDir;
        this.clips = clips;
        this.uploads = uploads;
        this.api = api;
        this.jetty = jetty;
        this.engine = engine;
        this.store = store;
        this.runner = runner;
        this.token = token;
        this.baseUri = baseUri;
    }

    /** Starts everything, rendering in this process; the renderer is closed with the server. */
    public static LongplayServer start(Config config, ClipRenderer renderer) throws Exception {
        return start(config, clips -> new LocalJobRunner(renderer, clips));
    }

    /** Starts everything with the runner the factory makes (in-process or remote); it is closed with the server. */
    public static LongplayServer start(Config config, JobRunner.Factory runners) throws Exception {
        InetAddress bind = InetAddress.getByName(config.bind());
        if (!bind.isLoopbackAddress()) {
            LOG.warn("==================================================================================");
            LOG.warn("Longplay is listening on {}, which is NOT loopback: other machines can reach it.", config.bind());
            LOG.warn("Anyone with the install token can generate and delete clips. Use --bind 127.0.0.1");
            LOG.warn("unless you really mean to serve a network.");
            LOG.warn("==================================================================================");
        }
        if (!dev.longplay.server.security.LoopbackPeerOwner.supported()) {
            LOG.warn("This system does not say which user owns a loopback connection: any local user can open a web console "
                    + "session. On a machine shared with other users, use clients with the install token instead.");
        }
        InstallToken token = InstallToken.loadOrCreate(config.configDir());
        PrivateFiles.directory(config.dataDir());
        ClipStore clips = ClipStore.open(config.dataDir().resolve("clips"), config.clipLimitBytes());
        UploadStore uploads = UploadStore.open(config.dataDir().resolve("uploads"),
                UploadStore.Limits.forFileCap(config.limits().maxUploadBytes()));
        PresetCatalog presets = PresetCatalog.load(config.dataDir().resolve("presets"));
        JobStore store = JobStore.open(config.dataDir().resolve("jobs.db"));
        PrivateFiles.tighten(config.dataDir()); // folders and files an older version made readable by all
        JobRunner runner = runners.create(clips);
        JobEngine engine = new JobEngine(store, clips, runner, config.engine());
        engine.start();

        Set<String> hosts = new HashSet<>();
        if (!bind.isLoopbackAddress()) {
            hosts.add(bind.getHostAddress());
            hosts.add(config.bind());
        }
        JobSpecResolver resolver = new JobSpecResolver(presets, clips, uploads,
                new LoraLibrary(config.dataDir().resolve("loras")));
        ApiHandler api = new ApiHandler(engine, resolver, clips, uploads, presets, token,
                new HostOriginGuard(hosts),
                new RateLimiter(4 * config.readsPerSecond(), config.readsPerSecond()),
                new RateLimiter(4 * config.writesPerSecond(), config.writesPerSecond()),
                config.limits());
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("longplay-http");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        jetty.addConnector(connector);
        jetty.setHandler(api);
        jetty.setErrorHandler(new dev.longplay.server.http.JsonErrorHandler());
        api.attachPulls(new dev.longplay.server.pull.ModelPulls(dev.longplay.models.hub.ModelPuller::fromEnvironment)); // only on request
        jetty.setStopTimeout(5_000);
        try {
            jetty.start();
        } catch (Exception e) {
            engine.close();
            store.close();
            throw e;
        }
        String host = bind.getHostAddress().contains(":") ? "[" + bind.getHostAddress() + "]" : bind.getHostAddress();
        URI base = URI.create("http://" + host + ":" + connector.getLocalPort());
        LOG.info("Longplay listening on {} (data {}, token {})", base, config.dataDir(), token.file());
        LongplayServer server = new LongplayServer(jetty, engine, store, runner, token, base, clips, uploads, api, presets,
                resolver, config.dataDir());
        server.startRetention(Retention.DEFAULT);
        return server;
    }

    public URI baseUri() {
        return baseUri;
    }

    public InstallToken token() {
        return token;
    }

    public JobEngine engine() {
        return engine;
    }

    public ClipStore clips() {
        return clips;
    }

    public UploadStore uploads() {
        return uploads;
    }

    public ApiHandler api() {
        return api;
    }

    /**
     * Starts the OSC edge (UDP and TCP as {@code config} says) beside HTTP, and tells OSCQuery its port. Clients of
     * another local user (or any client where socket owners cannot be told) must {@code /auth} with the install token
     * unless {@code config} names its own secret (LAN mode's {@code --osc-secret}).
     *
     * @param importDir a folder besides the clip and upload folders whose audio files OSC commands may name
     */
    public synchronized OscServerTransport startOsc(OscServerConfig config, Optional<Path> importDir) throws IOException {
        if (osc != null) {
            throw new IllegalStateException("the OSC edge is already running");
        }
        OscEdge edge = new OscEdge(engine, resolver, clips, uploads, presets, dataDir, importDir);
        AudioControl attached = audio;
        if (attached != null) {
            edge.attachAudio(attached);
        }
        if (config.secret().isEmpty()) {
            config = config.withSecret(token.value());
        }
        if (config.beatClock().isEmpty()) {
            // atBeat on any command: the player's clock, once (and while) the audio edges run.
            config = config.withBeatClock(beat -> Optional.ofNullable(audio).flatMap(x -> x.instantOfBeat(beat)));
        }
        osc = OscServerTransport.start(config, edge);
        oscEdge = edge;
        osc.udpAddress().ifPresent(a -> api.attachOsc(a.getPort()));
        LOG.info("OSC listening on {} (UDP {}, TCP {})", config.bindAddress().getHostAddress(),
                osc.udpAddress().map(a -> a.getPort()).orElse(-1), osc.tcpAddress().map(a -> a.getPort()).orElse(-1));
        return osc;
    }

    /**
     * Starts the audio edges (the plugin bridge always; JACK when {@code jackConfig} is given and a JACK server
     * answers, otherwise the server runs on without it and says so) and attaches them with {@link #attachAudio}.
     */
    public AudioControl startAudio(JackPlayerClient.Config jackConfig) {
        AudioControl started = AudioControl.open(clips, uploads, engine, jackConfig);
        attachAudio(started);
        return started;
    }

    /**
     * Makes the audio edges (JACK playback, capture, the plugin bridge) reachable: the HTTP routes, OSC's /play, /stop
     * and /clock, and OSC's atBeat option, whichever of HTTP and OSC started first.
     */
    public synchronized void attachAudio(AudioControl audio) {
        this.audio = audio;
        api.attachAudio(audio);
        if (oscEdge != null) {
            oscEdge.attachAudio(audio);
        }
    }

    /** Sweeps old finished jobs and uploads now and then every hour (see {@link Retention}). */
    private void startRetention(Retention retention) {
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                retention.sweep(store, uploads, java.time.Instant.now());
            } catch (Exception e) { // a full disk or a locked database must not stop later sweeps
                LOG.warn("retention sweep failed: {}", e.toString());
            }
        }, 0, 1, java.util.concurrent.TimeUnit.HOURS);
    }

    /** The OSC transport, if {@link #startOsc} was called. */
    public Optional<OscServerTransport> osc() {
        return Optional.ofNullable(osc);
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Graceful: stop taking requests, let the engine drain (or re-queue) running jobs, then close the stores. */
    @Override
    public void close() throws Exception {
        housekeeping.shutdownNow();
        try {
            if (osc != null) {
                osc.close();
            }
            jetty.stop();
        } finally {
            engine.close();
            store.close();
            runner.close();
        }
    }
}
