package dev.longplay.server.security;

import dev.longplay.server.io.AtomicFiles;
import dev.longplay.server.LongplayServer;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.http.ApiHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A server in its own JVM with a chosen upload cap, so a test can read its memory from outside. */
public final class UploadServerMain {

    private UploadServerMain() {
    }

    /** args: ROOT MAX_UPLOAD_BYTES. Writes ROOT/ready with the base URI once listening. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        LongplayServer.Config c = TestServer.config(root, 1, 16);
        LongplayServer.Config config = new LongplayServer.Config(c.bind(), 0, c.dataDir(), c.configDir(), c.engine(), c.clipLimitBytes(),
                new ApiHandler.Limits(64 * 1024, Long.parseLong(args[1])), 1000, 1000);
        LongplayServer server = LongplayServer.start(config, new SineRenderer(1, 1, 0.5f));
        AtomicFiles.write(root.resolve("ready"), (server.baseUri() + "\n" + server.token().value()).getBytes());
        server.join();
    }

    /** Starts the server JVM with {@code jvmArgs} (a heap cap) and waits until it listens; returns it and its URI and token. */
    static Started spawn(Path root, long maxUploadBytes, String... jvmArgs) throws Exception {
        return spawn(root, maxUploadBytes, java.util.Map.of(), jvmArgs);
    }

    /** As above, with extra environment variables for the server process. */
    static Started spawn(Path root, long maxUploadBytes, java.util.Map<String, String> env, String... jvmArgs) throws Exception {
        Files.deleteIfExists(root.resolve("ready"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), UploadServerMain.class.getName(), root.toString(),
                Long.toString(maxUploadBytes)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(root.resolve("server.log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        Path ready = root.resolve("ready");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(ready)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("the server did not start: " + Files.readString(root.resolve("server.log")));
            }
            Thread.sleep(25);
        }
        String[] lines = Files.readString(ready).split("\n");
        return new Started(p, java.net.URI.create(lines[0].trim()), lines[1].trim());
    }

    record Started(Process process, java.net.URI uri, String token) {
    }
}
