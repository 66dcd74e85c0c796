package dev.longplay.server.cli;

import dev.longplay.models.hub.RepoRef;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pull's progress line: bytes, rate and ETA redrawn in place on a terminal, one line per file elsewhere. */
class DownloadProgressTest {

    private static final RepoRef REF = RepoRef.parse("org/m");

    @Test
    void onATerminalTheLineShowsBytesRateAndEta() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DownloadProgress p = new DownloadProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), true, false);
        p.fileStarted(REF, "model.ckpt", 10L << 20, 0);
        Thread.sleep(200);
        p.bytes(REF, "model.ckpt", 2L << 20, 10L << 20);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rmodel.ckpt"), out);
        assertTrue(out.contains("2.0 MiB / 10.0 MiB"), out);
        assertTrue(out.matches("(?s).*\\d+\\.\\d (KiB|MiB)/s  ETA \\d+:\\d\\d .*"), out);
        assertTrue(out.contains("[####" + ".".repeat(20) + "]"), "a fifth of the 24-wide bar, rounded down: " + out);
        p.fileDone(REF, "model.ckpt", false);
        assertTrue(buf.toString(StandardCharsets.UTF_8).endsWith("  model.ckpt\n"));
    }

    @Test
    void elsewhereOneLinePerFileAndNoCarriageReturns() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DownloadProgress p = new DownloadProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false, false);
        p.fileStarted(REF, "model.ckpt", 3000, 1000);
        p.bytes(REF, "model.ckpt", 2000, 3000);
        p.bytes(REF, "model.ckpt", 3000, 3000);
        p.fileDone(REF, "model.ckpt", false);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals("  model.ckpt (2.9 KiB, resuming at 1000 B)\n", out);
        assertFalse(out.contains("\r"));
    }
}
