package dev.longplay.server.osc;

import dev.longplay.osc.OscServerConfig;
import dev.longplay.server.TestServer;
import dev.longplay.server.render.ModelClipRenderer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real OSC clients from Debian against the running server and the tiny model: liblo's oscsendfile/oscdump and
 * the Pure Data example patch, unchanged. Each test is skipped when its tool is not installed.
 */
class OscExternalClientsTest {
    @TempDir
    static Path root;
    static TestServer s;
    static int oscPort;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(root, new ModelClipRenderer(null, root.resolve("models")), 1, 16);
        oscPort = s.server.startOsc(OscServerConfig.defaults("test").withPorts(0, -1), Optional.empty())
                .udpAddress().orElseThrow().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void libloSendsTextAndOscdumpReceivesProgressAndTheClip() throws Exception {
        assumeTrue(which("oscsendfile") && which("oscdump"), "liblo-tools is not installed");
        int dumpPort = freeUdpPort();
        BlockingQueue<String> dump = lines(start("oscdump", "-L", Integer.toString(dumpPort)));
        Thread.sleep(300); // let oscdump bind
        // One socket for every line, so /auth and /notify's replyPort hold for the command after them (oscsendfile
        // cannot send a string with a space, hence the one-word prompt). It closes its socket before the server can
        // read who owned it, so it authenticates with the install token like another user's client.
        Path script = root.resolve("liblo.txt");
        Files.writeString(script, String.join("\n",
                "00000000.00000001 /auth s \"" + s.server.token().value() + "\"",
                "00000000.00000001 /notify ii 1 " + dumpPort,
                "00000000.00000001 /gen/text isfsisi 4 \"pad\" 1.0 \"seed\" 9 \"steps\" 2") + "\n");
        Process send = start("oscsendfile", "127.0.0.1", Integer.toString(oscPort), script.toString());
        assertTrue(send.waitFor(10, TimeUnit.SECONDS) && send.exitValue() == 0, "oscsendfile failed");

        // oscdump prints: [timestamp] address types values...
        List<String> seen = until(dump, l -> l.contains("\"/gen/text\" 4"), 60);
        assertTrue(seen.stream().anyMatch(l -> l.contains("/done si \"/notify\"")), seen.toString());
        assertTrue(seen.stream().anyMatch(l -> l.contains("/gen/progress ifiis 4 ") && l.contains("\"sampling\"")), seen.toString());
        Matcher done = Pattern.compile("/done sissiiii \"/gen/text\" 4 \"([^\"]+)\" \"([^\"]+)\" 44100 2 44100 9")
                .matcher(seen.get(seen.size() - 1));
        assertTrue(done.find(), seen.toString());
        assertTrue(s.server.clips().contains(done.group(1)));
        assertTrue(Files.isRegularFile(Path.of(done.group(2))));
    }

    @Test
    void theExamplePureDataPatchMakesAClip() throws Exception {
        assumeTrue(which("pd"), "Pure Data (puredata-core) is not installed");
        String dir = System.getenv("LONGPLAY_PROJECT_DIR");
        Path patch = (dir != null ? Path.of(dir) : Path.of("..")).resolve("examples/puredata/longplay.pd").toAbsolutePath();
        assertTrue(Files.exists(patch), patch.toString());
        // What a user sends by clicking, sent by name once the patch has loaded.
        BlockingQueue<String> out = lines(start("pd", "-nogui", "-nosound", "-nomidi", "-noprefs", "-open", patch.toString(),
                "-send", "longplay-server " + oscPort,
                "-send", "longplay-listen " + freeUdpPort(),
                "-send", "longplay-gen 7 rainy\\ street 1 seed 11 steps 2"));
        List<String> seen = until(out, l -> l.contains("longplay: done /gen/text") || l.contains("longplay: fail"), 60);
        assertTrue(seen.stream().anyMatch(l -> l.startsWith("longplay: done /notify")), seen.toString());
        Matcher done = Pattern.compile("longplay: done /gen/text 7 (\\S+) (\\S+) 44100 2 44100 11").matcher(seen.get(seen.size() - 1));
        assertTrue(done.find(), seen.toString());
        assertTrue(s.server.clips().contains(done.group(1)), "the server made clip " + done.group(1));
        assertEquals("rainy street", TestServer.json(s.get("/v1/clips/" + done.group(1) + "/meta")).get("prompt").asText());
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.offer(line);
                }
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** Lines read until one matches {@code last} (included) or the time is up. */
    private static List<String> until(BlockingQueue<String> lines, Predicate<String> last, int seconds) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                if (last.test(line)) {
                    break;
                }
            }
        }
        return seen;
    }

    private static boolean which(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}
