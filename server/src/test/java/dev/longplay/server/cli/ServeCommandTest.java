package dev.longplay.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.longplay.server.jobs.ClipRendererFactory;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServeCommandTest {

    @Test
    void serveRefusesToStartWhenNoRendererCanBeMade(@TempDir Path dir) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            ServeCommand serve = new ServeCommand(model -> {
                throw new ClipRendererFactory.RendererUnavailableException("the model folder is gone");
            });
            code = new CommandLine(serve).execute("--data-dir", dir.resolve("data").toString(),
                    "--config-dir", dir.resolve("config").toString(), "--port", "0");
        } finally {
            System.setErr(err);
        }
        assertEquals(2, code);
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("the model folder is gone"),
                captured.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(dir.resolve("data")), "nothing is created when serve cannot run");
    }

    @Test
    void loadModelAtTakesStartOrFirstJob() {
        ServeCommand c = new ServeCommand(m -> {
            throw new AssertionError("not called");
        });
        new CommandLine(c).parseArgs("--load-model-at", "first-job", "--workers", "2", "--queue-size", "9");
        assertEquals(ServeCommand.LoadAt.first_job, c.loadModelAt);
        assertEquals(2, c.workers);
        assertEquals(9, c.queueSize);
        assertEquals(2, new CommandLine(new ServeCommand(m -> null)).execute("--load-model-at", "later"));
        assertEquals(2, new CommandLine(new ServeCommand(m -> null)).execute("--workers", "0"));
    }
}
