package dev.longplay.server.scaleout;

import dev.longplay.models.pipeline.EmbeddedModel;
import dev.longplay.server.cli.LongplayCli;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;

import java.nio.file.Path;
import java.time.Duration;

/** {@code longplay worker} as separate JVMs on the embedded tiny model, for tests that kill or pause workers. */
final class WorkerProcesses {

    private WorkerProcesses() {
    }

    /** Makes the tiny model once, where the workers' caches point, so they do not all write it at start. */
    static Path prepareCache(Path root) {
        Path cache = root.resolve("cache");
        EmbeddedModel.ensure(cache.resolve("longplay").resolve("models"));
        return cache;
    }

    static Process spawn(Path root, String natsUrl, String name, double ackWaitSeconds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dai.djl.pytorch.num_threads=1",
                "-cp", System.getProperty("java.class.path"), LongplayCli.class.getName(),
                "worker", "--nats", natsUrl, "--name", name, "--ack-wait", Double.toString(ackWaitSeconds),
                "--model", EmbeddedModel.ID,
                "--work-dir", root.resolve("work-" + name).toString())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("worker-" + name + ".log").toFile());
        pb.environment().put("XDG_CACHE_HOME", root.resolve("cache").toString());
        Process p = pb.start();
        // A worker outliving its test (a failed assertion before the test's cleanup) would reconnect for ever.
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return p;
    }

    /** Waits until the worker has announced itself (its queues are joined by then). */
    static void awaitReady(Connection nc, String name, Process p, Path root) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new AssertionError("worker " + name + " exited with " + p.exitValue() + "; see " + root);
            }
            try {
                KeyValueEntry e = nc.keyValue(Subjects.WORKER_BUCKET).get(name);
                if (e != null && e.getValue() != null) {
                    return;
                }
            } catch (Exception notYet) {
                // the bucket appears with the first worker or server
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("worker " + name + " did not start in 60 s; see " + root);
            }
            Thread.sleep(50);
        }
    }

    static void printLogs(Path root) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(root)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                System.out.println("===== " + f.getFileName());
                java.nio.file.Files.readAllLines(f).stream().filter(l -> !l.contains("NNPACK")).forEach(System.out::println);
            }
        }
    }

    /** SIGSTOP or SIGCONT: a worker that looks dead to the broker, then comes back. */
    static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " failed");
        }
    }
}
