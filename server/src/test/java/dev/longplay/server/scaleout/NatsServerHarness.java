package dev.longplay.server.scaleout;

import io.nats.client.Connection;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real {@code nats-server -js} on loopback for tests (Debian's package; CI installs it): a free port, its own
 * JetStream store folder, kill -9 and restart on the same folder and port.
 */
final class NatsServerHarness implements AutoCloseable {

    private final Path storeDir;
    private final Path log;
    private final int port;
    private Process process;

    private NatsServerHarness(Path root, int port) {
        this.storeDir = root.resolve("jetstream");
        this.log = root.resolve("nats-server.log");
        this.port = port;
    }

    /** The nats-server executable on PATH, or null (tests then skip). */
    static Path executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "nats-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static NatsServerHarness start(Path root) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NatsServerHarness h = new NatsServerHarness(root, port);
        h.launch();
        return h;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    private void launch() throws Exception {
        Files.createDirectories(storeDir);
        process = new ProcessBuilder(executable().toString(), "-js", "-a", "127.0.0.1", "-p", Integer.toString(port),
                "-sd", storeDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("nats-server exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nats-server did not listen in 20 s; see " + log);
                }
                Thread.sleep(20);
            }
        }
        // Listening is not JetStream ready: ask it for the account until it answers.
        try (Connection nc = JetStreamLayout.connect(url(), "harness-probe")) {
            while (true) {
                try {
                    nc.jetStreamManagement().getAccountStatistics();
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("JetStream not ready in 20 s; see " + log, e);
                    }
                    Thread.sleep(50);
                }
            }
        }
    }

    /** SIGKILL: no shutdown, no flush. */
    void kill() throws Exception {
        process.destroyForcibly().waitFor();
    }

    /** A new nats-server on the same port and store folder. */
    void restart() throws Exception {
        launch();
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
