package dev.longplay.server;

import dev.longplay.server.io.AtomicFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Runs a server with the seeded-sine test renderer in its own JVM (for the kill -9 test). */
public final class TestServerMain {

    /** args: ROOT STEP_MILLIS. Writes ROOT/ready with the base URI once listening. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        LongplayServer server = LongplayServer.start(TestServer.config(root, 1, 64), new SineRenderer(5, Long.parseLong(args[1]), 0.5f));
        AtomicFiles.write(root.resolve("ready"), server.baseUri().toString().getBytes());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        server.join();
    }

    static Process spawn(Path root, long stepMillis) throws Exception {
        Files.deleteIfExists(root.resolve("ready"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                TestServerMain.class.getName(), root.toString(), Long.toString(stepMillis))
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("server-" + System.nanoTime() + ".log").toFile())
                .start();
    }

    static URI awaitReady(Path root, Process p) throws Exception {
        Path ready = root.resolve("ready");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(ready)) {
            if (!p.isAlive()) {
                throw new AssertionError("the server process exited with " + p.exitValue() + "; logs in " + root);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not start in 30 s; logs in " + root);
            }
            Thread.sleep(25);
        }
        return URI.create(Files.readString(ready).trim());
    }

    private TestServerMain() {
    }
}
