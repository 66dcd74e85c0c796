package dev.longplay.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad worker and serve --nats options are refused with a message, before any model loads or anything connects. */
class WorkerCommandTest {

    private static String run(int expectedCode, Object command, String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedCode, new CommandLine(command).execute(args));
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static WorkerCommand worker() {
        return new WorkerCommand(m -> {
            throw new AssertionError("no renderer may be made for bad options");
        });
    }

    @Test
    void badWorkerOptionsAreRefused(@TempDir Path dir) {
        String work = dir.resolve("work").toString();
        assertTrue(run(2, worker(), "--work-dir", work).contains("--nats"), "the broker URL is required");
        assertTrue(run(2, worker(), "--nats", "nats://127.0.0.1:1", "--work-dir", work, "--ack-wait", "0.1").contains("--ack-wait"));
        assertTrue(run(2, worker(), "--nats", "nats://127.0.0.1:1", "--work-dir", work, "--max-deliveries", "0").contains("max deliveries"));
        assertTrue(run(2, worker(), "--nats", "nats://127.0.0.1:1", "--work-dir", work, "--name", "two words").contains("worker name"));
        assertTrue(run(2, worker(), "--nats", "nats://127.0.0.1:1", "--work-dir", work, "--nats-replicas", "7").contains("replicas"));
        assertFalse(Files.exists(dir.resolve("work")), "nothing is created for bad options");
    }

    @Test
    void serveWithNatsRefusesBadReplicasBeforeStarting(@TempDir Path dir) {
        ServeCommand serve = new ServeCommand(m -> {
            throw new AssertionError("serve --nats makes no local renderer");
        });
        String err = run(2, serve, "--nats", "nats://127.0.0.1:1", "--nats-replicas", "0", "--port", "0", "--osc-port", "-1",
                "--data-dir", dir.resolve("data").toString(), "--config-dir", dir.resolve("config").toString());
        assertTrue(err.contains("replicas"), err);
        assertFalse(Files.exists(dir.resolve("data")));
    }
}
