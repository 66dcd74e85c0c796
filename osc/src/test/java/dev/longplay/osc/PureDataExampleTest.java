package dev.longplay.osc;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs examples/puredata/longplay.pd, unchanged, in a headless Pd against the server. */
class PureDataExampleTest {
    private static Path patch() {
        String root = System.getenv("LONGPLAY_PROJECT_DIR");
        return (root != null ? Path.of(root) : Path.of("..")).resolve("examples/puredata/longplay.pd").toAbsolutePath();
    }

    @Test
    void theExamplePatchRegistersGeneratesAndPrintsTheReplies() throws Exception {
        assumeTrue(ExternalTools.which("pd").isPresent(), "Pure Data (puredata-core) is not installed");
        assertTrue(Files.exists(patch()), patch().toString());
        RecordingHandler handler = new RecordingHandler();
        try (OscServerTransport server = OscServerTransport.start(OscServerConfig.defaults("1").withPorts(0, -1), handler)) {
            int serverPort = server.udpAddress().orElseThrow().getPort();
            int replyPort = ExternalTools.freeUdpPort();
            // The same messages a user sends by clicking, sent by name after the patch has loaded.
            Process pd = new ProcessBuilder("pd", "-nogui", "-nosound", "-nomidi", "-noprefs",
                    "-open", patch().toString(),
                    "-send", "longplay-server " + serverPort,
                    "-send", "longplay-listen " + replyPort,
                    "-send", "longplay-gen 7 rainy\\ street 3 seed 11")
                    .redirectErrorStream(true).start();
            BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(pd.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.offer(line);
                    }
                } catch (java.io.IOException ignored) {
                    // pd was stopped
                }
            });
            reader.setDaemon(true);
            reader.start();
            List<String> seen = new ArrayList<>();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (seen.stream().noneMatch(l -> l.contains("longplay: done /gen/text")) && System.nanoTime() < deadline) {
                    String line = lines.poll(100, TimeUnit.MILLISECONDS);
                    if (line != null) {
                        seen.add(line);
                    }
                }
            } finally {
                pd.destroy();
                pd.waitFor(5, TimeUnit.SECONDS);
            }
            assertTrue(seen.stream().anyMatch(l -> l.startsWith("longplay: done /notify")), seen.toString());
            assertTrue(seen.stream().anyMatch(l -> l.startsWith("longplay: gen progress 7 0.5 4 8 sample")), seen.toString());
            assertTrue(seen.stream().anyMatch(l -> l.startsWith("longplay: done /gen/text 7 clip-7 /tmp/clip-7.wav 44100 2 44100 11")),
                    seen.toString());
            OscRequest r = handler.accepted.stream().filter(q -> q.address().equals("/gen/text")).findFirst().orElseThrow();
            assertEquals("rainy street", r.string("prompt"));
            assertEquals(3.0, r.number("seconds"));
            assertEquals(11, r.options().integer("seed").getAsInt());
        }
    }
}
