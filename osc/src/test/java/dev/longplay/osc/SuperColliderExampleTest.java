package dev.longplay.osc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * sclang, headless, compiles examples/supercollider (the Longplay class and longplay.scd) and generates
 * a clip through the class against the server. Playing needs a booted scsynth, which this does not start.
 */
class SuperColliderExampleTest {
    @Test
    void theClassWrapperGeneratesAndTheExampleCompiles() throws Exception {
        assumeTrue(ExternalTools.which("sclang").isPresent(), "sclang (supercollider-language) is not installed");
        String root = System.getenv("LONGPLAY_PROJECT_DIR");
        Path examples = (root != null ? Path.of(root) : Path.of("..")).resolve("examples/supercollider").toAbsolutePath();
        Path script = Path.of(getClass().getResource("/sclang/longplay_test.scd").toURI());
        Path conf = Files.createTempFile("longplay-sclang", ".yaml");
        Path log = Files.createTempFile("longplay-sclang", ".log");
        RecordingHandler handler = new RecordingHandler();
        try (OscServerTransport server = OscServerTransport.start(OscServerConfig.defaults("1").withPorts(0, -1), handler)) {
            Files.writeString(conf, "includePaths:\n    - " + examples + "\nexcludePaths: []\npostInlineWarnings: false\n");
            ProcessBuilder pb = new ProcessBuilder("sclang", "-l", conf.toString(), "-u",
                    Integer.toString(ExternalTools.freeUdpPort()), script.toString(),
                    Integer.toString(server.udpAddress().orElseThrow().getPort()), examples.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("QT_QPA_PLATFORM", "offscreen");
            pb.environment().put("QTWEBENGINE_DISABLE_SANDBOX", "1");
            Process sclang = pb.start();
            if (!sclang.waitFor(60, TimeUnit.SECONDS)) {
                sclang.destroyForcibly();
            }
            List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertTrue(out.contains("LP-EXAMPLE-COMPILES true"), String.join("\n", out));
            assertTrue(out.contains("LP-PROGRESS 1 0.5 sample"), String.join("\n", out));
            assertTrue(out.contains("LP-DONE 1 clip-1 44100 11"), String.join("\n", out));
            OscRequest r = handler.accepted.get(0);
            assertEquals("rainy street", r.string("prompt"));
            assertEquals(11, r.options().integer("seed").getAsInt());
        } finally {
            Files.deleteIfExists(conf);
            Files.deleteIfExists(log);
        }
    }
}
